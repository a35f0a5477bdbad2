"""Checks on uploaded documents: the content's magic bytes must match an allowed type and its extension.

An extension alone proves nothing (``laporan.pdf`` may be an executable), so each allowed
extension names the signatures its content must start with. Office Open XML and
OpenDocument files are ZIP archives; the ZIP must also hold the member that marks the format.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

PDF = b"%PDF-"
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls/.ppt


@dataclass(frozen=True)
class FileType:
    content_type: str
    signatures: tuple[bytes, ...]
    zip_member: str = ""  # for ZIP containers: a member the format always has
    inline: bool = False  # shown in the browser (images, PDF); everything else is an attachment


ALLOWED: dict[str, FileType] = {
    "pdf": FileType("application/pdf", (PDF,), inline=True),
    "png": FileType("image/png", (PNG,), inline=True),
    "jpg": FileType("image/jpeg", (JPEG,), inline=True),
    "jpeg": FileType("image/jpeg", (JPEG,), inline=True),
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP,), "[Content_Types].xml"
    ),
    "xlsx": FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,), "[Content_Types].xml"
    ),
    "pptx": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", (ZIP,), "[Content_Types].xml"
    ),
    "odt": FileType("application/vnd.oasis.opendocument.text", (ZIP,), "mimetype"),
    "ods": FileType("application/vnd.oasis.opendocument.spreadsheet", (ZIP,), "mimetype"),
    "doc": FileType("application/msword", (OLE,)),
    "xls": FileType("application/vnd.ms-excel", (OLE,)),
}


def max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_MB", 10)) * 1024 * 1024


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_upload(upload: UploadedFile) -> FileType:
    """The upload's type when it is allowed; ValidationError (in Indonesian) otherwise."""
    limit_mb = int(getattr(settings, "UPLOAD_MAX_MB", 10))
    if upload.size is not None and upload.size > max_bytes():
        raise ValidationError(
            _("The file is too large (%(size).1f MB); the limit is %(limit)d MB.")
            % {"size": upload.size / 1024 / 1024, "limit": limit_mb}
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."))
    allowed = ", ".join(sorted(ALLOWED))
    kind = ALLOWED.get(extension_of(upload.name or ""))
    if kind is None:
        raise ValidationError(_("This type of file is not accepted. Accepted: %(types)s.") % {"types": allowed})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(kind.signatures):
        raise ValidationError(
            _("The content of the file does not match its extension .%(ext)s.") % {"ext": extension_of(upload.name)}
        )
    if kind.zip_member:
        try:
            with zipfile.ZipFile(upload) as archive:
                archive.getinfo(kind.zip_member)
        except (zipfile.BadZipFile, KeyError):
            raise ValidationError(
                _("The content of the file does not match its extension .%(ext)s.") % {"ext": extension_of(upload.name)}
            ) from None
        finally:
            upload.seek(0)
    return kind
