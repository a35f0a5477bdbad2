"""Starting an import or an export: the upload checked and stored, the background job started;
the command line's import of a file on the server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import policy
from jobs.services import job_start
from poverty_data.models import Round
from regions.models import Region

from ..exports import export_title
from ..models import ImportBatch
from ..reader import SNIFF_BYTES, ImportFileError, detect_kind
from .jobs import run_export, run_import
from .run import import_run
from .scope import may_import_into


@transaction.atomic
def import_create(
    *,
    user: Any,
    round: Round,  # noqa: A002 - the domain word
    upload: File,
    file_name: str,
    village: Region | None = None,
    sheet: str = "",
    valid_only: bool = False,
    start: bool = True,
) -> ImportBatch:
    """Check and store an uploaded list, then start its import as a background job."""
    policy.require(user, "import.run")
    if village is not None and not may_import_into(user, village.code):
        raise PermissionDenied("import.run")
    if not round.is_open:
        raise ValidationError(_("This round is closed."))
    limit = settings.IMPORT_MAX_MB * 1024 * 1024
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)d MB. Split it by village or kecamatan.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": settings.IMPORT_MAX_MB}
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    try:
        kind = detect_kind(head)
    except ImportFileError as exc:
        raise ValidationError(exc.message) from None
    batch = ImportBatch.objects.create(
        created_by=user,
        round=round,
        village=village,
        file_name=file_name[:200],
        sheet=sheet[:100],
        valid_only=valid_only,
        file_kind=kind,
    )
    batch.file.save(f"{batch.pk}.{kind}", upload, save=True)
    if start:
        job = job_start(
            owner=user,
            kind="poverty_import",
            title=_("Import of %(name)s") % {"name": batch.file_name},
            task=run_import,
            params={"batch": batch.pk},
        )
        ImportBatch.objects.filter(pk=batch.pk).update(job=job)
        batch.job = job
    return batch


@transaction.atomic
def export_start(*, user: Any, region: Region, fmt: str) -> Any:
    """Start an export of ``region``'s approved data as a background job."""
    policy.require(user, "family.export", region.code)
    if fmt not in ("csv", "xlsx"):
        raise ValidationError(_("Choose CSV or XLSX."))
    return job_start(
        owner=user,
        kind="poverty_export",
        title=export_title(region.display_name),
        task=run_export,
        params={"region": region.code, "format": fmt},
    )


def import_from_path(
    *,
    path: Any,
    round: Round,
    village: Region | None = None,
    valid_only: bool = False,
    sheet: str = "",  # noqa: A002
    on_progress: Callable[[int, str], None] | None = None,
) -> ImportBatch:
    """The command line's import (the server's operator: every village, no upload copy kept)."""
    if not round.is_open:
        raise ValidationError(_("This round is closed."))
    with open(path, "rb") as handle:
        kind = detect_kind(handle.read(SNIFF_BYTES))
        handle.seek(0)
        batch = ImportBatch.objects.create(
            created_by=None, round=round, village=village, file_name=str(path).rsplit("/", 1)[-1][:200],
            sheet=sheet, valid_only=valid_only, file_kind=kind,
        )  # fmt: skip
        return import_run(batch=batch, stream=handle, on_progress=on_progress)
