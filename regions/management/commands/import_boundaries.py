from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from regions.models import Level
from regions.services import RegionImportError, boundaries_import, boundaries_parse_geojson


class Command(BaseCommand):
    help = (
        "Import region boundaries from a GeoJSON FeatureCollection (properties.kode = the region code; "
        "optional lat, lng): each region's centroid and a simplified, quantised outline for maps."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="GeoJSON file, UTF-8, [lng, lat] in WGS84 degrees")

    def handle(self, *args, file: Path, **options) -> None:
        try:
            with file.open("rb") as stream:
                rows = boundaries_parse_geojson(stream)
            result = boundaries_import(rows=rows)
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}) from None
        except RegionImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                _("Nothing was imported: the file has %(count)d error(s).") % {"count": len(exc.errors)}
            ) from None
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
