"""The initial load of families from the national data (DTSEN): demo data and fixtures."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .. import stats
from ..checks import nik_is_well_formed
from ..models import Family, Member

ANALYZE_AFTER_MEMBERS = 5000


@transaction.atomic
def families_load(*, rows: list[tuple[Family, list[Member]]], user: Any = None, batch_size: int = 2000) -> int:
    """Load families from the national data (DTSEN) as their first version: demo data and fixtures.

    Not part of the review chain: it writes master data directly, in batches, and records the
    first version of every row in the history tables with one ``INSERT ... SELECT`` per batch
    (building history objects in Python would take most of the time of a large load).
    """
    families = []
    for family, _members in rows:
        family.village_code = family.village_code or family.village.code
        families.append(family)
    Family.objects.bulk_create(families, batch_size=batch_size)
    members = []
    for family, family_members in rows:
        for member in family_members:
            member.family = family
            member.nik_valid = nik_is_well_formed(member.nik)
            members.append(member)
    _insert_plain(Member, members, batch_size=batch_size)
    user_id = getattr(user, "pk", None)
    family_ids = [f.pk for f in families]
    _history_first_versions(Family, "id", family_ids, user_id=user_id, batch_size=batch_size)
    _history_first_versions(Member, "family_id", family_ids, user_id=user_id, batch_size=batch_size)
    if len(members) >= ANALYZE_AFTER_MEMBERS:
        # Fresh bulk-loaded rows have no planner statistics yet: without them PostgreSQL takes
        # the village for one family and the summaries' NIK check below turns quadratic.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Family._meta.db_table}, {Member._meta.db_table}")  # noqa: S608 - model names
    codes = {f.village_code for f in families}
    stats.village_stats_refresh(codes=codes | stats.villages_sharing_niks(codes))
    return len(families)


def _insert_plain(model: type, objs: list[Any], *, batch_size: int) -> None:
    """INSERT rows whose ids nobody needs back with one ``executemany`` per batch.

    ``bulk_create`` compiles SQL per batch, so for tens of thousands of members most of the time
    went into building SQL, not writing it.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 - names from the model, values bound
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            rows = [
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
                for obj in objs[start : start + batch_size]
            ]
            cursor.executemany(sql, rows)


def _history_first_versions(model: type, key: str, ids: list[int], *, user_id: int | None, batch_size: int) -> None:
    """Copy the rows of ``model`` whose ``key`` column is in ``ids`` into its history table as created ('+') versions."""
    history = model.history.model
    quote = connection.ops.quote_name
    source_columns = {f.column for f in model._meta.concrete_fields}
    columns, selects, params = [], [], []
    for hfield in history._meta.concrete_fields:
        if hfield.name == "history_id":
            continue
        columns.append(quote(hfield.column))
        if hfield.column in source_columns:
            selects.append(quote(hfield.column))
        elif hfield.name == "history_date":
            selects.append("%s")
            params.append(timezone.now())
        elif hfield.name == "history_type":
            selects.append("%s")
            params.append("+")
        elif hfield.name == "history_user":
            selects.append("%s")
            params.append(user_id)
        else:
            selects.append("NULL")
    with connection.cursor() as cursor:
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            sql = (
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 - names from the model, values bound
                f"SELECT {', '.join(selects)} FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(key)} IN ({', '.join(['%s'] * len(chunk))})"
            )
            cursor.execute(sql, [*params, *chunk])
