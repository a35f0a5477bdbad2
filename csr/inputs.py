"""The two inputs csr needs from other parts of the portal, behind one seam.

* ``village_need(codes)`` -> ``{village code: (poor families, families)}``: poor families are
  the active families in desil 1-4 of the village (``poverty_data``), ``families`` all its
  active families;
* ``village_poor_by_round(codes)`` -> ``{village code: [RoundFigure, ...]}`` oldest round first:
  the village's poor families (desil 1-4) as recorded for each round (``poverty_data``'s
  ``VillageRoundStats``, written when the village's submission is finalised or the round closed);
* ``proposer_record(codes)`` -> ``{village code: (classification or None, programmes done)}``:
  the classification (tumbuh, berkembang, maju, percontohan) of the village's Karang Taruna and
  how many of its programmes it reported as done in the registry (``organisations``).

A village missing from the answer means "no data yet": the matching explains it so and never
invents numbers. Each function is one aggregate query whatever the number of codes; the csr
tests replace them with fakes, tests/csr/test_inputs.py tests them on real rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Count, Q

from organisations.models import Organisation, ProgrammeStatus
from poverty_data.models import VillageRoundStats, VillageStats


def village_need(codes: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Poor families (desil 1-4) and all families, active ones only, per village code: one query on
    poverty_data's per-village summaries (``VillageStats``, kept current at every finalisation and
    import), so its cost follows the villages asked for, not their families."""
    codes = list(set(codes))
    if not codes:
        return {}
    rows = VillageStats.objects.filter(village_code__in=codes).values_list("village_code", "poor4", "families")
    return {code: (poor, families) for code, poor, families in rows}


class RoundFigure(NamedTuple):
    round_id: int
    round_name: str
    period_end: dt.date
    poor: int


def village_poor_by_round(codes: Iterable[str]) -> dict[str, list[RoundFigure]]:
    """Poor families (desil 1-4) of each village as recorded per round, oldest round first: one query
    on the round snapshots of the poverty data."""
    codes = sorted(set(codes))
    if not codes:
        return {}
    found: dict[str, list[RoundFigure]] = {}
    rows = (
        VillageRoundStats.objects.filter(village_code__in=codes)
        .order_by("village_code", "round__period_end", "round_id")
        .values_list("village_code", "round_id", "round__name", "round__period_end", "poor4")
    )
    for code, round_id, name, period_end, poor in rows:
        found.setdefault(code, []).append(RoundFigure(round_id, name, period_end, poor))
    return found


def proposer_record(codes: Iterable[str]) -> dict[str, tuple[str | None, int]]:
    """The classification of each village's Karang Taruna and the programmes it reported as done
    (with their realisation) in the registry: one aggregate query."""
    codes = list(set(codes))
    if not codes:
        return {}
    rows = (
        Organisation.objects.filter(region__code__in=codes)
        .values("region__code", "classification")
        .annotate(reported=Count("programmes", filter=Q(programmes__status=ProgrammeStatus.DONE)))
    )
    return {r["region__code"]: (r["classification"] or None, r["reported"]) for r in rows}
