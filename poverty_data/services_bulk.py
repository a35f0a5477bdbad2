"""The review chain's bulk entry point: many proposed changes into the draft submissions of a round at once.

``submission_changes_add_bulk`` is what a bulk import calls instead of writing ``Submission``,
``SubmissionChange`` and ``SubmissionEvent`` itself. Set-wise, in the caller's transaction:

1. the draft submission of each village of the changes is locked (in code order), created with
   its "created" event when missing; a village whose submission is no longer a draft refuses the
   whole call (``NotDraft``);
2. a change the draft already proposes identically is skipped; a different proposal for the same
   thing (the same family's field, the same member's field, the same new family or added member)
   is replaced by the new one: the same changes twice change nothing the second time;
3. each submission that received changes gets version + 1 and an "edited" event saying how many.
"""

from __future__ import annotations

import io
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from .models import ChangeKind, Round, Submission, SubmissionChange, SubmissionEvent, SubmissionState

# The columns of ``changes``: JSON as text in old_value, new_value and payload.
CHANGE_COLUMNS = (
    "village_code", "kind", "family_id", "member_id", "field", "old_value", "new_value", "payload", "base_version",
)  # fmt: skip


class NotDraft(Exception):  # noqa: N818 - reads as the situation it reports
    """Villages whose submission moved on from draft: nothing was written."""

    def __init__(self, codes: list[str]) -> None:
        self.codes = codes
        super().__init__(", ".join(codes))


def _columns(model: type, explicit: dict[str, str], params: list) -> tuple[str, str]:
    """Column list and value expressions of ``model`` for INSERT … SELECT: ``explicit`` SQL, else the default."""
    names, values = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        names.append(connection.ops.quote_name(f.column))
        if f.column in explicit:
            values.append(explicit[f.column])
        else:
            values.append("%s")
            params.append(f.get_db_prep_save(f.get_default(), connection))
    return ", ".join(names), ", ".join(values)


def _drafts(cursor: Any, round_id: int, user_id: int | None, now: Any) -> None:
    """Lock (creating when missing) the draft of each village in ``bulk_villages``; ``bulk_drafts`` holds them."""
    table = Submission._meta.db_table
    lock = f"""
        SELECT s.village_code, s.id, s.state FROM {table} s
        WHERE s.round_id = %s AND s.village_code IN (SELECT village_code FROM bulk_villages)
        ORDER BY s.village_code FOR UPDATE
    """  # noqa: S608 - the names are ours
    cursor.execute(lock, [round_id])
    if moved_on := [code for code, _pk, state in cursor.fetchall() if state != SubmissionState.DRAFT]:
        raise NotDraft(moved_on)
    params: list = []
    submission_columns, submission_values = _columns(
        Submission,
        {"round_id": "%s", "village_id": "r.id", "village_code": "r.code", "created_at": "%s", "updated_at": "%s"},
        params,
    )
    # _columns appended the defaults after the explicit placeholders' slots: rebuild in column order.
    params = []
    values = []
    for f in Submission._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.column == "round_id":
            values.append("%s")
            params.append(round_id)
        elif f.column == "village_id":
            values.append("r.id")
        elif f.column == "village_code":
            values.append("r.code")
        elif f.column in ("created_at", "updated_at"):
            values.append("%s")
            params.append(now)
        else:
            values.append("%s")
            params.append(f.get_db_prep_save(f.get_default(), connection))
    event_params: list = []
    event_values = []
    for f in SubmissionEvent._meta.concrete_fields:
        if f.primary_key:
            continue
        fixed = {
            "submission_id": None, "action": SubmissionEvent.Action.CREATED, "to_state": SubmissionState.DRAFT,
            "version": 1, "user_id": user_id, "at": now,
        }  # fmt: skip
        if f.column == "submission_id":
            event_values.append("created.id")
        elif f.column in fixed:
            event_values.append("%s")
            event_params.append(fixed[f.column])
        else:
            event_values.append("%s")
            event_params.append(f.get_db_prep_save(f.get_default(), connection))
    event_columns = ", ".join(
        connection.ops.quote_name(f.column) for f in SubmissionEvent._meta.concrete_fields if not f.primary_key
    )
    cursor.execute(
        f"""
        WITH created AS (
            INSERT INTO {table} ({submission_columns})
            SELECT {", ".join(values)} FROM bulk_villages v JOIN regions_region r ON r.code = v.village_code
            ORDER BY r.code
            ON CONFLICT (round_id, village_id) DO NOTHING
            RETURNING id
        )
        INSERT INTO {SubmissionEvent._meta.db_table} ({event_columns})
        SELECT {", ".join(event_values)} FROM created ORDER BY created.id
        """,  # noqa: S608 - the names are ours, the values parameters
        [*params, *event_params],
    )
    # Created here or by a call running beside this one: locked now too, and still drafts.
    cursor.execute(lock, [round_id])
    found = cursor.fetchall()
    if moved_on := [code for code, _pk, state in found if state != SubmissionState.DRAFT]:
        raise NotDraft(moved_on)
    cursor.execute("DROP TABLE IF EXISTS bulk_drafts")
    cursor.execute("CREATE TEMP TABLE bulk_drafts (village_code text PRIMARY KEY, id bigint) ON COMMIT DROP")
    with cursor.cursor.copy("COPY bulk_drafts (village_code, id) FROM STDIN") as copy:
        for code, pk, _state in found:
            copy.write_row((code, pk))
    cursor.execute("ANALYZE bulk_drafts")


def submission_changes_add_bulk(
    *,
    round: Round,
    changes: pl.DataFrame,
    user: Any,
    detail: str,  # noqa: A002 - the domain word
) -> dict[int, int]:
    """Propose ``changes`` (a frame with ``CHANGE_COLUMNS``) in the drafts of their villages.

    ``detail`` is the "edited" event's text with ``%(count)d`` for the number of changes. Returns the
    number of changes created per submission id (only those that received some). Raises ``NotDraft``.
    """
    if not changes.height:
        return {}
    now = timezone.now()
    user_id = user.pk if user is not None else None
    table = SubmissionChange._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bulk_changes, bulk_villages")
        cursor.execute(
            "CREATE TEMP TABLE bulk_changes (village_code text, kind text, family_id bigint, member_id bigint, "
            "field text, old_value jsonb, new_value jsonb, payload jsonb, base_version integer) ON COMMIT DROP"
        )
        data = io.BytesIO()
        changes.select(CHANGE_COLUMNS).write_csv(data, include_header=False, null_value="")
        with cursor.cursor.copy(
            f"COPY bulk_changes ({', '.join(CHANGE_COLUMNS)}) FROM STDIN WITH (FORMAT csv)"
        ) as copy:
            view = data.getbuffer()
            for start in range(0, len(view), 8 * 1024 * 1024):
                copy.write(view[start : start + 8 * 1024 * 1024])
            del view
        cursor.execute(
            "CREATE TEMP TABLE bulk_villages ON COMMIT DROP AS SELECT DISTINCT village_code FROM bulk_changes"
        )
        _drafts(cursor, round.pk, user_id, now)
        # What each change is about, to find an earlier proposal of the same thing in the draft.
        target = f"""CASE kind
            WHEN '{ChangeKind.NEW_FAMILY}' THEN 'f:' || (payload -> 'family' ->> 'no_kk')
            WHEN '{ChangeKind.MEMBER_ADDED}' THEN 'a:' || (payload ->> 'nik')
            WHEN '{ChangeKind.FAMILY_FIELD}' THEN 'ff:' || family_id || ':' || field
            ELSE 'm:' || member_id || ':' || field END"""
        cursor.execute(
            f"""
            CREATE TEMP TABLE bulk_new ON COMMIT DROP AS
            SELECT d.id AS submission_id, c.*, {target} AS target, coalesce(c.payload, c.new_value) AS value
            FROM bulk_changes c JOIN bulk_drafts d USING (village_code)
            """  # noqa: S608 - the names are ours
        )
        earlier = f"""
            SELECT e.id, n.submission_id, n.target, coalesce(e.payload, e.new_value) = n.value AS same
            FROM {table} e JOIN bulk_new n ON e.submission_id = n.submission_id
             AND (CASE e.kind WHEN '{ChangeKind.NEW_FAMILY}' THEN 'f:' || (e.payload -> 'family' ->> 'no_kk')
                  WHEN '{ChangeKind.MEMBER_ADDED}' THEN 'a:' || (e.payload ->> 'nik')
                  WHEN '{ChangeKind.FAMILY_FIELD}' THEN 'ff:' || e.family_id || ':' || e.field
                  ELSE 'm:' || e.member_id || ':' || e.field END) = n.target
            WHERE e.submission_id IN (SELECT id FROM bulk_drafts)
        """  # noqa: S608 - the names are ours
        cursor.execute(f"CREATE TEMP TABLE bulk_earlier ON COMMIT DROP AS {earlier}")
        cursor.execute(
            "DELETE FROM bulk_new n USING bulk_earlier e "
            "WHERE e.same AND e.submission_id = n.submission_id AND e.target = n.target"
        )
        cursor.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM bulk_earlier WHERE NOT same)")  # noqa: S608
        params: list = []
        values = []
        names = []
        for f in SubmissionChange._meta.concrete_fields:
            if f.primary_key:
                continue
            names.append(connection.ops.quote_name(f.column))
            if f.column in ("submission_id", "kind", "family_id", "member_id", "old_value", "new_value", "payload",
                            "base_version"):  # fmt: skip
                values.append(f"n.{f.column}")
            elif f.column == "field":
                values.append("coalesce(n.field, '')")
            elif f.column == "created_by_id":
                values.append("%s")
                params.append(user_id)
            elif f.column == "created_at":
                values.append("%s")
                params.append(now)
            else:
                values.append("%s")
                params.append(f.get_db_prep_save(f.get_default(), connection))
        cursor.execute(
            f"""
            WITH written AS (
                INSERT INTO {table} ({", ".join(names)})
                SELECT {", ".join(values)} FROM bulk_new n ORDER BY n.submission_id, n.village_code
                RETURNING submission_id
            )
            SELECT submission_id, count(*) FROM written GROUP BY submission_id ORDER BY submission_id
            """,  # noqa: S608 - the names are ours, the values parameters
            params,
        )
        created = dict(cursor.fetchall())
        if created:
            _mark_edited(cursor, created, user_id, detail, now)
        cursor.execute("DROP TABLE bulk_changes, bulk_villages, bulk_drafts, bulk_new, bulk_earlier")
    return created


def _mark_edited(cursor: Any, created: dict[int, int], user_id: int | None, detail: str, now: Any) -> None:
    """Each submission that received changes: version + 1 and an 'edited' event saying how many."""
    ids = sorted(created)
    counts = [created[pk] for pk in ids]
    parts = detail.split("%(count)d")
    text = "%s || b.n::text || %s" if len(parts) == 2 else "%s"
    text_params = [p.replace("%%", "%") for p in parts] if len(parts) == 2 else [detail.replace("%%", "%")]
    params: list = []
    values, names = [], []
    for f in SubmissionEvent._meta.concrete_fields:
        if f.primary_key:
            continue
        names.append(connection.ops.quote_name(f.column))
        if f.column == "submission_id":
            values.append("b.id")
        elif f.column == "version":
            values.append("b.version")
        elif f.column == "action":
            values.append("%s")
            params.append(SubmissionEvent.Action.EDITED)
        elif f.column == "detail":
            values.append(text)
            params.extend(text_params)
        elif f.column == "user_id":
            values.append("%s")
            params.append(user_id)
        elif f.column == "at":
            values.append("%s")
            params.append(now)
        else:
            values.append("%s")
            params.append(f.get_db_prep_save(f.get_default(), connection))
    cursor.execute(
        f"""
        WITH u AS (SELECT * FROM unnest(%s::bigint[], %s::int[]) AS u(id, n)),
        b AS (
            UPDATE {Submission._meta.db_table} s SET version = s.version + 1, updated_at = %s
            FROM u WHERE s.id = u.id RETURNING s.id, s.version, u.n
        )
        INSERT INTO {SubmissionEvent._meta.db_table} ({", ".join(names)})
        SELECT {", ".join(values)} FROM b ORDER BY b.id
        """,  # noqa: S608 - the names are ours, the values parameters
        [ids, counts, now, *params],
    )
