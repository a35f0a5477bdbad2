"""The import of a stored file: read and check it in batches, check across rows and against the portal,
then write its proposals (``proposals``) in one transaction, or refuse it whole.

1. read the file in batches of text rows (polars for CSV, fastexcel for XLSX) and check each batch
   with polars expressions (``checks``), storing its issues (COPY into ``ImportIssue``);
2. check the valid rows across rows, then against what the portal holds (``portal``);
3. refuse the whole file when anything is wrong, unless only the valid rows were asked for (then a
   family with any bad row is left out whole);
4. turn the rows into proposed changes and hand them to the review chain's bulk service, which skips
   what the draft already proposes, so a second import of the same file changes nothing.
   Deactivations are never inferred from a missing row.
"""

from __future__ import annotations

import io
import logging
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from poverty_data.services_bulk import NotDraft
from regions.models import Level, Region

from .. import checks
from ..checks import ERROR, WARNING
from ..models import ImportBatch, ImportIssue, ImportStatus
from ..reader import ImportFileError, SourceFile, read_frames
from .portal import read_portal
from .proposals import changes_write
from .scope import village_states_for

logger = logging.getLogger(__name__)


@dataclass
class _Context:
    batch: ImportBatch
    user: Any
    source: SourceFile | None = None
    file_error: str = ""
    rows_read: int = 0
    errors: int = 0
    warnings: int = 0
    rows: pl.DataFrame | None = None  # every row read: ``checks.check_rows``'s clean values and ``valid``
    existing: pl.DataFrame | None = None  # the active families the file names (id, version and fields)

    def store(self, issues: pl.DataFrame) -> None:
        """Issues (row, ord, column, severity, message) into ``ImportIssue`` with COPY, in row order."""
        if not issues.height:
            return
        counts = dict(issues.group_by("severity").len().iter_rows())
        self.errors += counts.get(ERROR, 0)
        self.warnings += counts.get(WARNING, 0)
        data = io.BytesIO()
        issues.sort("row", "ord", maintain_order=True).select(
            pl.lit(self.batch.pk).alias("batch_id"), "row", "column", "severity", "message"
        ).write_csv(data, include_header=False)
        table = ImportIssue._meta.db_table
        with connection.cursor() as cursor:
            with cursor.cursor.copy(
                f'COPY {table} (batch_id, row, "column", severity, message) FROM STDIN WITH (FORMAT csv)'
            ) as copy:
                copy.write(data.getbuffer())


def import_run(
    *,
    batch: ImportBatch,
    stream: IO[bytes] | None = None,
    on_progress: Callable[[int, str], None] | None = None,
) -> ImportBatch:
    """Check and import ``batch``'s file (or ``stream``); the batch's counts and status say what happened."""
    progress = on_progress or (lambda done, message: None)
    clock = Clock(batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKING)
    ImportIssue.objects.filter(batch=batch).delete()
    ctx = _Context(batch=batch, user=batch.created_by)
    handle = stream or batch.file.open("rb")
    try:
        _check_file(ctx, handle, progress)
    finally:
        if stream is None:
            handle.close()
    clock.lap("read and row checks")
    if ctx.file_error:
        return _finish(batch, ctx, ImportStatus.REFUSED)
    progress(ctx.rows_read, _("Checking across rows and against the portal's data"))
    _check_across_rows(ctx)
    clock.lap("checks across rows")
    _check_against_portal(ctx)
    clock.lap("checks against the portal")
    if ctx.errors and batch.valid_only:
        ctx.rows, issues = checks.leave_out_bad_families(ctx.rows)
        ctx.store(issues)
    if ctx.errors and not batch.valid_only:
        return _finish(batch, ctx, ImportStatus.REFUSED)
    progress(ctx.rows_read, _("Writing the changes into the submissions"))
    # The rows go on with their ``valid`` mask, not filtered: a filtered copy of a million rows, made while the
    # rows themselves are still held, was the peak of a "valid rows only" import (170 MB at once).
    rows = ctx.rows.drop("raw_kk")
    ctx.rows = None  # what is left to write is all this import still needs
    try:
        with transaction.atomic():
            counts = changes_write(batch=batch, user=ctx.user, rows=rows, existing=ctx.existing,
                                   columns=ctx.source.columns if ctx.source else (), lap=clock.lap)  # fmt: skip
    except NotDraft as exc:
        ctx.file_error = NoLongerDraft(exc.codes).message
        return _finish(batch, ctx, ImportStatus.REFUSED)
    for key, value in counts.items():
        setattr(batch, key, value)
    clock.lap("changes written")
    return _finish(batch, ctx, ImportStatus.IMPORTED)


def estimate_rows(handle: IO[bytes], kind: str) -> int:
    """About how many rows the file holds, for the progress bar (lines of a CSV, the sheet's dimension)."""
    handle.seek(0)
    if kind == "xlsx":
        try:
            workbook = load_workbook(handle, read_only=True)
            rows = max((workbook.worksheets[0].max_row or 1) - 1, 0)
            workbook.close()
            return rows
        except Exception:  # noqa: BLE001 - a damaged file is reported by the import itself
            return 0
        finally:
            handle.seek(0)
    lines = 0
    while chunk := handle.read(1024 * 1024):
        lines += chunk.count(b"\n")
    handle.seek(0)
    return max(lines - 1, 0)


class Clock:
    """Logs how long each step of an import took (counts and seconds only: no row content)."""

    def __init__(self, batch_id: int) -> None:
        self.batch_id = batch_id
        self.last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        logger.info("import %s: %s in %.2f s (peak memory so far %d MB)", self.batch_id, step, now - self.last, peak)
        self.last = now


def rules_for(user: Any, village: str | None, today: Any = None) -> checks.Rules:
    """What the row checks need from the portal: the villages (and which the user may import into), the kecamatan."""
    return checks.Rules(
        village_state=village_states_for(user),
        kecamatan=set(Region.objects.filter(level=Level.KECAMATAN).values_list("code", flat=True)),
        village=village,
        today=today or timezone.localdate(),
    )


def _check_file(ctx: _Context, handle: IO[bytes], progress: Callable[[int, str], None]) -> None:
    """Read the file in batches, checking each as it comes: the clean rows are kept, the issues stored."""
    batch = ctx.batch
    try:
        ctx.source, frames = read_frames(handle, village_given=batch.village_id is not None, sheet=batch.sheet or None)
    except ImportFileError as exc:
        ctx.file_error = exc.message
        return
    rules = rules_for(ctx.user, batch.village.code if batch.village_id else None)
    result = checks.check_frames(frames, ctx.source, rules, on_batch=lambda issues: ctx.store(issues),
                                 progress=lambda done: progress(done, _("%(count)d rows read") % {"count": done}))  # fmt: skip
    ctx.file_error, ctx.rows = result.file_error, result.rows
    ctx.rows_read = result.rows_read
    if ctx.file_error:
        # Nothing of a file that cannot be read is kept: not even the issues of the rows before the damage.
        ImportIssue.objects.filter(batch=batch).delete()
        ctx.errors = ctx.warnings = 0
        return
    batch.file_kind = ctx.source.kind


def _check_across_rows(ctx: _Context) -> None:
    ctx.rows, found = checks.check_across(ctx.rows)
    ctx.store(pl.concat(found))


def _check_against_portal(ctx: _Context) -> None:
    columns = ctx.source.columns if ctx.source else ()
    portal, ctx.existing = read_portal(ctx.rows, columns, ctx.batch.round_id)
    ctx.rows, found = checks.check_against_portal(ctx.rows, portal)  # the portal's rows are not kept past here
    ctx.store(pl.concat(found))


class NoLongerDraft(Exception):  # noqa: N818 - reads as the situation it reports
    """A village's submission moved on from draft while the file was checked; nothing is written."""

    def __init__(self, codes: list[str]) -> None:
        self.message = _(
            "The submission of village %(villages)s was sent on while this file was being checked. Nothing was imported."
        ) % {"villages": ", ".join(codes[:5])}
        super().__init__(self.message)


# ---------------------------------------------------------------------------- the end


def _finish(batch: ImportBatch, ctx: _Context, status: str) -> ImportBatch:
    batch.status = status
    batch.file_error = ctx.file_error
    batch.rows_read = ctx.rows_read
    if status != ImportStatus.IMPORTED:
        batch.rows_valid = 0
    batch.rows_rejected = ctx.rows_read - batch.rows_valid if status == ImportStatus.IMPORTED else ctx.rows_read
    batch.errors, batch.warnings = ctx.errors, ctx.warnings
    batch.finished_at = timezone.now()
    batch.save()
    return batch
