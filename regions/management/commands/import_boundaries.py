from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from regions.management.file_import import import_file
from regions.models import Level
from regions.services import boundaries_import, boundaries_parse_geojson


class Command(BaseCommand):
    help = (
        "Import region boundaries from a GeoJSON FeatureCollection (properties.kode = the region code; "
        "optional lat, lng): each region's centroid and a simplified, quantised outline for maps."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="GeoJSON file, UTF-8, [lng, lat] in WGS84 degrees")

    def handle(self, *args, file: Path, **options) -> None:
        result = import_file(file, boundaries_parse_geojson, boundaries_import, self.stderr)
        for level in sorted(result.by_level):
            self.stdout.write(
                _("%(level)s: %(count)d outlines stored")
                % {"level": Level(level).label, "count": result.by_level[level]}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("%(total)d boundaries read, %(changed)d changed.")
                % {"total": result.updated + result.unchanged, "changed": result.updated}
            )
        )
