"""python manage.py refresh_poverty_stats [--region CODE]: rebuild the per-village summaries.

The services keep ``VillageStats`` current; run this after master data was written outside
them (a raw import, a fix in the shell), or to repair the table.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from poverty_data.stats import village_stats_refresh
from regions.models import Region


class Command(BaseCommand):
    help = "Recompute the poverty statistics of every village (or of one region) from the families and members."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="only the villages of this region code, e.g. 65.01")

    def handle(self, *args, region: str | None, **options) -> None:
        if region and not Region.objects.filter(code=region).exists():
            raise CommandError(f"unknown region code: {region}")
        started = time.perf_counter()
        written = village_stats_refresh(region=region)
        self.stdout.write(
            f"village statistics refreshed: {written} villages with families "
            f"({region or 'all regions'}) in {time.perf_counter() - started:.1f} s"
        )
