"""What the portal holds about a file's valid rows, read once from PostgreSQL for the checks against it.

The file's NIKs and family cards are sent as two arrays, which PostgreSQL hashes once and probes while it
reads the members and families (a temporary table of the numbers, copied, analysed and joined, took 5 s
for a million NIKs against 4.9 million members, this 3 s); a file of up to ``INDEX_LOOKUPS`` rows is
looked up in the indexes instead. A portal holding fewer members (or families) than the file has numbers
is read whole, and joined here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import polars as pl
from django.db import connection, transaction

from poverty_data.models import PRESENT, Family, FamilyStatus, Member, Submission, SubmissionState
from poverty_data.services_bulk import sql_array

from .. import checks
from ..indicators import indicator_specs

# Up to this many rows, the numbers of a file are looked up in the portal's indexes one by one.
INDEX_LOOKUPS = 300_000
# Family fields an import may set, from its columns: column -> model field.
FAMILY_COLUMNS = {"alamat": "street", "dusun": "dusun", "rt": "rt", "rw": "rw", "desil": "desil"}


def query_frame(cursor: Any, sql: str, params: list, schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of ``sql`` as a frame of ``schema``, read with ``COPY … TO STDOUT`` and parsed by polars:
    no Python tuple per row (a million members' rows as tuples held some 230 MB).

    PostgreSQL's CSV writes NULL as an empty field and an empty text as ``""``, which polars keeps apart;
    a boolean comes as ``t`` or ``f``."""
    data = io.BytesIO()
    with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
        for chunk in copy:
            data.write(chunk)
    if not data.tell():
        return pl.DataFrame(schema=schema)
    booleans = [name for name, dtype in schema.items() if dtype == pl.Boolean]
    text = {name: pl.String if name in booleans else dtype for name, dtype in schema.items()}
    data.seek(0)
    frame = pl.read_csv(data, has_header=False, new_columns=list(schema), schema=text)
    return frame.with_columns(pl.col(name) == "t" for name in booleans) if booleans else frame


def read_portal(rows: pl.DataFrame, columns: Sequence[str], round_id: int) -> tuple[checks.Portal, pl.DataFrame]:
    """What the portal holds about the file's valid rows, read once: the present members of active families with
    its NIKs, the active families with its No. KK (with the fields a correction compares), the closed villages.

    The file's numbers are sent to PostgreSQL only when the portal holds more rows than the file has numbers;
    a portal holding fewer (a new portal's first national list) is read whole and joined here instead."""
    valid = checks.valid_rows(rows, "nik", "no_kk", "village_code").collect()
    members, families = Member._meta.db_table, Family._meta.db_table
    fields = family_fields(columns)
    selected = ", ".join(f"f.{connection.ops.quote_name(Family._meta.get_field(f).column)}" for f in fields)
    specs = indicator_specs()
    types = {f: pl.Int64 if f == "desil" else pl.Boolean if f in specs and specs[f].kind == "bool" else pl.String
             for f in fields}  # fmt: skip
    # The valid rows' NIKs are distinct already: the checks across rows left a repeated NIK invalid.
    niks, kks = valid.get_column("nik"), valid.get_column("no_kk").unique()
    with transaction.atomic(), connection.cursor() as cursor:
        if valid.height <= INDEX_LOOKUPS:
            # A file of a kabupaten or a village: index lookups of its numbers beat reading the portal's
            # millions of members; the planner, counting on cold disks, would scan them.
            cursor.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL jit = off")
        holders_sql = (
            f"SELECT m.nik, f.no_kk, f.village_code FROM {members} m "  # noqa: S608
            f"JOIN {families} f ON f.id = m.family_id WHERE m.presence = ANY(%s) AND f.status = %s"
        )
        holders_schema = {"nik": pl.String, "no_kk": pl.String, "village_code": pl.String}
        holders = _naming(cursor, members, holders_sql, [list(PRESENT), FamilyStatus.ACTIVE], holders_schema,
                          "m.nik", niks)  # fmt: skip
        existing_sql = (
            f"SELECT f.id, f.version, f.no_kk, f.village_code{', ' + selected if selected else ''} "  # noqa: S608
            f"FROM {families} f WHERE f.status = %s"
        )
        existing_schema = {"family_id": pl.Int64, "version": pl.Int64, "no_kk": pl.String,
                           "village_code": pl.String, **types}  # fmt: skip
        existing = _naming(cursor, families, existing_sql, [FamilyStatus.ACTIVE], existing_schema, "f.no_kk", kks)
        cursor.execute(
            f"SELECT village_code, state FROM {Submission._meta.db_table} WHERE round_id = %s AND state <> %s",  # noqa: S608
            [round_id, SubmissionState.DRAFT],
        )
        labels = dict(SubmissionState.choices)
        codes = set(valid.get_column("village_code").unique().to_list())
        closed = {code: str(labels[state]) for code, state in cursor.fetchall() if code in codes}
    portal = checks.Portal(members=holders, families=existing.select("no_kk", "village_code"), closed=closed)
    return portal, existing


def _naming(
    cursor: Any, table: str, sql: str, params: list, schema: dict[str, Any], column: str, keys: pl.Series
) -> pl.DataFrame:
    """The rows of ``sql`` (over ``table``, ending in its WHERE clause) whose ``column`` is among ``keys``
    (distinct values): ``keys`` sent as one array, which PostgreSQL hashes; or, when ``table`` holds fewer
    rows than there are keys, every row read and joined here."""
    if _fewer_rows(cursor, table, keys.len()):
        return _among(query_frame(cursor, sql, params, schema), keys)
    return query_frame(cursor, f"{sql} AND {column} = ANY(%s::text[])", [*params, sql_array(keys)], schema)


def _among(frame: pl.DataFrame, keys: pl.Series) -> pl.DataFrame:
    """The rows of ``frame`` (the smaller: the portal read whole) whose ``keys.name`` column is among ``keys``
    (distinct values). An inner join hashes the smaller side; a semi join would hash the file's million keys
    (120 MB) even against no rows at all."""
    if not frame.height:
        return frame
    return keys.to_frame().join(frame, on=keys.name).select(frame.columns)


def _fewer_rows(cursor: Any, table: str, than: int) -> bool:
    """Whether ``table`` has fewer rows than ``than``: counted up to that many, never the whole table."""
    cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT %s) t", [than])  # noqa: S608
    return cursor.fetchone()[0] < than


def family_fields(columns: Sequence[str]) -> list[str]:
    """The family fields the file's columns (``columns``) may correct."""
    fields = [field for column, field in FAMILY_COLUMNS.items() if column in columns]
    return fields + [name for name in indicator_specs() if name in columns]
