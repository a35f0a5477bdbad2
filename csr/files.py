"""Uploaded files: the type is decided from the content (magic bytes), never from the name."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

ALLOWED = "PDF, JPG, PNG, DOCX, XLSX"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def sniff(head: bytes, data: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def checked_upload(upload) -> tuple[str, ContentFile]:
    """(kind, content) of an accepted upload; ``ValidationError`` for an empty, large or unknown file."""
    limit = settings.UPLOAD_MAX_MB * 1024 * 1024
    size = getattr(upload, "size", 0) or 0
    if size <= 0:
        raise ValidationError({"file": _("The file is empty.")})
    if size > limit:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_MB}})
    upload.seek(0)
    data = upload.read(limit + 1)
    kind = sniff(data[:16], data)
    if kind is None:
        raise ValidationError({"file": _("Only %(types)s files are accepted.") % {"types": ALLOWED}})
    return kind, ContentFile(data)
