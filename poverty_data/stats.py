"""Writes of the summary tables: ``VillageStats`` (current) and ``VillageRoundStats`` (per round).

The dashboard, the village list and csr read these instead of aggregating millions of
``Family``/``Member`` rows per request. Every service that writes master data calls
``village_stats_refresh`` for the villages it touched, inside its own transaction; a write done
outside the services (a raw import, a fix in the shell) is repaired with
``manage.py refresh_poverty_stats [--region CODE]``.

Recomputation is set-wise: one aggregate over the families of the villages (``GROUP BY
village_code``), one over their problem members, then delete + ``bulk_create`` of their rows.

A duplicate NIK links villages: when village A gains a member with a NIK already held in
village B, B's duplicate count changes too. ``villages_sharing_niks`` finds those villages; the
services refresh them with the touched ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from regions.models import within_q

from .models import (
    ASSISTANCE_FIELDS,
    PRESENT,
    Family,
    FamilyStatus,
    Member,
    Round,
    VillageRoundStats,
    VillageStats,
    VillageStatsBase,
)

CHUNK = 500  # village codes per IN (...): statements of a bounded size
BASE_FIELDS = [f.name for f in VillageStatsBase._meta.concrete_fields if f.name != "id"]


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _scopes(codes: Iterable[str] | None, region: str | None) -> Iterable[Callable[[str], Q]]:
    """The filters one refresh covers, each a function of the village-code field: everything, a
    region prefix, or chunks of codes."""
    if codes is None:
        yield lambda field: within_q(region, field) if region else Q()
        return
    for chunk in _chunks(sorted(set(codes))):
        yield lambda field, chunk=chunk: Q(**{f"{field}__in": chunk})


def _present_members() -> QuerySet[Member]:
    return Member.objects.filter(presence__in=PRESENT, family__status=FamilyStatus.ACTIVE)


def villages_sharing_niks(codes: Iterable[str]) -> set[str]:
    """Villages with a present member (of an active family) whose NIK a present member of ``codes`` holds."""
    found: set[str] = set()
    for chunk in _chunks(sorted(set(codes))):
        niks = _present_members().filter(family__village_code__in=chunk).values("nik")
        holders = _present_members().filter(nik__in=niks).order_by()  # no default ordering in the DISTINCT
        found.update(holders.values_list("family__village_code", flat=True).distinct())
    return found


@transaction.atomic
def village_stats_refresh(*, codes: Iterable[str] | None = None, region: str | None = None) -> int:
    """Recompute ``VillageStats`` of the villages ``codes`` (all villages, or those of ``region``, when
    ``codes`` is None) from the master data. Returns the number of rows written."""
    written = 0
    now = timezone.now()
    for scope in _scopes(codes, region):
        families = (
            Family.objects.active()
            .filter(scope("village_code"))
            .order_by()
            .values("village_code", "village_id")
            .annotate(
                families=Count("pk"),
                **{f"desil_{d}": Count("pk", filter=Q(desil=d)) for d in range(1, 11)},
                poor4=Count("pk", filter=Q(desil__gte=1, desil__lte=4)),
                poor5=Count("pk", filter=Q(desil__gte=1, desil__lte=5)),
                **{
                    f"poor_{f.removeprefix('receives_')}": Count(
                        "pk", filter=Q(desil__gte=1, desil__lte=4, **{f: True})
                    )
                    for f in ASSISTANCE_FIELDS
                },
                poor_no_assistance=Count(
                    "pk",
                    filter=Q(desil__gte=1, desil__lte=4, other_assistance="", **{f: False for f in ASSISTANCE_FIELDS}),
                ),
            )
        )
        other_holder = _present_members().filter(nik=OuterRef("nik")).exclude(pk=OuterRef("pk"))
        members = _present_members().filter(scope("family__village_code"))
        problems = {
            row["family__village_code"]: row
            for row in members.annotate(shared=Exists(other_holder))
            .filter(Q(nik_valid=False) | Q(shared=True))
            .order_by()
            .values("family__village_code")
            .annotate(
                nik_invalid=Count("pk", filter=Q(nik_valid=False)), nik_duplicate=Count("pk", filter=Q(shared=True))
            )
        }
        rows = []
        for row in families:
            problem = problems.get(row["village_code"], {})
            rows.append(
                VillageStats(
                    **row,
                    nik_invalid=problem.get("nik_invalid", 0),
                    nik_duplicate=problem.get("nik_duplicate", 0),
                    updated_at=now,
                )
            )
        VillageStats.objects.filter(scope("village_code")).delete()
        VillageStats.objects.bulk_create(rows, batch_size=CHUNK)
        written += len(rows)
    return written


@transaction.atomic
def village_round_stats_record(*, round: Round, codes: Iterable[str] | None = None) -> int:  # noqa: A002
    """Record the current figures of villages ``codes`` as their figures of ``round`` (replacing an
    earlier record); with ``codes`` None, of every village not yet recorded in the round."""
    now = timezone.now()
    if codes is None:
        current = VillageStats.objects.exclude(
            village_code__in=VillageRoundStats.objects.filter(round=round).values("village_code")
        )
        sources = [current]
    else:
        codes = sorted(set(codes))
        for chunk in _chunks(codes):
            VillageRoundStats.objects.filter(round=round, village_code__in=chunk).delete()
        sources = [VillageStats.objects.filter(village_code__in=chunk) for chunk in _chunks(codes)]
    written = 0
    for source in sources:
        rows = [
            VillageRoundStats(round=round, recorded_at=now, **row)
            for row in source.order_by().values(*BASE_FIELDS).iterator(chunk_size=2000)
        ]
        VillageRoundStats.objects.bulk_create(rows, batch_size=CHUNK)
        written += len(rows)
    return written
