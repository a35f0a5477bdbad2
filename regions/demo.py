"""Demo data of the regions part: the excerpt of the official list in ``demo_data``."""

from __future__ import annotations

from .demo_data import DEMO_REGIONS
from .models import Region
from .services import RegionRow, regions_import

# BPS numbers the Kaltara kabupaten differently from Kemendagri (BPS 6501 Malinau = 65.02).
BPS_CODES = {"65": "65", "65.01": "6502", "65.02": "6501", "65.03": "6504", "65.04": "6503", "65.71": "6571"}


def seed(ctx) -> None:
    existing = set(Region.objects.filter(code__in=[c for c, _n in DEMO_REGIONS]).values_list("code", flat=True))
    rows = [RegionRow(line=i, code=c, name=n) for i, (c, n) in enumerate(DEMO_REGIONS, start=1) if c not in existing]
    if rows:
        regions_import(rows=rows)
    for code, bps in BPS_CODES.items():
        Region.objects.filter(code=code, bps_code="").update(bps_code=bps)
    ctx.log(f"regions: {Region.objects.count()} in the portal")
