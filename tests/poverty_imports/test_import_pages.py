"""The import pages: upload, follow the job, read the report, fetch the rejected rows; and the export page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.models import Job, JobStatus
from poverty_data.models import SubmissionChange
from poverty_imports.models import ImportBatch, ImportStatus
from tests.factories import ImportBatchFactory

CORPUS = Path(__file__).resolve().parent / "import_corpus"


def upload(client, name: str, round_, **extra):
    data = {"round": round_.pk, "file": SimpleUploadedFile(name, (CORPUS / name).read_bytes()), **extra}
    return client.post(reverse("poverty_imports:new"), data)


def test_an_officer_uploads_a_list_and_sees_what_landed(
    client, officer, pokja, open_round, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "good.csv", open_round)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("poverty_imports:detail", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED and batch.job.status == JobStatus.DONE
    html = client.get(response["Location"]).content.decode()
    assert "1 usulan perubahan ditulis ke 1 usulan desa" in html
    assert reverse("poverty_data:submission", args=[batch.touched.get().pk]) in html
    assert SubmissionChange.objects.count() == 1


def test_a_bad_file_shows_each_error_by_row_and_offers_the_report(
    client, officer, pokja, open_round, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "two_heads.csv", open_round)
    batch = ImportBatch.objects.get()
    html = client.get(reverse("poverty_imports:detail", args=[batch.pk])).content.decode()
    assert "tidak ada yang diimpor" in html
    assert "Keluarga ini sudah memiliki kepala keluarga di baris 2." in html
    report = client.get(reverse("poverty_imports:report", args=[batch.pk]))
    assert "3,hubungan_keluarga,galat,Keluarga ini sudah memiliki kepala keluarga di baris 2." in b"".join(
        report.streaming_content
    ).decode("utf-8-sig")
    rejected = client.get(reverse("poverty_imports:rejected", args=[batch.pk]))
    assert rejected.status_code == 200 and "alasan" in b"".join(rejected.streaming_content).decode("utf-8-sig")
    assert rejected["Content-Disposition"].endswith(f'baris-ditolak-impor-{batch.pk}.csv"')
    assert "(CSV)" in html
    assert not SubmissionChange.objects.exists()


def test_the_rejected_rows_of_an_xlsx_upload_download_as_xlsx(
    client, officer, pokja, open_round, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "nik_as_number.xlsx", open_round)
    batch = ImportBatch.objects.get()
    assert "(XLSX)" in client.get(reverse("poverty_imports:detail", args=[batch.pk])).content.decode()
    rejected = client.get(reverse("poverty_imports:rejected", args=[batch.pk]))
    assert rejected.status_code == 200 and rejected["Content-Disposition"].endswith(f'{batch.pk}.xlsx"')
    assert b"".join(rejected.streaming_content).startswith(b"PK")


def test_upload_again_keeps_the_village_of_the_refused_import(
    client, officer, pokja, open_round, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "two_heads.csv", open_round, village=pokja.village.code)
    batch = ImportBatch.objects.get()
    html = client.get(reverse("poverty_imports:detail", args=[batch.pk])).content.decode()
    assert f'href="{reverse("poverty_imports:new")}?desa={pokja.village.code}"' in html


def test_a_binary_upload_gets_a_clear_message_on_the_form(client, officer, pokja, open_round):
    client.force_login(officer)
    response = upload(client, "binary.bin", open_round)
    assert response.status_code == 200
    assert "Berkas bukan berkas CSV atau XLSX (berisi data biner)." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_an_unknown_village_code_in_the_form_is_refused(client, officer, pokja, open_round):
    client.force_login(officer)
    response = upload(client, "good.csv", open_round, village="65.99.99.9999")
    assert "65.99.99.9999 bukan kode desa yang dikenal." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_upload_page_links_the_templates_and_both_templates_download(client, officer, pokja, open_round):
    client.force_login(officer)
    html = client.get(reverse("poverty_imports:new")).content.decode()
    assert reverse("poverty_imports:template_xlsx") in html and reverse("poverty_imports:template_csv") in html
    assert client.get(reverse("poverty_imports:template_csv")).content.startswith("\ufeffno_kk,nik".encode())
    assert client.get(reverse("poverty_imports:template_xlsx")).content.startswith(b"PK")


@pytest.mark.parametrize("view", ["poverty_imports:detail", "poverty_imports:report", "poverty_imports:rejected"])
def test_someone_elses_import_does_not_exist_for_you(client, officer, other_officer, pokja, open_round, view):
    batch = ImportBatchFactory(created_by=officer, round=open_round, file_name="a.csv")
    client.force_login(other_officer)
    assert client.get(reverse(view, args=[batch.pk])).status_code == 404


def _imported_by(officer, open_round, django_capture_on_commit_callbacks, client) -> ImportBatch:
    content = (
        CORPUS / "good.csv"
    ).read_bytes() + b"6501010101200002,6501011203850009,=1+1,L,12-03-1985,Kepala Keluarga,65.01.01.2005\n"
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("poverty_imports:new"),
            {"round": open_round.pk, "file": SimpleUploadedFile("daftar-rt.csv", content), "valid_only": "on"},
        )
    client.logout()
    return ImportBatch.objects.get()


def test_staff_follow_the_imports_written_into_their_area_but_not_the_rejected_rows(
    client, officer, pokja, open_round, province_staff, kabupaten_staff, django_capture_on_commit_callbacks
):
    batch = _imported_by(officer, open_round, django_capture_on_commit_callbacks, client)
    assert batch.status == ImportStatus.IMPORTED and batch.touched.exists() and batch.errors
    for staff in (province_staff, kabupaten_staff):
        client.force_login(staff)
        listing = client.get(reverse("poverty_imports:list")).content.decode()
        assert "daftar-rt.csv" in listing and (officer.get_full_name() or officer.username) in listing
        detail = client.get(reverse("poverty_imports:detail", args=[batch.pk]))
        assert detail.status_code == 200 and "baris-ditolak" not in detail.content.decode()
        assert client.get(reverse("poverty_imports:report", args=[batch.pk])).status_code == 200
        assert client.get(reverse("poverty_imports:rejected", args=[batch.pk])).status_code == 403
    client.force_login(officer)
    assert "baris-ditolak" in client.get(reverse("poverty_imports:detail", args=[batch.pk])).content.decode()


def test_staff_of_another_area_do_not_see_the_import(
    client, officer, pokja, open_round, region_tree, django_capture_on_commit_callbacks
):
    from accounts.models import Role
    from accounts.services import role_assign
    from tests.factories import UserFactory

    batch = _imported_by(officer, open_round, django_capture_on_commit_callbacks, client)
    nunukan = UserFactory(username="nunukan")
    role_assign(user=nunukan, role=Role.KABUPATEN_STAFF, region=region_tree.nunukan)
    client.force_login(nunukan)
    assert "daftar-rt.csv" not in client.get(reverse("poverty_imports:list")).content.decode()
    for view in ("poverty_imports:detail", "poverty_imports:report", "poverty_imports:rejected"):
        assert client.get(reverse(view, args=[batch.pk])).status_code == 404


@pytest.mark.parametrize("view", ["poverty_imports:list", "poverty_imports:new", "poverty_imports:export"])
def test_anonymous_visitors_are_sent_to_log_in(client, db, view):
    response = client.get(reverse(view))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_roles_that_may_not_import_are_refused(client, village_head, company_rep, open_round):
    for user in (village_head, company_rep):
        client.force_login(user)
        assert client.get(reverse("poverty_imports:new")).status_code == 403


def test_an_officer_outside_the_pokja_cannot_import_into_the_village(
    client, other_officer, pokja, open_round, django_capture_on_commit_callbacks
):
    client.force_login(other_officer)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "good.csv", open_round)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.REFUSED
    assert "berada di luar wilayah Anda" in batch.issues.first().message


def test_the_import_list_keeps_a_flat_query_count(client, officer, open_round, django_assert_max_num_queries):
    ImportBatch.objects.bulk_create(ImportBatchFactory.build_batch(60, created_by=officer, round=open_round))
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("poverty_imports:list")).status_code == 200


def test_an_export_runs_as_a_job_and_is_logged(client, officer, pokja, families, django_capture_on_commit_callbacks):
    from accounts.models import PersonalDataAccess

    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("poverty_imports:export"), {"region": "65.01.01.2005", "format": "csv"})
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result_name.endswith(".csv")
    content = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content).decode("utf-8-sig")
    assert content.splitlines()[0].startswith("no_kk,nik,nama")
    assert len(content.splitlines()) == 1 + 6
    export, download = PersonalDataAccess.objects.order_by("pk")  # the job's export, then the download
    assert (export.action, export.region_code, export.rows) == ("export", "65.01.01.2005", 6)
    assert (download.action, download.user) == ("download", officer)


def test_an_export_of_a_region_outside_the_scope_is_refused(client, officer, pokja):
    client.force_login(officer)
    response = client.post(reverse("poverty_imports:export"), {"region": "65.03.01.2001", "format": "csv"})
    assert response.status_code == 200 and not Job.objects.exists()


def test_an_administrator_follows_every_import(client, officer, other_officer, administrator, open_round):
    mine = ImportBatchFactory(created_by=officer, round=open_round, file_name="a.csv")
    theirs = ImportBatchFactory(created_by=other_officer, round=open_round, file_name="b.csv")
    client.force_login(administrator)
    listing = client.get(reverse("poverty_imports:list")).content.decode()
    assert "a.csv" in listing and "b.csv" in listing
    for batch in (mine, theirs):
        assert client.get(reverse("poverty_imports:detail", args=[batch.pk])).status_code == 200
