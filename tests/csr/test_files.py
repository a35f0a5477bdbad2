"""Uploads: the type comes from the content; empty, oversized and disguised files are refused."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from csr.files import checked_upload


def _zip(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7 ...", "pdf"),
        (b"\xff\xd8\xff\xe0 jpeg", "jpg"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (_zip("word/document.xml"), "docx"),
        (_zip("xl/workbook.xml"), "xlsx"),
    ],
)
def test_accepted_types_are_recognised_from_their_content(content, kind):
    assert checked_upload(SimpleUploadedFile("whatever.bin", content))[0] == kind


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00executable", b"<html><script>alert(1)</script>", _zip("evil.sh"), b"PK\x03\x04 broken zip"],
)
def test_other_content_is_refused_whatever_the_name(content):
    with pytest.raises(ValidationError, match="Hanya berkas PDF, JPG, PNG, DOCX, XLSX"):
        checked_upload(SimpleUploadedFile("surat.pdf", content))


def test_an_empty_or_oversized_file_is_refused(settings):
    settings.UPLOAD_MAX_MB = 1
    with pytest.raises(ValidationError, match="Berkas kosong"):
        checked_upload(SimpleUploadedFile("a.pdf", b""))
    with pytest.raises(ValidationError, match="lebih besar dari 1 MB"):
        checked_upload(SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * (1024 * 1024)))
