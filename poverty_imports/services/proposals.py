"""The valid rows of an import as proposed changes, handed to the review chain's bulk service.

New families become one ``new_family`` change each (the family's fields from its first row, its members
in the file's order), built a few villages at a time and written as they are built, so the proposals are
never held whole; families the portal holds become corrections (old and new values) and members added.
The rows are compared with what the portal holds; nothing here writes a submission, change or event:
``poverty_data.services_bulk.submission_changes_add_bulk`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import connection
from django.utils.translation import gettext as _

from poverty_data.models import ChangeKind, Member, Presence
from poverty_data.services_bulk import sql_array, submission_changes_add_bulk

from ..checks import COMPACT
from ..models import ImportBatch
from .portal import family_fields, query_frame

# Known families compared with the file's rows at a time.
CORRECTION_FAMILIES = 5_000
# The rows of new families turned into proposals and written at a time (about 2.5 MB of JSON; parts twice
# as large held 20 MB more at a million rows, and took no less time).
PAYLOAD_ROWS = 12_500
CHANGE_SCHEMA = {
    "village_code": pl.String, "kind": pl.String, "family_id": pl.Int64, "member_id": pl.Int64, "field": pl.String,
    "old_value": pl.String, "new_value": pl.String, "payload": pl.String, "base_version": pl.Int64,
}  # fmt: skip
MEMBER_FIELDS = ("name", "sex", "birth_date", "relationship", "birth_place", "presence")


def changes_write(
    *,
    batch: ImportBatch,
    user: Any,
    rows: pl.DataFrame,
    existing: pl.DataFrame,
    columns: Sequence[str],
    lap: Callable[[str], None],
) -> dict[str, int]:
    """The valid ``rows`` as proposed changes, in one call of the bulk service; the batch's counts.

    ``rows``: the checked rows with their ``valid`` mask (only the valid ones are proposed; they are not copied
    out); ``existing``: the active families the file names (``portal.read_portal``); ``columns``: the file's."""
    counts = {"families_new": 0, "families_corrected": 0, "members_added": 0, "changes_created": 0}
    fields = family_fields(columns)
    valid = rows.get_column("valid")
    every = valid.all()
    rows = rows.drop("valid")  # zero-copy: the mask goes on as ``valid`` above
    # Which rows are new families' (None: all of them).
    new: pl.Series | None = None if every else valid
    corrections, corrected, added = pl.DataFrame(schema=CHANGE_SCHEMA), 0, 0
    if existing.height:
        found, known = [], []
        for part in _known_families(rows, existing, None if every else valid):
            known.append(part.rows.get_column("row"))
            part_changes, part_corrected, part_added = _corrections(part.rows, part.families, fields,
                                                                    "status_kehadiran" in columns)  # fmt: skip
            found.append(part_changes)
            corrected, added = corrected + part_corrected, added + part_added
        corrections = pl.concat([corrections, *found], how="vertical_relaxed")
        # The new families' rows (most of a large file) are not copied out: they are the rows left unmatched.
        unmatched = ~rows.get_column("row").is_in(pl.concat([pl.Series("row", [], pl.Int64), *known]).implode())
        new = unmatched if every else unmatched & valid
    counts["families_corrected"], counts["members_added"] = corrected, added
    lap("corrections compared")
    new_codes = rows.get_column("village_code") if new is None else rows.get_column("village_code").filter(new)
    villages = pl.concat([new_codes.unique().cast(pl.String), corrections.get_column("village_code")]).unique()

    def changes() -> Iterator[pl.DataFrame]:
        for part in _new_families(rows, new):
            counts["families_new"] += part.height
            yield part
        yield corrections

    created = submission_changes_add_bulk(
        round=batch.round, villages=villages.to_list(), changes=changes(), user=user,
        detail=_("%(count)d changes imported from %(file)s").replace("%(file)s", batch.file_name.replace("%", "%%")),
    )  # fmt: skip
    lap("proposals built and written")
    counts["changes_created"] = sum(created.values())
    counts["submissions"] = len(created)
    counts["rows_valid"] = int(valid.sum())
    if created:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {batch.touched.through._meta.db_table} (importbatch_id, submission_id) "  # noqa: S608
                "SELECT %s, unnest(%s::bigint[])",
                [batch.pk, sql_array(sorted(created))],
            )
    lap("batch linked to its submissions")
    return counts


@dataclass
class _Known:
    """Some families the portal holds (``families``: ``read_portal``'s columns) and the file's rows of them
    (``rows``: as text, each with its ``family_id``, in the file's order)."""

    rows: pl.DataFrame
    families: pl.DataFrame


def _known_families(rows: pl.DataFrame, existing: pl.DataFrame, valid: pl.Series | None) -> Iterator[_Known]:
    """The families of ``existing`` that the rows name in the same village, ``CORRECTION_FAMILIES`` at a time
    (a third of a million rows compared at once held 250 MB more), each with its rows; a card the portal
    holds twice gives each of its families the rows; only the rows where ``valid`` (None: every row). Only the
    portal's side (the smaller) is hashed."""
    keys = ["village_code", "no_kk"]
    existing = existing.with_columns(pl.col("village_code").cast(pl.Categorical))  # as the rows hold it
    for start in range(0, existing.height, CORRECTION_FAMILIES):
        families = existing.slice(start, CORRECTION_FAMILIES)
        cards = families.get_column("no_kk").unique().implode()
        named = pl.col("no_kk").is_in(cards)
        known = rows.filter(named if valid is None else named & valid)
        known = _as_text(known.join(families.select(*keys, "family_id"), on=keys, maintain_order="left"))
        if known.height:
            ids = known.get_column("family_id").unique().implode()
            yield _Known(rows=known, families=families.filter(pl.col("family_id").is_in(ids)))


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


def _new_families(rows: pl.DataFrame, new: pl.Series | None) -> Iterator[pl.DataFrame]:
    """One NEW_FAMILY change per family the portal does not hold (the rows where ``new``, or all): its fields
    from its first row, its members in order.

    Built a few villages at a time (parts of about ``PAYLOAD_ROWS`` rows, a village whole in one part)."""
    count = rows.height if new is None else new.sum()
    if not count:
        return
    parts = max(1, -(-count // PAYLOAD_ROWS))
    part = rows.select(pl.col("village_code").hash() % parts).to_series()  # hashed once, not once a part
    for i in range(parts):
        wanted = part == i if new is None else (part == i) & new
        yield _new_family_changes(rows if parts == 1 and new is None else rows.filter(wanted))


def _as_text(rows: pl.DataFrame) -> pl.DataFrame:
    """The rows with their compact (categorical) columns as text again, to compare and write them."""
    return rows.with_columns(pl.col(*COMPACT).cast(pl.String))


def _new_family_changes(rows: pl.DataFrame) -> pl.DataFrame:
    rows = _as_text(rows)
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


def _json(expr: pl.Expr) -> pl.Expr:
    """A value as JSON text (a date as its ISO string, a missing value as ``null``)."""
    return pl.struct(v=expr).struct.json_encode().str.strip_prefix('{"v":').str.strip_suffix("}")


def _corrections(
    rows: pl.DataFrame, existing: pl.DataFrame, fields: list[str], with_presence: bool
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
    firsts = rows.group_by("family_id", maintain_order=True).first()  # the rows are in the file's order
    firsts = firsts.join(existing.drop("no_kk", "village_code"), on="family_id", suffix="_old", maintain_order="left")
    for field in fields:
        new = pl.col(values.get(field, f"x_{field}"))
        old = pl.col(f"{field}_old" if f"{field}_old" in firsts.columns else field)
        new_typed = new.cast(firsts.schema[old.meta.output_name()]) if field == "desil" else new
        differs = new.is_not_null() & (new.cast(pl.String) != "") & new_typed.ne_missing(old)
        found.append(change(firsts.filter(differs), ChangeKind.FAMILY_FIELD, field, old, new_typed, "version",
                            pl.lit(None, pl.Int64)))  # fmt: skip
    member_columns = ["row", "village_code", "family_id", "nik", *MEMBER_FIELDS]
    joined = rows.select(member_columns).join(
        members, on=["family_id", "nik"], how="left", suffix="_old", maintain_order="left"
    )
    added = joined.filter(pl.col("member_id").is_null())
    found_added = added.select(
        "village_code", kind=pl.lit(ChangeKind.MEMBER_ADDED), family_id=pl.col("family_id"),
        member_id=pl.lit(None, pl.Int64), field=pl.lit(None, pl.String), old_value=pl.lit(None, pl.String),
        new_value=pl.lit(None, pl.String), payload=_member_struct(added), base_version=pl.lit(None, pl.Int64),
    )  # fmt: skip
    known = joined.filter(pl.col("member_id").is_not_null())
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
        return query_frame(
            cursor,
            f"SELECT id, family_id, nik, version, {', '.join(MEMBER_FIELDS)} FROM {Member._meta.db_table} "  # noqa: S608
            "WHERE family_id = ANY(%s::bigint[])",
            [sql_array(family_ids)],
            schema,
        )
