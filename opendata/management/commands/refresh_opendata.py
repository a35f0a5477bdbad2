"""Rebuild the published open-data tables from the lower apps' summaries."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from opendata import publish


class Command(BaseCommand):
    help = "Rebuild the open-data tables (areas, figures per closed round, CSR realised) from the summaries."

    def handle(self, *args, **options) -> None:
        s = publish.summaries_refresh()
        self.stdout.write(
            f"{s.areas} areas, {s.releases} published rounds, {s.figures} area figures "
            f"({s.suppressed} counts suppressed), {s.csr_rows} CSR rows."
        )
