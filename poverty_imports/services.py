"""Bulk import of a poverty list into the draft submissions of a round.

``import_create`` checks and stores the upload and starts the background job;
``import_run`` does the work:

1. stream the file through the row checks (``validation``), staging the rows that pass in
   ``StagedRow``; on PostgreSQL a CSV is loaded with COPY and checked in SQL instead, its rows
   held in a temporary table (``fastpath``) that steps 2-4 read in place of ``StagedRow``;
2. run the checks across rows and against the existing data set-wise in SQL: a row that
   repeats another, a NIK twice, two heads in a family, a family in two villages, a NIK
   present in another active family, a family registered in another village, a village
   whose submission is no longer a draft;
3. refuse the whole file when anything is wrong, unless only the valid rows were asked
   for (then a family with any bad row is left out whole);
4. turn the rows into proposed changes (new families, corrections with old and new values,
   members added), skipping what the draft already proposes, so a second import of the
   same file changes nothing. Deactivations are never inferred from a missing row.

Steps 3-4 run in one transaction: an import lands whole or not at all.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Window
from django.db.models.functions import FirstValue
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from poverty_data.models import (
    PRESENT,
    ChangeKind,
    Family,
    FamilyStatus,
    Member,
    Presence,
    Round,
    Submission,
    SubmissionChange,
    SubmissionEvent,
    SubmissionState,
)
from poverty_data.services import is_pokja_member, to_json
from regions.models import Level, Region

from .indicators import indicator_parsers
from .models import ImportBatch, ImportIssue, ImportStatus, StagedRow
from .reader import SNIFF_BYTES, ImportFileError, detect_kind, read_rows
from .report import ValidationReport
from .staging import Stager
from .validation import ERROR, WARNING, RowValidator

logger = logging.getLogger(__name__)

CHUNK_FAMILIES = 2000
# Family fields an import may set, from its columns: column -> model field.
FAMILY_COLUMNS = {"alamat": "street", "dusun": "dusun", "rt": "rt", "rw": "rw", "desil": "desil"}


# ---------------------------------------------------------------------------- upload


def village_lookup_for(user: Any) -> Callable[[str], str]:
    """'ok', 'unknown' or 'out_of_scope' for a village code; ``user`` None is the command line.

    The village codes are loaded once (a national list is 84,000 codes: a fraction of a second),
    so a file spread over thousands of villages costs no query per village.
    """
    villages: set[str] | None = None
    cache: dict[str, str] = {}

    def lookup(code: str) -> str:
        nonlocal villages
        if villages is None:
            villages = set(Region.objects.filter(level=Level.DESA_KELURAHAN).values_list("code", flat=True))
        if code not in cache:
            if code not in villages:
                cache[code] = "unknown"
            elif user is not None and not may_import_into(user, code):
                cache[code] = "out_of_scope"
            else:
                cache[code] = "ok"
        return cache[code]

    return lookup


def may_import_into(user: Any, village_code: str) -> bool:
    """Kabupaten staff within their area; an officer only into a village whose Pokja they sit on."""
    if not policy.can(user, "import.run", village_code):
        return False
    if policy.has_role(user, "administrator"):
        return True
    if any(
        g.role == "kabupaten_staff" and g.covers(region_code=village_code, company_id=None) for g in policy.grants(user)
    ):
        return True
    return is_pokja_member(user, village_code)


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
        from jobs.services import job_start

        from .tasks import run_import

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


def estimate_rows(handle: IO[bytes], kind: str) -> int:
    """About how many rows the file holds, for the progress bar (lines of a CSV, the sheet's dimension)."""
    handle.seek(0)
    if kind == "xlsx":
        try:
            from openpyxl import load_workbook

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


@transaction.atomic
def export_start(*, user: Any, region: Region, fmt: str) -> Any:
    """Start an export of ``region``'s approved data as a background job."""
    from jobs.services import job_start

    from .exports import export_title
    from .tasks import run_export

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
    fast: bool | None = None,
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
        return import_run(batch=batch, stream=handle, fast=fast, on_progress=on_progress)


# ---------------------------------------------------------------------------- the import


@dataclass
class _Context:
    batch: ImportBatch
    user: Any
    report: ValidationReport
    bad_families: set[str]
    issues: list[tuple[int, str, str, str]]
    set_wise: bool = False  # PostgreSQL's path: new families and the bookkeeping written with INSERT … SELECT
    held: bool = False  # the rows are held in fastpath's temporary table (a CSV read by COPY), not in StagedRow

    def issue(self, row: int, column: str, severity: str, message: str) -> None:
        self.issues.append((row, column, severity, message))
        if severity == ERROR:
            self.report.errors += 1
        else:
            self.report.warnings += 1
        if len(self.issues) >= 5000:
            self.flush()

    def flush(self) -> None:
        write_issues(self.batch.pk, self.issues)
        self.issues = []


def write_issues(batch_id: int, issues: list[tuple[int, str, str, str]]) -> None:
    """Store (row, column, severity, message) issues: COPY on PostgreSQL, where a national file may carry
    hundreds of thousands of warnings; batched inserts elsewhere."""
    if not issues:
        return
    if connection.vendor != "postgresql":
        ImportIssue.objects.bulk_create(
            [ImportIssue(batch_id=batch_id, row=r, column=c, severity=sv, message=m) for r, c, sv, m in issues],
            batch_size=1000,
        )
        return
    with connection.cursor() as cursor:
        table = ImportIssue._meta.db_table
        with cursor.cursor.copy(f'COPY {table} (batch_id, row, "column", severity, message) FROM STDIN') as copy:
            for row in issues:
                copy.write_row((batch_id, *row))


def import_run(
    *,
    batch: ImportBatch,
    stream: IO[bytes] | None = None,
    fast: bool | None = None,
    on_progress: Callable[[int, str], None] | None = None,
) -> ImportBatch:
    """Check and import ``batch``'s file (or ``stream``); the batch's counts and status say what happened."""
    progress = on_progress or (lambda done, message: None)
    user = batch.created_by
    clock = _Clock(batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKING)
    ImportIssue.objects.filter(batch=batch).delete()
    StagedRow.objects.filter(batch=batch).delete()
    ctx = _Context(batch=batch, user=user, report=ValidationReport(), bad_families=set(), issues=[])
    try:
        return _run(ctx, stream, fast, progress, clock)
    finally:
        if ctx.held:  # an error on the way: the held rows and the session's settings go now if they can
            _release_quietly()


def _run(
    ctx: _Context, stream: IO[bytes] | None, fast: bool | None, progress: Callable[[int, str], None], clock: _Clock
) -> ImportBatch:
    batch = ctx.batch
    handle = stream or batch.file.open("rb")
    try:
        _stage(ctx, handle, fast=fast, progress=progress)
    finally:
        if stream is None:
            handle.close()
    clock.lap("read and row checks")
    if ctx.report.file_error:
        ctx.flush()
        return _finish(batch, ctx, ImportStatus.REFUSED)
    progress(ctx.report.rows_read, _("Checking across rows and against the portal's data"))
    _check_across_rows(ctx)
    clock.lap("checks across rows")
    _check_against_portal(ctx)
    clock.lap("checks against the portal")
    if ctx.report.errors and batch.valid_only:
        _drop_bad_families(ctx)
    ctx.flush()
    if ctx.report.errors and not batch.valid_only:
        _clear(ctx)
        return _finish(batch, ctx, ImportStatus.REFUSED)
    progress(ctx.report.rows_read, _("Writing the changes into the submissions"))
    try:
        with transaction.atomic():
            counts = _write_changes(ctx)
    except NoLongerDraft as exc:
        ctx.report.file_error = exc.message
        _clear(ctx)
        return _finish(batch, ctx, ImportStatus.REFUSED)
    for key, value in counts.items():
        setattr(batch, key, value)
    clock.lap("changes written")
    _clear(ctx)
    clock.lap("staging cleared")
    return _finish(batch, ctx, ImportStatus.IMPORTED)


def _clear(ctx: _Context) -> None:
    """The staged rows go: the batch's StagedRow, or the temporary table that held them."""
    if ctx.held:
        from . import fastpath

        fastpath.release()
        ctx.held = False
    else:
        StagedRow.objects.filter(batch=ctx.batch).delete()


def _release_quietly() -> None:
    from . import fastpath

    if connection.needs_rollback or connection.connection is None:
        return  # a broken transaction or connection: the table goes with the connection
    try:
        with transaction.atomic():
            fastpath.release()
    except DatabaseError:
        logger.warning("the import's temporary table could not be dropped; it goes with the connection")


class _Clock:
    """Logs how long each step of an import took (counts and seconds only: no row content)."""

    def __init__(self, batch_id: int) -> None:
        self.batch_id = batch_id
        self.last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        logger.info("import %s: %s in %.2f s", self.batch_id, step, now - self.last)
        self.last = now


def _stage(ctx: _Context, handle: IO[bytes], *, fast: bool | None, progress: Callable[[int, str], None]) -> None:
    """Read, check and stage the file's rows: set-wise in SQL on PostgreSQL for a CSV, row by row otherwise.

    ``fast``: None chooses by database, True asks for the SQL path (PostgreSQL only), False the portable path.
    """
    batch, report = ctx.batch, ctx.report
    today = timezone.localdate()
    if fast is None:
        fast = connection.vendor == "postgresql"
    elif fast and connection.vendor != "postgresql":
        raise ValueError("the SQL path needs PostgreSQL")
    ctx.set_wise = fast
    if fast:
        from . import fastpath

        handle.seek(0)
        try:
            kind = detect_kind(handle.read(SNIFF_BYTES))
        except ImportFileError as exc:
            report.file_error = exc.message
            return
        if kind == "csv" and fastpath.stage(ctx, handle, progress=progress, today=today):
            batch.file_kind = "csv"
            return
    handle.seek(0)
    try:
        report.source, rows = read_rows(handle, village_given=batch.village_id is not None, sheet=batch.sheet or None)
    except ImportFileError as exc:
        report.file_error = exc.message
        return
    validator = RowValidator(
        village_lookup=village_lookup_for(ctx.user),
        village=batch.village.code if batch.village_id else None,
        cross_row=False,
        extra_parsers=indicator_parsers(),
        today=today,
    )
    stager = Stager(batch.pk, fast=None if fast else False)
    try:
        for row in rows:
            report.rows_read += 1
            record, issues = validator.check(row)
            for issue in issues:
                ctx.issue(issue.row, issue.column, issue.severity, issue.message)
            if record is None:
                kk = str(row.values.get("no_kk") or "").strip()
                if kk:
                    ctx.bad_families.add(kk)
            else:
                stager.add(record)
            if report.rows_read % 10_000 == 0:
                progress(report.rows_read, _("%(count)d rows read") % {"count": report.rows_read})
    except ImportFileError as exc:
        report.file_error = exc.message
        return
    stager.flush()
    batch.file_kind = report.source.kind


def _flag(ctx: _Context, rows: Iterator[tuple], column: str, message: Callable[..., str]) -> None:
    """Record an error for each (row, *detail) and mark those staged rows invalid."""
    flagged: list[int] = []
    for row, *detail in rows:
        ctx.issue(row, column, ERROR, message(*detail))
        flagged.append(row)
    for start in range(0, len(flagged), 1000):
        StagedRow.objects.filter(batch=ctx.batch, row__in=flagged[start : start + 1000]).update(valid=False)


def _later_rows(ctx: _Context, key: str, extra: Q | None = None) -> Iterator[tuple[int, int, str]]:
    """(row, first row, no_kk) for every valid row whose ``key`` already appeared on an earlier valid row."""
    rows = StagedRow.objects.filter(batch=ctx.batch, valid=True)
    if extra is not None:
        rows = rows.filter(extra)
    firsts = rows.annotate(first=Window(Min("row"), partition_by=[F(key)])).filter(row__gt=F("first"))
    return ((r, first, kk) for r, first, kk in firsts.values_list("row", "first", "no_kk").order_by("row").iterator())


def _check_across_rows(ctx: _Context) -> None:
    if ctx.held:
        from . import fastpath

        fastpath.check_across_rows(ctx)
        return
    _flag(
        ctx,
        ((r, f) for r, f, _kk in _later_rows(ctx, "digest")),
        "",
        lambda first: _("This row repeats row %(first)d exactly.") % {"first": first},
    )
    _flag(
        ctx,
        ((r, f) for r, f, _kk in _later_rows(ctx, "nik")),
        "nik",
        lambda first: _("This NIK already appears on row %(first)d.") % {"first": first},
    )
    _flag(
        ctx,
        ((r, f) for r, f, _kk in _later_rows(ctx, "no_kk", Q(relationship="head"))),
        "hubungan_keluarga",
        lambda first: _("The family already has a head on row %(first)d.") % {"first": first},
    )
    split = (
        StagedRow.objects.filter(batch=ctx.batch, valid=True)
        .annotate(first_village=Window(FirstValue("village_code"), partition_by=[F("no_kk")], order_by=F("row").asc()))
        .exclude(village_code=F("first_village"))
        .values_list("row", "no_kk", "first_village")
        .order_by("row")
    )
    _flag(
        ctx,
        split.iterator(),
        "kode_desa",
        lambda kk, village: (
            _("The family %(kk)s is already listed in village %(village)s.") % {"kk": "…" + kk[-4:], "village": village}
        ),
    )
    headless = (
        StagedRow.objects.filter(batch=ctx.batch, valid=True)
        .values("no_kk")
        .annotate(heads=Count("pk", filter=Q(relationship="head")), first=Min("row"))
        .filter(heads=0)
        .order_by("first")
    )
    for family in headless.iterator():
        ctx.issue(
            family["first"],
            "hubungan_keluarga",
            WARNING,
            _("The family with No. KK ending %(end)s has no head.") % {"end": family["no_kk"][-4:]},
        )


def _check_against_portal(ctx: _Context) -> None:
    if ctx.held:
        from . import fastpath

        fastpath.check_against_portal(ctx)
        return
    staged = StagedRow.objects.filter(batch=ctx.batch, valid=True)
    # A NIK present in another active family anywhere in the portal.
    taken = (
        staged.filter(
            nik__in=Member.objects.filter(presence__in=PRESENT, family__status=FamilyStatus.ACTIVE).values("nik")
        )
        .values_list("row", "nik", "no_kk")
        .order_by("row")
    )
    owners: dict[str, set[tuple[str, str]]] = defaultdict(set)
    found = list(taken.iterator())
    for start in range(0, len(found), 1000):
        chunk = {nik for _r, nik, _kk in found[start : start + 1000]}
        for nik, kk, village in Member.objects.filter(
            nik__in=chunk, presence__in=PRESENT, family__status=FamilyStatus.ACTIVE
        ).values_list("nik", "family__no_kk", "family__village_code"):
            owners[nik].add((kk, village))
    _flag(
        ctx,
        ((row, sorted(v for k, v in owners[nik] if k != kk)) for row, nik, kk in found
         if any(k != kk for k, _v in owners[nik])),
        "nik",
        lambda villages: _("This NIK belongs to a present member of another active family (%(where)s).")
        % {"where": ", ".join(villages)},
    )  # fmt: skip
    # A family card already registered in another village.
    moved = (
        staged.filter(
            no_kk__in=Family.objects.filter(status=FamilyStatus.ACTIVE).values("no_kk"),
        )
        .values_list("row", "no_kk", "village_code")
        .order_by("row")
    )
    elsewhere: list[tuple[int, str]] = []
    rows = list(moved.iterator())
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        where: dict[str, set[str]] = defaultdict(set)
        for kk, village in Family.objects.filter(
            status=FamilyStatus.ACTIVE, no_kk__in={kk for _r, kk, _v in chunk}
        ).values_list("no_kk", "village_code"):
            where[kk].add(village)
        elsewhere += [
            (row, sorted(where[kk])[0]) for row, kk, village in chunk if where[kk] and village not in where[kk]
        ]
    _flag(
        ctx,
        iter(elsewhere),
        "kode_desa",
        lambda village: (
            _("This family is registered in village %(village)s; a move between villages is not an import.")
            % {"village": village}
        ),
    )
    # A village whose submission in this round is past draft.
    villages = set(staged.values_list("village_code", flat=True).distinct())
    closed = dict(
        Submission.objects.filter(round=ctx.batch.round, village_code__in=villages)
        .exclude(state=SubmissionState.DRAFT)
        .values_list("village_code", "state")
    )
    if closed:
        labels = dict(SubmissionState.choices)
        _flag(
            ctx,
            staged.filter(village_code__in=list(closed)).values_list("row", "village_code").order_by("row").iterator(),
            "kode_desa",
            lambda village: (
                _("The submission of village %(village)s is %(state)s; only a draft takes an import.")
                % {"village": village, "state": labels[closed[village]]}
            ),
        )


def _drop_bad_families(ctx: _Context) -> None:
    """Only valid rows were asked for: a family with any bad row is left out whole."""
    if ctx.held:
        from . import fastpath

        fastpath.drop_bad_families(ctx)
        return
    bad = set(ctx.bad_families)
    bad |= set(StagedRow.objects.filter(batch=ctx.batch, valid=False).values_list("no_kk", flat=True))
    kks = sorted(bad)
    for start in range(0, len(kks), 1000):
        chunk = kks[start : start + 1000]
        rows = StagedRow.objects.filter(batch=ctx.batch, valid=True, no_kk__in=chunk).values_list("row", flat=True)
        for row in rows:
            ctx.issue(row, "no_kk", WARNING, _("Left out with its family: another row of the family has an error."))
        StagedRow.objects.filter(batch=ctx.batch, valid=True, no_kk__in=chunk).update(valid=False)


# ---------------------------------------------------------------------------- writing the changes


class Staged(NamedTuple):
    """A staged row read as a plain tuple (building changes for a million rows skips model instances)."""

    row: int
    no_kk: str
    nik: str
    name: str
    sex: str
    birth_date: Any
    relationship: str
    village_code: str
    birth_place: str
    address: str
    dusun: str
    rt: str
    rw: str
    desil: int | None
    presence: str
    extra: dict[str, Any]


def _member_data(row: Staged, columns: set[str]) -> dict[str, Any]:
    data = {
        "nik": row.nik, "name": row.name, "sex": row.sex, "birth_date": to_json(row.birth_date),
        "relationship": row.relationship,
    }  # fmt: skip
    if row.birth_place:
        data["birth_place"] = row.birth_place
    if "status_kehadiran" in columns:
        data["presence"] = row.presence
    return data


def _family_data(row: Staged, columns: set[str]) -> dict[str, Any]:
    data: dict[str, Any] = {"no_kk": row.no_kk}
    values = {"street": row.address, "dusun": row.dusun, "rt": row.rt, "rw": row.rw, "desil": row.desil}
    for column, field in FAMILY_COLUMNS.items():
        # An empty cell proposes nothing: it does not blank what the portal holds.
        if column in columns and values[field] not in ("", None):
            data[field] = values[field]
    data.update(row.extra or {})  # the indicator columns, already parsed
    return data


def _same(a: Any, b: Any) -> bool:
    return json.dumps(to_json(a), sort_keys=True) == json.dumps(to_json(b), sort_keys=True)


def _write_changes(ctx: _Context) -> dict[str, int]:
    batch, user = ctx.batch, ctx.user
    columns = set(ctx.report.source.columns)
    staged = StagedRow.objects.filter(batch=batch, valid=True)
    counts = {"families_new": 0, "families_corrected": 0, "members_added": 0, "changes_created": 0}
    created_per_submission: dict[int, int] = defaultdict(int)
    rows = staged.order_by("village_code", "no_kk", "row")
    values: Iterator[tuple] = iter(())
    if ctx.set_wise:
        from . import fastpath

        submissions = {code: Sub(*sub) for code, sub in fastpath.submissions_for(batch, user, held=ctx.held).items()}
        counts["families_new"], created = fastpath.new_families(
            batch, user, {code: tuple(sub) for code, sub in submissions.items()}, held=ctx.held
        )
        for pk, n in created.items():
            created_per_submission[pk] += n
        counts["changes_created"] += sum(created.values())
        # What is left for the row-by-row comparison: the families the portal holds.
        if ctx.held:
            values = fastpath.held_rows(
                f"AND EXISTS (SELECT 1 FROM {Family._meta.db_table} x WHERE x.no_kk = c.no_kk "  # noqa: S608
                "AND x.village_code = c.village_code AND x.status = %s)",
                [FamilyStatus.ACTIVE],
            )
        else:
            rows = rows.filter(
                Exists(
                    Family.objects.filter(
                        no_kk=OuterRef("no_kk"), village_code=OuterRef("village_code"), status=FamilyStatus.ACTIVE
                    )
                )
            )
    else:
        village_codes = sorted(set(staged.values_list("village_code", flat=True).distinct()))
        submissions = _submissions_for(batch, village_codes, user)
    if not ctx.held:
        values = rows.values_list(*Staged._fields).iterator(chunk_size=5000)

    def families() -> Iterator[tuple[str, str, list[Staged]]]:
        current: list[Staged] = []
        for values_ in values:
            row = Staged(*values_)
            if current and (row.village_code, row.no_kk) != (current[0].village_code, current[0].no_kk):
                yield current[0].village_code, current[0].no_kk, current
                current = []
            current.append(row)
        if current:
            yield current[0].village_code, current[0].no_kk, current

    chunk: list[tuple[str, str, list[Staged]]] = []
    for group in families():
        chunk.append(group)
        if len(chunk) >= CHUNK_FAMILIES:
            _write_chunk(chunk, submissions, columns, user, counts, created_per_submission)
            chunk = []
    if chunk:
        _write_chunk(chunk, submissions, columns, user, counts, created_per_submission)

    touched_ids = sorted(pk for pk, n in created_per_submission.items() if n)
    if ctx.set_wise:
        fastpath.mark_touched(batch, user, {pk: created_per_submission[pk] for pk in touched_ids})
    else:
        _mark_touched(batch, user, submissions, touched_ids, created_per_submission)
    counts["submissions"] = len(touched_ids)
    counts["rows_valid"] = fastpath.count_valid() if ctx.held else staged.count()
    return counts


def _mark_touched(batch, user, submissions, touched_ids, created_per_submission) -> None:
    now = timezone.now()
    for start in range(0, len(touched_ids), 1000):
        Submission.objects.filter(pk__in=touched_ids[start : start + 1000]).update(
            version=F("version") + 1, updated_at=now
        )
    versions = {sub.pk: sub.version for sub in submissions.values()}
    for start in range(0, len(touched_ids), 2000):
        chunk = touched_ids[start : start + 2000]
        SubmissionEvent.objects.bulk_create(
            [
                SubmissionEvent(
                    submission_id=pk,
                    action=SubmissionEvent.Action.EDITED,
                    version=versions[pk] + 1,
                    detail=_("%(count)d changes imported from %(file)s")
                    % {"count": created_per_submission[pk], "file": batch.file_name},
                    user=user,
                    at=now,
                )
                for pk in chunk
            ],
            batch_size=1000,
        )
        batch.touched.add(*chunk)


class Sub(NamedTuple):
    pk: int
    version: int


class NoLongerDraft(Exception):  # noqa: N818 - reads as the situation it reports
    """A village's submission moved on from draft while the file was checked; nothing is written."""

    def __init__(self, codes: list[str]) -> None:
        self.message = _(
            "The submission of village %(villages)s was sent on while this file was being checked. Nothing was imported."
        ) % {"villages": ", ".join(codes[:5])}
        super().__init__(self.message)


def _submissions_for(batch: ImportBatch, codes: list[str], user: Any) -> dict[str, Sub]:
    """(id, version) of the draft submission of each village in the round, created when missing.

    The submissions are locked (in code order) until the changes are written and still must be
    drafts: the Pokja may have submitted one while the file was checked, and a second import of
    the same file waits here and then finds the first one's changes already proposed.
    Plain tuples in chunks of 2,000 villages: a national file touches 84,000 submissions.
    """
    found: dict[str, Sub] = {}
    for start in range(0, len(codes), 2000):
        chunk = codes[start : start + 2000]
        existing: dict[str, Sub] = {}
        moved_on: list[str] = []
        for code, pk, version, state in (
            Submission.objects.select_for_update()
            .filter(round=batch.round, village_code__in=chunk)
            .order_by("village_code")
            .values_list("village_code", "pk", "version", "state")
        ):
            existing[code] = Sub(pk, version)
            if state != SubmissionState.DRAFT:
                moved_on.append(code)
        if moved_on:
            raise NoLongerDraft(moved_on)
        missing = [c for c in chunk if c not in existing]
        if missing:
            regions = dict(Region.objects.filter(code__in=missing).values_list("code", "pk"))
            # A concurrent import may be creating the same drafts: its rows win, ours are skipped.
            Submission.objects.bulk_create(
                [Submission(round=batch.round, village_id=regions[c], village_code=c) for c in missing],
                batch_size=1000,
                ignore_conflicts=True,
            )
            created: dict[str, Sub] = {}
            for code, pk, version, state in (
                Submission.objects.select_for_update()
                .filter(round=batch.round, village_code__in=missing)
                .order_by("village_code")
                .values_list("village_code", "pk", "version", "state")
            ):
                created[code] = Sub(pk, version)
                if state != SubmissionState.DRAFT:
                    moved_on.append(code)
            if moved_on:
                raise NoLongerDraft(moved_on)
            logged = set(
                SubmissionEvent.objects.filter(
                    submission_id__in=[sub.pk for sub in created.values()], action=SubmissionEvent.Action.CREATED
                ).values_list("submission_id", flat=True)
            )
            SubmissionEvent.objects.bulk_create(
                [
                    SubmissionEvent(
                        submission_id=sub.pk, action=SubmissionEvent.Action.CREATED, to_state=SubmissionState.DRAFT,
                        version=1, user=user,
                    )
                    for sub in created.values()
                    if sub.pk not in logged
                ],
                batch_size=1000,
            )  # fmt: skip
            existing.update(created)
        found.update(existing)
    return found


def _write_chunk(chunk, submissions, columns, user, counts, created_per_submission) -> None:
    keys = {(village, kk) for village, kk, _rows in chunk}
    families = {
        (f.village_code, f.no_kk): f
        for f in Family.objects.filter(no_kk__in={kk for _v, kk in keys}, status=FamilyStatus.ACTIVE)
        if (f.village_code, f.no_kk) in keys
    }
    members: dict[int, dict[str, Member]] = defaultdict(dict)
    for m in Member.objects.filter(family_id__in=[f.pk for f in families.values()]):
        members[m.family_id][m.nik] = m
    subs = [submissions[v].pk for v in {v for v, _kk in keys}]
    proposed_field: dict[tuple, SubmissionChange] = {}
    proposed_added: dict[tuple[int, str], SubmissionChange] = {}
    proposed_new: dict[tuple[int, str], SubmissionChange] = {}
    for change in SubmissionChange.objects.filter(submission_id__in=subs).filter(
        Q(family_id__in=[f.pk for f in families.values()]) | Q(kind=ChangeKind.NEW_FAMILY)
    ):
        if change.kind in (ChangeKind.FAMILY_FIELD,):
            proposed_field[(change.submission_id, "family", change.family_id, change.field)] = change
        elif change.kind in (ChangeKind.MEMBER_FIELD, ChangeKind.MEMBER_PRESENCE):
            proposed_field[(change.submission_id, "member", change.member_id, change.field)] = change
        elif change.kind == ChangeKind.MEMBER_ADDED:
            proposed_added[(change.submission_id, (change.payload or {}).get("nik", ""))] = change
        elif change.kind == ChangeKind.NEW_FAMILY:
            kk = ((change.payload or {}).get("family") or {}).get("no_kk", "")
            proposed_new[(change.submission_id, kk)] = change

    to_create: list[SubmissionChange] = []
    to_delete: list[int] = []

    def propose(change: SubmissionChange, earlier: SubmissionChange | None, same: bool) -> None:
        if earlier is not None and same:
            return
        if earlier is not None:
            to_delete.append(earlier.pk)
        to_create.append(change)
        created_per_submission[change.submission_id] += 1

    for village, kk, rows in chunk:
        submission = submissions[village]
        family = families.get((village, kk))
        if family is None:
            payload = {
                "family": {k: to_json(v) for k, v in _family_data(rows[0], columns).items()},
                "members": [{**_member_data(r, columns), "presence": Presence.NEW} for r in rows],
            }
            earlier = proposed_new.get((submission.pk, kk))
            propose(
                SubmissionChange(submission_id=submission.pk, kind=ChangeKind.NEW_FAMILY, payload=payload, created_by=user),
                earlier, earlier is not None and _same(earlier.payload, payload),
            )  # fmt: skip
            counts["families_new"] += 1
            continue
        corrected = False
        for field, value in _family_data(rows[0], columns).items():
            if _same(getattr(family, field), value):
                continue
            earlier = proposed_field.get((submission.pk, "family", family.pk, field))
            propose(
                SubmissionChange(
                    submission_id=submission.pk, kind=ChangeKind.FAMILY_FIELD, family=family, field=field,
                    old_value=to_json(getattr(family, field)), new_value=to_json(value),
                    base_version=family.version, created_by=user,
                ),
                earlier, earlier is not None and _same(earlier.new_value, value),
            )  # fmt: skip
            corrected = True
        for row in rows:
            data = _member_data(row, columns)
            member = members[family.pk].get(row.nik)
            if member is None:
                earlier = proposed_added.get((submission.pk, row.nik))
                payload = {**{k: to_json(v) for k, v in data.items()}, "presence": Presence.NEW}
                propose(
                    SubmissionChange(
                        submission_id=submission.pk, kind=ChangeKind.MEMBER_ADDED, family=family, payload=payload,
                        created_by=user,
                    ),
                    earlier, earlier is not None and _same(earlier.payload, payload),
                )  # fmt: skip
                counts["members_added"] += 1
                continue
            for field, value in data.items():
                if field == "nik" or _same(getattr(member, field), value):
                    continue
                earlier = proposed_field.get((submission.pk, "member", member.pk, field))
                propose(
                    SubmissionChange(
                        submission_id=submission.pk,
                        kind=ChangeKind.MEMBER_PRESENCE if field == "presence" else ChangeKind.MEMBER_FIELD,
                        family=family, member=member, field=field, old_value=to_json(getattr(member, field)),
                        new_value=to_json(value), base_version=member.version, created_by=user,
                    ),
                    earlier, earlier is not None and _same(earlier.new_value, value),
                )  # fmt: skip
                corrected = True
        counts["families_corrected"] += int(corrected)
    if to_delete:
        SubmissionChange.objects.filter(pk__in=to_delete).delete()
    insert_changes(to_create)
    counts["changes_created"] += len(to_create)


CHANGE_COLUMNS = (
    "submission_id", "kind", "family_id", "member_id", "field", "old_value", "new_value", "payload", "base_version",
    "note", "resolution", "created_by_id", "created_at",
)  # fmt: skip


def insert_changes(changes: list[SubmissionChange]) -> None:
    """Write proposed changes: COPY on PostgreSQL (hundreds of thousands from a national file), else batched."""
    if not changes:
        return
    if connection.vendor != "postgresql":
        SubmissionChange.objects.bulk_create(changes, batch_size=1000)
        return
    now = timezone.now()

    def as_json(value: Any) -> str | None:
        return None if value is None else json.dumps(value)

    with connection.cursor() as cursor:
        table = SubmissionChange._meta.db_table
        with cursor.cursor.copy(f"COPY {table} ({', '.join(CHANGE_COLUMNS)}) FROM STDIN") as copy:
            for c in changes:
                copy.write_row(
                    (
                        c.submission_id, c.kind, c.family_id, c.member_id, c.field, as_json(c.old_value),
                        as_json(c.new_value), as_json(c.payload), c.base_version, c.note, c.resolution,
                        c.created_by_id, now,
                    )
                )  # fmt: skip


# ---------------------------------------------------------------------------- the end


def _finish(batch: ImportBatch, ctx: _Context, status: str) -> ImportBatch:
    report = ctx.report
    batch.status = status
    batch.file_error = report.file_error
    batch.rows_read = report.rows_read
    if status != ImportStatus.IMPORTED:
        batch.rows_valid = 0
    batch.rows_rejected = report.rows_read - batch.rows_valid if status == ImportStatus.IMPORTED else report.rows_read
    batch.errors, batch.warnings = report.errors, report.warnings
    batch.finished_at = timezone.now()
    batch.save()
    return batch


def report_lines(batch: ImportBatch) -> Iterator[str]:
    """The downloadable report of a batch: one line per issue, in row order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow([_("row"), _("column"), _("severity"), _("message")])
    if batch.file_error:
        writer.writerow(["", "", _("error"), batch.file_error])
    yield buffer.getvalue()
    for issues in _chunks(batch.issues.order_by("row", "pk").values_list("row", "column", "severity", "message")):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row, column, severity, message in issues:
            writer.writerow([row or "", column, _("error") if severity == ERROR else _("warning"), message])
        yield buffer.getvalue()


def _chunks(queryset, size: int = 2000):
    chunk = []
    for item in queryset.iterator(chunk_size=size):
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rejected_rows_file(batch: ImportBatch) -> ContentFile | None:
    """The rows that were left out, as a CSV with the file's own columns plus the reasons, to fix and upload again."""
    bad_rows: dict[int, list[str]] = defaultdict(list)
    for row, message in batch.issues.filter(severity=ERROR, row__gt=0).values_list("row", "message"):
        bad_rows[row].append(message)
    for row, message in batch.issues.filter(severity=WARNING, column="no_kk", row__gt=0).values_list("row", "message"):
        if message == _("Left out with its family: another row of the family has an error."):
            bad_rows[row].append(message)
    if not bad_rows or not batch.file:
        return None
    out = io.StringIO()
    writer = csv.writer(out)
    with batch.file.open("rb") as handle:
        try:
            source, rows = read_rows(handle, village_given=batch.village_id is not None, sheet=batch.sheet or None)
        except ImportFileError:
            return None
        writer.writerow([*source.columns, "alasan"])
        for row in rows:
            if row.number in bad_rows:
                writer.writerow([*(_cell(row.values.get(c)) for c in source.columns), " | ".join(bad_rows[row.number])])
    return ContentFile(("\ufeff" + out.getvalue()).encode("utf-8"))


def _cell(value: Any) -> str:
    from kaltara_portal.exports import safe_cell

    from .reader import cell_text

    return str(safe_cell(cell_text(value)))


__all__ = [
    "import_from_path",
    "estimate_rows",
    "export_start",
    "import_create",
    "import_run",
    "rejected_rows_file",
    "report_lines",
    "village_lookup_for",
]
