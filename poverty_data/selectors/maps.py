"""The poverty maps' figures: the dashboard's choropleth and the village page's locator (regions only, no family)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, Sum
from django.db.models.functions import Substr

from accounts import policy
from regions.models import Level, Region

from ..models import VillageStats


def dashboard_map(*, user: Any, region: Region | None) -> dict[str, Any]:
    """The poverty dashboard's map: families and desil 1-4 families per kecamatan (for the province)
    or per village (for a kabupaten or kecamatan), from the same per-village summaries and scope
    as ``dashboard``, with the regions to draw: those holding figures and those in the user's scope."""
    scope = policy.scope_q(user, "poverty.dashboard", region_field="village_code")
    stats = VillageStats.objects.filter(scope)
    if region is not None:
        stats = stats.in_region(region.code)
    level = Level.KECAMATAN if region is None or region.level == Level.PROVINCE else Level.DESA_KELURAHAN
    length = 8 if level == Level.KECAMATAN else 13
    figures = {
        row["group"]: row
        for row in stats.filter(families__gt=0)
        .annotate(group=Substr("village_code", 1, length))
        .order_by()
        .values("group")
        .annotate(total=Sum("families"), poor4=Sum("poor4"))
    }
    regions = Region.objects.filter(level=level)
    if region is not None:
        regions = regions.below(region.code)
    regions = regions.filter(Q(code__in=list(figures)) | policy.scope_q(user, "poverty.dashboard", region_field="code"))
    return {"level": level, "figures": figures, "regions": regions}


def village_locator(*, village: Region) -> dict[str, Any]:
    """The small map of the village page: the kabupaten/kota of the province around the village."""
    return {
        "village": village,
        "kabupaten": Region.objects.filter(level=Level.KABUPATEN_KOTA, code__startswith=village.code[:3]),
        "own": village.code[:5],
    }
