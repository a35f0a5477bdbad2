"""Demo data of the regions part: the whole of Kalimantan Utara from the shipped reference data
(regions/data: the region list, the centroids and the boundaries), with their outlines for maps.

The light demo of the tests keeps the excerpt of ``demo_data`` (the villages the tests know) and
stores the outlines of just those regions.
"""

from __future__ import annotations

from pathlib import Path

from .demo_data import DEMO_REGIONS
from .models import Region
from .services import RegionRow, boundaries_import, boundaries_parse_geojson, regions_import, regions_parse_csv

DATA = Path(__file__).resolve().parent / "data"
REGION_LIST = DATA / "kaltara_wilayah.csv"
CENTROIDS = DATA / "kaltara_centroids.csv"
BOUNDARIES = [DATA / f"kaltara_{level}.geojson" for level in ("kabupaten", "kecamatan", "desa")]

# BPS numbers the Kaltara kabupaten differently from Kemendagri (BPS 6501 Malinau = 65.02).
BPS_CODES = {"65": "65", "65.01": "6502", "65.02": "6501", "65.03": "6504", "65.04": "6503", "65.71": "6571"}


def seed(ctx) -> None:
    existing = set(Region.objects.filter(code__in=[c for c, _n in DEMO_REGIONS]).values_list("code", flat=True))
    rows = [RegionRow(line=i, code=c, name=n) for i, (c, n) in enumerate(DEMO_REGIONS, start=1) if c not in existing]
    if rows:
        regions_import(rows=rows)
    if not ctx.light:
        for path in (REGION_LIST, CENTROIDS):
            with path.open("rb") as stream:
                regions_import(rows=regions_parse_csv(stream))
    for code, bps in BPS_CODES.items():
        Region.objects.filter(code=code, bps_code="").update(bps_code=bps)
    missing = set(Region.objects.filter(outline__isnull=True).values_list("code", flat=True))
    for path in BOUNDARIES:
        if missing:
            with path.open("rb") as stream:
                boundaries_import(rows=boundaries_parse_geojson(stream, codes=missing))
    ctx.log(
        f"regions: {Region.objects.count()} in the portal, "
        f"{Region.objects.filter(outline__isnull=False).count()} with an outline"
    )
