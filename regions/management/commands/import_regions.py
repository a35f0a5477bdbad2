from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from regions.management.file_import import import_file
from regions.models import Level
from regions.services import regions_import, regions_parse_csv


class Command(BaseCommand):
    help = "Import the Kemendagri region list from a CSV file with columns kode,nama (extra columns ignored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file, UTF-8 with or without BOM")

    def handle(self, *args, file: Path, **options) -> None:
        result = import_file(file, regions_parse_csv, regions_import, self.stderr)

        for level in sorted(result.counts):
            c = result.counts[level]
            self.stdout.write(
                _("%(level)s: %(created)d new, %(updated)d renamed, %(unchanged)d unchanged")
                % {"level": Level(level).label, "created": c.created, "updated": c.updated, "unchanged": c.unchanged}
            )
            if c.located:
                self.stdout.write(
                    _("%(level)s: %(count)d centroids stored") % {"level": Level(level).label, "count": c.located}
                )
        self.stdout.write(
            self.style.SUCCESS(
                _("%(total)d regions read, %(changed)d changed.") % {"total": result.total, "changed": result.changed}
            )
        )
