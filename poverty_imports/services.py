"""Bulk import of a poverty list into the draft submissions of a round.

``import_create`` checks and stores the upload and starts the background job;
``import_run`` does the work, with one engine whatever the file (``reader`` and ``checks``):

1. read the file in batches of text rows (polars for CSV, fastexcel for XLSX) and check each batch
   with polars expressions, storing its issues (COPY into ``ImportIssue``);
2. check the valid rows across rows, then against what the portal holds, read once from PostgreSQL
   for the file's NIKs and family cards (joins in polars);
3. refuse the whole file when anything is wrong, unless only the valid rows were asked for (then a
   family with any bad row is left out whole);
4. turn the rows into proposed changes (new families, corrections with old and new values, members
   added) and hand them to the review chain's bulk service (``poverty_data.services_bulk``), which
   skips what the draft already proposes, so a second import of the same file changes nothing.
   Deactivations are never inferred from a missing row.

Step 4 runs in one transaction: an import lands whole or not at all.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import resource
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import connection, transaction
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
    SubmissionState,
)
from poverty_data.services import is_pokja_member, to_json
from poverty_data.services_bulk import NotDraft, submission_changes_add_bulk
from regions.models import Level, Region

from . import checks
from .checks import ERROR, WARNING
from .indicators import indicator_specs
from .models import ImportBatch, ImportIssue, ImportStatus
from .reader import SNIFF_BYTES, ImportFileError, SourceFile, detect_kind, read_frames

logger = logging.getLogger(__name__)

# Up to this many rows, the numbers of a file are looked up in the portal's indexes one by one.
INDEX_LOOKUPS = 300_000
# Family fields an import may set, from its columns: column -> model field.
FAMILY_COLUMNS = {"alamat": "street", "dusun": "dusun", "rt": "rt", "rw": "rw", "desil": "desil"}


# ---------------------------------------------------------------------------- upload


def village_states_for(user: Any) -> Callable[[Iterable[str]], dict[str, str]]:
    """'ok', 'unknown' or 'out_of_scope' for each of some village codes; ``user`` None is the command line.

    The village codes are read once for the whole import (a national list is 84,000 codes: a fraction
    of a second; a few codes are looked up alone), and the access policy is asked once per distinct
    code of the file, not per row nor per batch.
    """
    villages: set[str] | None = None
    answers: dict[str, str] = {}

    def state(code: str, known: bool) -> str:
        if not known:
            return "unknown"
        if user is not None and not may_import_into(user, code):
            return "out_of_scope"
        return "ok"

    def states(codes: Iterable[str]) -> dict[str, str]:
        nonlocal villages
        codes = list(codes)
        new = [code for code in codes if code not in answers]
        if villages is None and len(new) >= 1000:
            villages = set(Region.objects.filter(level=Level.DESA_KELURAHAN).values_list("code", flat=True))
        if villages is not None:
            known = villages
        else:
            known = set(Region.objects.filter(level=Level.DESA_KELURAHAN, code__in=new).values_list("code", flat=True))
        for code in new:
            answers[code] = state(code, code in known)
        return {code: answers[code] for code in codes}

    return states


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


# ---------------------------------------------------------------------------- the import


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
    portal: checks.Portal | None = None
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
    clock = _Clock(batch.pk)
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
    try:
        with transaction.atomic():
            counts = _write_changes(ctx, clock)
    except NotDraft as exc:
        ctx.file_error = NoLongerDraft(exc.codes).message
        return _finish(batch, ctx, ImportStatus.REFUSED)
    for key, value in counts.items():
        setattr(batch, key, value)
    clock.lap("changes written")
    return _finish(batch, ctx, ImportStatus.IMPORTED)


class _Clock:
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
    ctx.portal, ctx.existing = _read_portal(ctx)
    ctx.rows, found = checks.check_against_portal(ctx.rows, ctx.portal)
    ctx.store(pl.concat(found))


def _copy_keys(cursor: Any, table: str, values: pl.Series) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE TEMP TABLE {table} (key text)")
    data = io.BytesIO()
    values.unique().sort().to_frame().write_csv(data, include_header=False)
    with cursor.cursor.copy(f"COPY {table} (key) FROM STDIN WITH (FORMAT csv)") as copy:
        copy.write(data.getbuffer())
    cursor.execute(f"ANALYZE {table}")


def _query_frame(cursor: Any, sql: str, params: list, schema: dict[str, Any]) -> pl.DataFrame:
    cursor.execute(sql, params)
    return pl.DataFrame(cursor.fetchall(), schema=schema, orient="row")


def _read_portal(ctx: _Context) -> tuple[checks.Portal, pl.DataFrame]:
    """What the portal holds about the file's valid rows, read once: the present members of active families with
    its NIKs, the active families with its No. KK (with the fields a correction compares), the closed villages."""
    valid = ctx.rows.lazy().filter(pl.col("valid")).select("nik", "no_kk", "village_code").collect()
    members, families = Member._meta.db_table, Family._meta.db_table
    fields = _family_fields(ctx)
    with transaction.atomic(), connection.cursor() as cursor:
        if valid.height <= INDEX_LOOKUPS:
            # A file of a kabupaten or a village: index lookups of its numbers beat reading the portal's
            # millions of members; the planner, counting on cold disks, would scan them.
            cursor.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL jit = off")
        _copy_keys(cursor, "import_niks", valid.get_column("nik"))
        _copy_keys(cursor, "import_kks", valid.get_column("no_kk"))
        holders = _query_frame(
            cursor,
            f"SELECT m.nik, f.no_kk, f.village_code FROM import_niks k JOIN {members} m ON m.nik = k.key "  # noqa: S608
            f"JOIN {families} f ON f.id = m.family_id WHERE m.presence = ANY(%s) AND f.status = %s",
            [list(PRESENT), FamilyStatus.ACTIVE],
            {"nik": pl.String, "no_kk": pl.String, "village_code": pl.String},
        )
        columns = ", ".join(f"f.{connection.ops.quote_name(Family._meta.get_field(f).column)}" for f in fields)
        cursor.execute(
            f"SELECT f.id, f.version, f.no_kk, f.village_code{', ' + columns if columns else ''} "  # noqa: S608
            f"FROM import_kks k JOIN {families} f ON f.no_kk = k.key WHERE f.status = %s",
            [FamilyStatus.ACTIVE],
        )
        specs = indicator_specs()
        types = {f: pl.Int64 if f == "desil" else pl.Boolean if f in specs and specs[f].kind == "bool" else pl.String
                 for f in fields}  # fmt: skip
        existing = pl.DataFrame(
            cursor.fetchall(),
            schema={"family_id": pl.Int64, "version": pl.Int64, "no_kk": pl.String, "village_code": pl.String, **types},
            orient="row",
        )
        cursor.execute("DROP TABLE import_niks, import_kks")
        cursor.execute(
            f"SELECT village_code, state FROM {Submission._meta.db_table} WHERE round_id = %s AND state <> %s",  # noqa: S608
            [ctx.batch.round_id, SubmissionState.DRAFT],
        )
        labels = dict(SubmissionState.choices)
        codes = set(valid.get_column("village_code").unique().to_list())
        closed = {code: str(labels[state]) for code, state in cursor.fetchall() if code in codes}
    portal = checks.Portal(members=holders, families=existing.select("no_kk", "village_code"), closed=closed)
    return portal, existing


def _family_fields(ctx: _Context) -> list[str]:
    """The family fields the file's columns may correct."""
    columns = set(ctx.source.columns) if ctx.source else set()
    fields = [field for column, field in FAMILY_COLUMNS.items() if column in columns]
    return fields + [name for name in indicator_specs() if name in columns]


# ---------------------------------------------------------------------------- writing the changes


def _write_changes(ctx: _Context, clock: _Clock) -> dict[str, int]:
    """The valid rows as proposed changes, handed to the review chain's bulk service in one call."""
    batch, user = ctx.batch, ctx.user
    valid = ctx.rows.get_column("valid")
    rows = (ctx.rows if valid.all() else ctx.rows.filter(valid)).drop("valid", "raw_kk")
    ctx.rows = None  # what is left to write is all this import still needs
    counts = {"families_new": 0, "families_corrected": 0, "members_added": 0, "changes_created": 0}
    fields = _family_fields(ctx)
    existing = ctx.existing.join(
        rows.select("village_code", "no_kk").unique(), on=["village_code", "no_kk"], how="semi"
    )
    # (An empty portal holds none of the file's families: the rows are not copied then.)
    new_rows = rows.join(existing, on=["village_code", "no_kk"], how="anti") if existing.height else rows
    new = _new_families(new_rows)
    counts["families_new"] = new.height
    clock.lap("new families built")
    known_rows = rows.join(existing.select("village_code", "no_kk", "family_id"), on=["village_code", "no_kk"])
    corrections, corrected, added = _corrections(ctx, known_rows, existing, fields)
    counts["families_corrected"], counts["members_added"] = corrected, added
    changes = pl.concat([new, corrections], how="vertical_relaxed") if corrections.height else new
    clock.lap("corrections compared")
    created = submission_changes_add_bulk(
        round=batch.round, changes=changes, user=user,
        detail=_("%(count)d changes imported from %(file)s").replace("%(file)s", batch.file_name.replace("%", "%%")),
    )  # fmt: skip
    counts["changes_created"] = sum(created.values())
    counts["submissions"] = len(created)
    counts["rows_valid"] = rows.height
    if created:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {batch.touched.through._meta.db_table} (importbatch_id, submission_id) "  # noqa: S608
                "SELECT %s, unnest(%s::bigint[])",
                [batch.pk, sorted(created)],
            )
    clock.lap("batch linked to its submissions")
    return counts


def _blank_to_null(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr != "").then(expr)


def _member_struct(rows: pl.DataFrame, presence: pl.Expr | None = None) -> pl.Expr:
    """A member's proposed data as JSON (the birth place only when given)."""
    return pl.struct(
        nik=pl.col("nik"), name=pl.col("name"), sex=pl.col("sex"), birth_date=pl.col("birth_date").dt.to_string("%Y-%m-%d"),
        relationship=pl.col("relationship"), presence=presence if presence is not None else pl.lit(Presence.NEW),
        birth_place=_blank_to_null(pl.col("birth_place")),
    ).struct.json_encode().str.replace(',"birth_place":null', "", literal=True)  # fmt: skip


_NULL_FIELD = r',"[a-z_]+":null'


def _new_families(rows: pl.DataFrame) -> pl.DataFrame:
    """One NEW_FAMILY change per family the portal does not hold: its fields from its first row, its members in order.

    Built a few villages at a time (a part of about ``PAYLOAD_ROWS`` rows): only the payloads are kept whole."""
    if not rows.height:
        return pl.DataFrame(schema=CHANGE_SCHEMA)
    parts = max(1, -(-rows.height // PAYLOAD_ROWS))
    if parts == 1:
        return _new_family_changes(rows)
    part = pl.col("village_code").hash() % parts
    return pl.concat([_new_family_changes(rows.filter(part == i)) for i in range(parts)])


def _new_family_changes(rows: pl.DataFrame) -> pl.DataFrame:
    extras = [c for c in rows.columns if c.startswith("x_")]
    family = (
        pl.struct(
            no_kk=pl.col("no_kk"), street=_blank_to_null(pl.col("address")), dusun=_blank_to_null(pl.col("dusun")),
            rt=_blank_to_null(pl.col("rt")), rw=_blank_to_null(pl.col("rw")), desil=pl.col("desil"),
            **{c[2:]: pl.col(c) for c in extras},
        )
        .struct.json_encode()
        .str.replace_all(_NULL_FIELD, "")
    )  # fmt: skip
    # The rows are in the file's order already (the batches are read in order, filters and joins keep it).
    members = (
        rows.select("village_code", "no_kk", member=_member_struct(rows))
        .group_by("village_code", "no_kk", maintain_order=True)
        .agg(pl.col("member").str.join(","))
    )
    firsts = rows.group_by("village_code", "no_kk", maintain_order=True).first()
    return members.join(
        firsts.select("village_code", "no_kk", family=family), on=["village_code", "no_kk"], maintain_order="left"
    ).select(
        "village_code",
        kind=pl.lit(ChangeKind.NEW_FAMILY),
        family_id=pl.lit(None, pl.Int64),
        member_id=pl.lit(None, pl.Int64),
        field=pl.lit(None, pl.String),
        old_value=pl.lit(None, pl.String),
        new_value=pl.lit(None, pl.String),
        payload=pl.concat_str([pl.lit('{"family":'), pl.col("family"), pl.lit(',"members":['), pl.col("member"),
                               pl.lit("]}")]),
        base_version=pl.lit(None, pl.Int64),
    )  # fmt: skip


PAYLOAD_ROWS = 100_000
CHANGE_SCHEMA = {
    "village_code": pl.String, "kind": pl.String, "family_id": pl.Int64, "member_id": pl.Int64, "field": pl.String,
    "old_value": pl.String, "new_value": pl.String, "payload": pl.String, "base_version": pl.Int64,
}  # fmt: skip
MEMBER_FIELDS = ("name", "sex", "birth_date", "relationship", "birth_place", "presence")


def _json(expr: pl.Expr) -> pl.Expr:
    """A value as JSON text (a date as its ISO string, a missing value as ``null``)."""
    return pl.struct(v=expr).struct.json_encode().str.strip_prefix('{"v":').str.strip_suffix("}")


def _corrections(
    ctx: _Context, rows: pl.DataFrame, existing: pl.DataFrame, fields: list[str]
) -> tuple[pl.DataFrame, int, int]:
    """The changes to families the portal holds: corrected fields (old and new values) and members added.
    Returns them with the number of families corrected and of members added."""
    if not rows.height:
        return pl.DataFrame(schema=CHANGE_SCHEMA), 0, 0
    members = _members_of(existing.get_column("family_id").to_list())
    found: list[pl.DataFrame] = []

    def change(frame: pl.DataFrame, kind: str | pl.Expr, field: str, old: pl.Expr, new: pl.Expr, version: str,
               member: pl.Expr) -> pl.DataFrame:  # fmt: skip
        return frame.select(
            "village_code", kind=kind if isinstance(kind, pl.Expr) else pl.lit(kind), family_id=pl.col("family_id"),
            member_id=member, field=pl.lit(field), old_value=_json(old), new_value=_json(new),
            payload=pl.lit(None, pl.String), base_version=pl.col(version).cast(pl.Int64),
        )  # fmt: skip

    # The family's fields, from its first row; an empty cell proposes nothing.
    values = {"street": "address", "dusun": "dusun", "rt": "rt", "rw": "rw", "desil": "desil"}
    firsts = rows.sort("row").group_by("family_id", maintain_order=True).first()
    firsts = firsts.join(existing.drop("no_kk", "village_code"), on="family_id", suffix="_old")
    for field in fields:
        new = pl.col(values.get(field, f"x_{field}"))
        old = pl.col(f"{field}_old" if f"{field}_old" in firsts.columns else field)
        new_typed = new.cast(firsts.schema[old.meta.output_name()]) if field == "desil" else new
        differs = new.is_not_null() & (new.cast(pl.String) != "") & new_typed.ne_missing(old)
        found.append(change(firsts.filter(differs), ChangeKind.FAMILY_FIELD, field, old, new_typed, "version",
                            pl.lit(None, pl.Int64)))  # fmt: skip
    joined = rows.join(members, on=["family_id", "nik"], how="left", suffix="_old")
    added = joined.filter(pl.col("member_id").is_null())
    found_added = added.select(
        "village_code", kind=pl.lit(ChangeKind.MEMBER_ADDED), family_id=pl.col("family_id"),
        member_id=pl.lit(None, pl.Int64), field=pl.lit(None, pl.String), old_value=pl.lit(None, pl.String),
        new_value=pl.lit(None, pl.String), payload=_member_struct(added), base_version=pl.lit(None, pl.Int64),
    )  # fmt: skip
    known = joined.filter(pl.col("member_id").is_not_null())
    with_presence = "status_kehadiran" in (ctx.source.columns if ctx.source else ())
    for field in MEMBER_FIELDS:
        if field == "presence" and not with_presence:
            continue
        new, old = pl.col(field), pl.col(f"{field}_old")
        differs = new.ne_missing(old)
        if field == "birth_place":
            differs = differs & (new != "")
        kind = ChangeKind.MEMBER_PRESENCE if field == "presence" else ChangeKind.MEMBER_FIELD
        value = (lambda e: e.dt.to_string("%Y-%m-%d")) if field == "birth_date" else (lambda e: e)
        found.append(change(known.filter(differs), kind, field, value(old), value(new), "member_version",
                            pl.col("member_id")))  # fmt: skip
    corrections = pl.concat(found, how="vertical_relaxed")
    corrected = corrections.get_column("family_id").n_unique()
    return pl.concat([corrections, found_added], how="vertical_relaxed"), corrected, added.height


def _members_of(family_ids: list[int]) -> pl.DataFrame:
    schema = {"member_id": pl.Int64, "family_id": pl.Int64, "nik": pl.String, "member_version": pl.Int64,
              **{f"{f}_old": pl.Date if f == "birth_date" else pl.String for f in MEMBER_FIELDS}}  # fmt: skip
    if not family_ids:
        return pl.DataFrame(schema=schema)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, family_id, nik, version, {', '.join(MEMBER_FIELDS)} FROM {Member._meta.db_table} "  # noqa: S608
            "WHERE family_id = ANY(%s)",
            [family_ids],
        )
        return pl.DataFrame(cursor.fetchall(), schema=schema, orient="row")


def _same(a: Any, b: Any) -> bool:
    return json.dumps(to_json(a), sort_keys=True) == json.dumps(to_json(b), sort_keys=True)


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


def report_lines(batch: ImportBatch) -> Iterator[str]:
    """The downloadable report of a batch: one line per issue, in row order, every cell neutralised
    (a message quotes what the file held, and a spreadsheet would run a cell starting with = + - @)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow([_("row"), _("column"), _("severity"), _("message")])
    if batch.file_error:
        writer.writerow(["", "", _("error"), _cell(batch.file_error)])
    yield buffer.getvalue()
    for issues in _chunks(batch.issues.order_by("row", "pk").values_list("row", "column", "severity", "message")):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row, column, severity, message in issues:
            writer.writerow(
                [row or "", _cell(column), _("error") if severity == ERROR else _("warning"), _cell(message)]
            )
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
    """The rows that were left out, as a CSV with the file's own columns plus the reasons, to fix and upload again.
    Every cell is neutralised: the rows are the uploader's, and may hold formulas."""
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
    wanted = pl.Series(sorted(bad_rows), dtype=pl.Int64)
    with batch.file.open("rb") as handle:
        try:
            source, frames = read_frames(handle, village_given=batch.village_id is not None, sheet=batch.sheet or None)
            writer.writerow([*(_cell(c) for c in source.columns), "alasan"])
            for frame in frames:
                for values in frame.filter(pl.col("row").is_in(wanted.implode())).iter_rows():
                    row, cells = values[0], values[1:]
                    writer.writerow([*(_cell(c) for c in cells), _cell(" | ".join(bad_rows[row]))])
        except ImportFileError:
            return None
    return ContentFile(("\ufeff" + out.getvalue()).encode("utf-8"))


def _cell(value: Any) -> str:
    from core.exports import safe_cell

    return str(safe_cell((value or "").strip() if isinstance(value, str) or value is None else value))


__all__ = [
    "import_from_path",
    "estimate_rows",
    "export_start",
    "import_create",
    "import_run",
    "rejected_rows_file",
    "report_lines",
    "village_states_for",
]
