"""The review chain's bulk entry point: many proposed changes into the draft submissions of a round at once.

``submission_changes_add_bulk`` is what a bulk import calls instead of writing ``Submission``,
``SubmissionChange`` and ``SubmissionEvent`` itself. Set-wise, in the caller's transaction:

1. the draft submission of each village named is created when missing and locked, in code order; a
   village whose submission is no longer a draft refuses the whole call (``NotDraft``);
2. the changes are written as they come, a part at a time: into a draft created here with COPY (it has
   nothing to compare); for a draft that already held proposals they are gathered, then a change
   proposed identically is skipped and a different proposal for the same thing (the same family's
   field, the same member's field, the same new family or added member) replaces the earlier one: the
   same changes twice change nothing the second time;
3. a draft created here gets its "created" and "edited" events (version 2); an earlier draft that
   received changes gets version + 1 and an "edited" event saying how many.
"""

from __future__ import annotations

import io
import logging
import queue
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter

from .models import ChangeKind, Round, Submission, SubmissionChange, SubmissionEvent, SubmissionState

logger = logging.getLogger(__name__)

# The columns of ``changes``: JSON as text in old_value, new_value and payload.
CHANGE_COLUMNS = (
    "village_code", "kind", "family_id", "member_id", "field", "old_value", "new_value", "payload", "base_version",
)  # fmt: skip
COPY_ROWS = 20_000
# Pieces waiting to be sent, at most: psycopg cuts what is written into pieces of 128 KB, so 8 MB (about a
# part of new families) can be built ahead of what PostgreSQL has taken in; 32 MB only raised the peak.
COPY_QUEUE = 64
# What a change is about, to find an earlier proposal of the same thing in the draft (``{t}``: the table alias).
TARGET = (
    "CASE {t}.kind WHEN '" + ChangeKind.NEW_FAMILY + "' THEN 'f:' || ({t}.payload -> 'family' ->> 'no_kk') "
    "WHEN '" + ChangeKind.MEMBER_ADDED + "' THEN 'a:' || ({t}.payload ->> 'nik') "
    "WHEN '" + ChangeKind.FAMILY_FIELD + "' THEN 'ff:' || {t}.family_id || ':' || {t}.field "
    "ELSE 'm:' || {t}.member_id || ':' || {t}.field END"
)


class NotDraft(Exception):  # noqa: N818 - reads as the situation it reports
    """Villages whose submission moved on from draft: nothing was written."""

    def __init__(self, codes: list[str]) -> None:
        self.codes = codes
        super().__init__(", ".join(codes))


class _Lap:
    """Logs how long each step took (counts and seconds only)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        logger.info("bulk changes: %s in %.2f s", step, now - self.last)
        self.last = now


def _insert(model: type, values: dict[str, str | tuple[str, list]]) -> tuple[str, str, list]:
    """Column list, value expressions and their parameters (in column order) of ``model`` for INSERT … SELECT:
    ``values`` maps a column to SQL (or SQL and its parameters); the other columns get their default."""
    names, exprs, params = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        names.append(connection.ops.quote_name(f.column))
        value = values.get(f.column)
        if value is None:
            exprs.append("%s")
            params.append(f.get_db_prep_save(f.get_default(), connection))
        elif isinstance(value, tuple):
            exprs.append(value[0])
            params += value[1]
        else:
            exprs.append(value)
    return ", ".join(names), ", ".join(exprs), params


def sql_array(values: Iterable[Any]) -> str:
    """``values`` as one PostgreSQL array literal (cast it in SQL: ``%s::bigint[]``): psycopg adapts a list
    element by element, a tenth of a second for the 83,762 villages of a national file; one text is sent as is."""
    if isinstance(values, pl.Series):  # a million texts joined by polars, not one by one in Python
        if not values.len():
            return "{}"
        text = values.cast(pl.String)
        if text.str.contains(r'["\\]').any():
            text = text.str.replace_all("\\", "\\\\", literal=True).str.replace_all('"', '\\"', literal=True)
        return '{"' + text.str.join('","').item() + '"}'
    values = values if isinstance(values, list | tuple) else list(values)
    if all(type(v) is int for v in values):  # nothing to quote
        return "{" + ",".join(map(str, values)) + "}"
    return "{" + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


def _detail_sql(detail: str, count: str) -> tuple[str, list[str]]:
    """The "edited" event's text as SQL, ``%(count)d`` replaced by the expression ``count``."""
    parts = detail.replace("%%", "%").split("%(count)d")
    if len(parts) != 2:
        return "%s", [detail]
    return f"%s || {count}::text || %s", parts


def submission_changes_add_bulk(
    *,
    round: Round,  # noqa: A002 - the domain word
    villages: Iterable[str],
    changes: Iterable[pl.DataFrame],
    user: Any,
    detail: str,
) -> dict[int, int]:
    """Propose ``changes`` (frames with ``CHANGE_COLUMNS``) in the drafts of ``villages`` (their codes).

    The frames are written as they come, so a caller can build them a part at a time and never hold them
    all. ``detail`` is the "edited" event's text with ``%(count)d`` for the number of changes. Returns the
    number of changes created per submission id (only those that received some). Raises ``NotDraft``.
    """
    codes = sorted(set(villages))
    if not codes:
        return {}
    now = timezone.now()
    lap = _Lap()
    user_id = user.pk if user is not None else None
    with transaction.atomic(), connection.cursor() as cursor:
        ours = _create_drafts(cursor, round.pk, codes, now)
        # The drafts created here are this transaction's alone; the others are locked.
        drafts = {**_lock(cursor, round.pk, [c for c in codes if c not in ours]), **ours}
        lap(f"{len(ours)} drafts created, {len(drafts) - len(ours)} locked")
        mine = pl.Series(list(ours), dtype=pl.String).implode()
        # The village -> draft mapping as two columns, made once (not a dict converted for every part).
        draft_codes, draft_ids = (
            pl.Series(list(drafts), dtype=pl.String),
            pl.Series(list(drafts.values()), dtype=pl.Int64),
        )
        counted: list[pl.DataFrame] = []
        earlier: list[pl.DataFrame] = []
        # One COPY for every part: PostgreSQL takes a part in while the caller builds the next.
        with _copy_stream(cursor, SubmissionChange._meta.db_table, user_id, now) as write:
            for part in changes:
                if not part.height:
                    continue
                frame = part.with_columns(
                    submission_id=pl.col("village_code").replace_strict(draft_codes, draft_ids, default=None)
                )
                new = frame if len(ours) == len(codes) else frame.filter(pl.col("village_code").is_in(mine))
                if new.height:
                    write(new)
                    counted.append(new.group_by("submission_id").len())
                if new.height < frame.height:
                    earlier.append(frame.filter(~pl.col("village_code").is_in(mine)))
        if earlier:
            _start_comparison(cursor)
            with _copy_stream(cursor, "bulk_new", user_id, now) as write:
                for rest in earlier:
                    write(rest)
        lap(f"changes copied ({sum(f.height for f in earlier)} for drafts that may already propose them)")
        created = _counts(counted)
        _mark_created(cursor, ours, created, user_id, detail, now)
        if earlier:
            added = _add_to_drafts(cursor)
            lap(f"{sum(added.values())} changes added to existing drafts")
            if added:
                _mark_edited(cursor, added, user_id, detail, now)
            created.update(added)
    return {pk: n for pk, n in sorted(created.items()) if n}


def _counts(parts: list[pl.DataFrame]) -> dict[int, int]:
    if not parts:
        return {}
    total = pl.concat(parts).group_by("submission_id").agg(pl.col("len").sum())
    return dict(total.iter_rows())


def _create_drafts(cursor: Any, round_id: int, codes: list[str], now: Any) -> dict[str, int]:
    """The missing drafts, created already at version 2 (they are created to hold changes)."""
    columns, values, params = _insert(
        Submission,
        {"round_id": ("%s", [round_id]), "created_at": ("%s", [now]), "updated_at": ("%s", [now]),
         "village_id": "r.id", "village_code": "r.code", "version": "2"},
    )  # fmt: skip
    cursor.execute(
        f"""
        INSERT INTO {Submission._meta.db_table} ({columns})
        SELECT {values} FROM unnest(%s::text[]) AS v(code) JOIN regions_region r ON r.code = v.code
        ORDER BY r.code
        ON CONFLICT (round_id, village_id) DO NOTHING
        RETURNING village_code, id
        """,  # noqa: S608 - the names are ours, the values parameters
        [*params, sql_array(codes)],
    )
    return dict(cursor.fetchall())


def _mark_created(
    cursor: Any, ours: dict[str, int], created: dict[int, int], user_id: int | None, detail: str, now: Any
) -> None:
    """The drafts created here: a "created" then an "edited" event each; one that received nothing is not kept."""
    empty = [pk for pk in ours.values() if not created.get(pk)]
    if empty:
        cursor.execute(f"DELETE FROM {Submission._meta.db_table} WHERE id = ANY(%s::bigint[])", [sql_array(empty)])  # noqa: S608
    ids = sorted(pk for pk in ours.values() if created.get(pk))
    if not ids:
        return
    text, text_params = _detail_sql(detail, "s.n")
    columns, values, params = _insert(
        SubmissionEvent,
        {"submission_id": "e.id", "action": "e.action", "to_state": "e.to_state", "version": "e.version",
         "detail": "e.detail", "user_id": ("%s", [user_id]), "at": ("%s", [now])},
    )  # fmt: skip
    ids_sql, ns = sql_array(ids), sql_array(created[pk] for pk in ids)
    cursor.execute(
        f"""
        INSERT INTO {SubmissionEvent._meta.db_table} ({columns})
        SELECT {values} FROM (
            SELECT s.id, s.n, 1 AS step, %s AS action, %s AS to_state, 1 AS version, '' AS detail
            FROM unnest(%s::bigint[], %s::int[]) AS s(id, n)
            UNION ALL
            SELECT s.id, s.n, 2, %s, '', 2, {text} FROM unnest(%s::bigint[], %s::int[]) AS s(id, n)
        ) e
        ORDER BY e.id, e.step
        """,  # noqa: S608 - the names are ours, the values parameters
        [
            *params, SubmissionEvent.Action.CREATED, SubmissionState.DRAFT, ids_sql, ns,
            SubmissionEvent.Action.EDITED, *text_params, ids_sql, ns,
        ],
    )  # fmt: skip


def _lock(cursor: Any, round_id: int, codes: list[str]) -> dict[str, int]:
    """Lock the submissions of ``codes`` (in code order); all must be drafts."""
    if not codes:
        return {}
    cursor.execute(
        f"SELECT village_code, id, state FROM {Submission._meta.db_table} "  # noqa: S608
        "WHERE round_id = %s AND village_code = ANY(%s::text[]) ORDER BY village_code FOR UPDATE",
        [round_id, sql_array(codes)],
    )
    found = cursor.fetchall()
    if moved_on := [code for code, _pk, state in found if state != SubmissionState.DRAFT]:
        raise NotDraft(moved_on)
    return {code: pk for code, pk, _state in found}


def _change_rows(frame: pl.DataFrame, user_id: int | None, now: Any) -> pl.DataFrame:
    """The frame's rows in the columns of ``SubmissionChange`` (but its id), for COPY."""
    literal = {"note": "", "resolution": "", "created_by_id": user_id, "created_at": now.isoformat()}
    exprs = []
    for f in SubmissionChange._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.column == "field":
            exprs.append(pl.col("field").fill_null(""))
        elif f.column in literal:
            exprs.append(pl.lit(literal[f.column]).alias(f.column))
        else:
            exprs.append(pl.col(f.column))
    return frame.select(exprs)


class _QueuedWriter(QueuedLibpqWriter):
    """psycopg's queued COPY writer with a short queue: when PostgreSQL takes the rows in more slowly than
    they are built, the builder waits rather than holding the whole import in the queue."""

    def __init__(self, cursor: Any) -> None:
        super().__init__(cursor)
        self._queue = queue.Queue(maxsize=COPY_QUEUE)


@contextmanager
def _copy_stream(cursor: Any, table: str, user_id: int | None, now: Any) -> Iterator[Callable[[pl.DataFrame], None]]:
    """A COPY into ``table`` in PostgreSQL's text format; yields a function writing a frame's changes to it.

    A thread sends the data (psycopg's ``QueuedLibpqWriter``) while the caller builds the next frame. The
    text format takes the JSON as it is (CSV would double each of its quotes: a quarter more to send and
    parse); only a backslash is escaped. The JSON itself escapes tabs and line breaks."""
    names = [f.column for f in SubmissionChange._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(n) for n in names)
    raw = cursor.cursor
    with raw.copy(f"COPY {table} ({columns}) FROM STDIN", writer=_QueuedWriter(raw)) as copy:

        def write(frame: pl.DataFrame) -> None:
            rows = _change_rows(frame, user_id, now)
            # Only the columns holding a backslash are copied to double it (a name with a quote mark, say).
            holds = rows.select(pl.col(pl.String).str.contains("\\", literal=True).any()).row(0, named=True)
            escaped = [c for c, has in holds.items() if has]
            if escaped:
                rows = rows.with_columns(pl.col(*escaped).str.replace_all("\\", "\\\\", literal=True))
            for start in range(0, rows.height, COPY_ROWS):
                data = io.BytesIO()
                rows.slice(start, COPY_ROWS).write_csv(
                    data, include_header=False, separator="\t", quote_style="never", null_value="\\N"
                )
                copy.write(data.getbuffer())

        yield write


def _start_comparison(cursor: Any) -> None:
    """The table the changes for drafts that may already propose them are gathered in, to compare set-wise."""
    cursor.execute("DROP TABLE IF EXISTS bulk_new, bulk_earlier")
    cursor.execute(
        f"CREATE TEMP TABLE bulk_new ON COMMIT DROP AS SELECT * FROM {SubmissionChange._meta.db_table} WITH NO DATA"  # noqa: S608
    )


def _add_to_drafts(cursor: Any) -> dict[int, int]:
    """The gathered changes into their drafts: the same ones skipped, different ones replaced."""
    table = SubmissionChange._meta.db_table
    names = [f.column for f in SubmissionChange._meta.concrete_fields if not f.primary_key]
    cursor.execute("ALTER TABLE bulk_new ADD COLUMN target text, ADD COLUMN value jsonb")
    value = "coalesce(n.payload::jsonb, n.new_value)"  # a payload is json: compared as jsonb
    cursor.execute(f"UPDATE bulk_new n SET target = {TARGET.format(t='n')}, value = {value}")  # noqa: S608
    cursor.execute(
        f"""
        CREATE TEMP TABLE bulk_earlier ON COMMIT DROP AS
        SELECT e.id, n.submission_id, n.target, coalesce(e.payload::jsonb, e.new_value) = n.value AS same
        FROM {table} e JOIN bulk_new n ON e.submission_id = n.submission_id AND {TARGET.format(t="e")} = n.target
        """  # noqa: S608 - the names are ours
    )
    cursor.execute(
        "DELETE FROM bulk_new n USING bulk_earlier e "
        "WHERE e.same AND e.submission_id = n.submission_id AND e.target = n.target"
    )
    cursor.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM bulk_earlier WHERE NOT same)")  # noqa: S608
    columns = ", ".join(connection.ops.quote_name(n) for n in names)
    cursor.execute(
        f"""
        WITH written AS (
            INSERT INTO {table} ({columns}) SELECT {columns} FROM bulk_new ORDER BY submission_id RETURNING submission_id
        )
        SELECT submission_id, count(*) FROM written GROUP BY submission_id ORDER BY submission_id
        """  # noqa: S608 - the names are ours
    )
    added = dict(cursor.fetchall())
    cursor.execute("DROP TABLE bulk_new, bulk_earlier")
    return added


def _mark_edited(cursor: Any, created: dict[int, int], user_id: int | None, detail: str, now: Any) -> None:
    """Each existing draft that received changes: version + 1 and an "edited" event saying how many."""
    ids = sorted(created)
    text, text_params = _detail_sql(detail, "b.n")
    columns, values, params = _insert(
        SubmissionEvent,
        {"submission_id": "b.id", "version": "b.version", "action": ("%s", [SubmissionEvent.Action.EDITED]),
         "detail": (text, text_params), "user_id": ("%s", [user_id]), "at": ("%s", [now])},
    )  # fmt: skip
    cursor.execute(
        f"""
        WITH u AS (SELECT * FROM unnest(%s::bigint[], %s::int[]) AS u(id, n)),
        b AS (
            UPDATE {Submission._meta.db_table} s SET version = s.version + 1, updated_at = %s
            FROM u WHERE s.id = u.id RETURNING s.id, s.version, u.n
        )
        INSERT INTO {SubmissionEvent._meta.db_table} ({columns})
        SELECT {values} FROM b ORDER BY b.id
        """,  # noqa: S608 - the names are ours, the values parameters
        [sql_array(ids), sql_array(created[pk] for pk in ids), now, *params],
    )
