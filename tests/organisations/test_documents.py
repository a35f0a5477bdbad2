"""Documents: type checked by content, size limit, stored outside the web root, served through the policy."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organisations import services
from organisations.models import Document

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_MB = 1
    return tmp_path


def upload(client, org, name: str, content: bytes, kind: str = "sk"):
    return client.post(
        reverse("organisations:document_upload", args=[org.pk]),
        {"kind": kind, "title": "SK Pengurus", "upload": SimpleUploadedFile(name, content)},
    )


def test_an_officer_uploads_a_pdf_and_downloads_it_inline(client, orgs, officer, media):
    client.force_login(officer)
    assert upload(client, orgs.home, "sk.pdf", PDF).status_code == 302
    document = Document.objects.get()
    assert document.content_type == "application/pdf" and document.size == len(PDF)
    assert (media / document.file.name).read_bytes() == PDF
    response = client.get(reverse("organisations:document_download", args=[document.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == PDF


def test_an_office_file_is_always_downloaded_as_an_attachment(client, orgs, officer):
    client.force_login(officer)
    assert upload(client, orgs.home, "laporan.docx", docx_bytes(), kind="report").status_code == 302
    response = client.get(reverse("organisations:document_download", args=[Document.objects.get().pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="laporan.docx"')


def test_the_stored_name_never_comes_from_the_user(client, orgs, officer):
    client.force_login(officer)
    upload(client, orgs.home, "../../etc/passwd.pdf", PDF)
    stored = Document.objects.get().file.name
    assert ".." not in stored and stored.startswith(f"organisations/{orgs.home.pk}/")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "Jenis berkas ini tidak diterima."),
        ("foto.pdf", PNG, "Isi berkas tidak sesuai dengan ekstensinya .pdf."),
        ("script.png", b"<script>alert(1)</script>", "Isi berkas tidak sesuai dengan ekstensinya .png."),
        ("zip.docx", b"PK\x03\x04not really a zip", "Isi berkas tidak sesuai dengan ekstensinya .docx."),
        ("kosong.pdf", b"", "Berkas yang dikirimkan kosong."),
    ],
)
def test_a_wrong_file_type_is_refused_with_a_message_and_nothing_stored(
    client, orgs, officer, media, name, content, message
):
    client.force_login(officer)
    response = upload(client, orgs.home, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert not any(media.rglob("*.*"))


def test_a_file_over_the_limit_is_refused(client, orgs, officer, media):
    client.force_login(officer)
    response = upload(client, orgs.home, "besar.pdf", PDF + b"0" * (1024 * 1024))
    assert response.status_code == 200
    assert "Berkas terlalu besar (1,0 MB); batasnya 1 MB." in response.content.decode().replace("1.0 MB", "1,0 MB")
    assert not Document.objects.exists()


def test_a_document_out_of_scope_is_a_404_and_anonymous_visitors_must_log_in(client, orgs, officer, other_officer):
    client.force_login(officer)
    upload(client, orgs.home, "sk.pdf", PDF)
    url = reverse("organisations:document_download", args=[Document.objects.get().pk])
    client.force_login(other_officer)
    assert client.get(url).status_code == 404
    assert client.post(reverse("organisations:document_upload", args=[orgs.home.pk])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_kabupaten_staff_may_read_their_kabupatens_documents(client, orgs, officer, kabupaten_staff):
    client.force_login(officer)
    upload(client, orgs.home, "sk.pdf", PDF)
    client.force_login(kabupaten_staff)
    assert client.get(reverse("organisations:document_download", args=[Document.objects.get().pk])).status_code == 200


def test_deleting_a_document_removes_the_file_and_keeps_the_history(
    orgs, officer, media, django_capture_on_commit_callbacks
):
    document = services.document_upload(
        user=officer, organisation=orgs.home, kind="sk", title="SK", upload=SimpleUploadedFile("sk.pdf", PDF)
    )
    path = media / document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(user=officer, document=document)
    assert not path.exists() and not Document.objects.exists()
    assert Document.history.filter(history_type="-").count() == 1


def test_assistance_with_its_document(client, orgs, province_staff):
    client.force_login(province_staff)
    response = client.post(
        reverse("organisations:assistance_create", args=[orgs.home.pk]),
        {
            "year": "2026",
            "giver": "company",
            "giver_name": "PT Contoh",
            "form": "goods",
            "value": "15000000",
            "upload": SimpleUploadedFile("bast.pdf", PDF),
        },
    )
    assert response.status_code == 302
    assistance = orgs.home.assistance.get()
    assert assistance.document.kind == "assistance" and assistance.value == 15_000_000
    html = client.get(reverse("organisations:detail", args=[orgs.home.pk])).content.decode()
    assert "15.000.000" in html and "Bantuan 2026" in html


def test_assistance_with_a_bad_document_is_not_recorded(client, orgs, province_staff):
    client.force_login(province_staff)
    response = client.post(
        reverse("organisations:assistance_create", args=[orgs.home.pk]),
        {
            "year": "2026",
            "giver": "company",
            "form": "goods",
            "value": "1",
            "upload": SimpleUploadedFile("a.pdf", b"MZ"),
        },
    )
    assert response.status_code == 200 and "Isi berkas tidak sesuai" in response.content.decode()
    assert not orgs.home.assistance.exists() and not Document.objects.exists()
