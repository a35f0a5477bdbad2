"""Published figures with small counts: a closed round over the shared small region tree."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from opendata import publish
from poverty_data.models import Round, VillageRoundStats
from regions.models import Region

# village: (families, poor desil 1-4)
VILLAGES = {
    "65.01.01.1001": (40, 3),  # a small poor count
    "65.01.01.2005": (50, 20),
    "65.01.02.2001": (30, 27),  # three families not poor: a small complement
    "65.03.01.2001": (4, 2),  # a small village
    "65.71.01.1001": (100, 10),
}


@pytest.fixture
def published(region_tree) -> SimpleNamespace:
    rnd = Round.objects.create(
        name="2026-I",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
        submit_deadline=dt.date(2026, 3, 1),
        verify_deadline=dt.date(2026, 4, 1),
        approve_deadline=dt.date(2026, 5, 1),
        finalise_deadline=dt.date(2026, 6, 1),
        is_open=False,
    )
    # Outlines, so the public map draws every area (the shape does not matter here).
    Region.objects.filter(level__gte=3).update(outline=[[[1000, 1000, 10, 0, 0, 10]]])
    VillageRoundStats.objects.bulk_create(
        VillageRoundStats(round=rnd, village_code=code, families=f, poor4=p, poor5=p, desil_1=p, desil_6=f - p)
        for code, (f, p) in VILLAGES.items()
    )
    summary = publish.summaries_refresh()
    return SimpleNamespace(round=rnd, summary=summary, tree=region_tree)
