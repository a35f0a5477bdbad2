from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from regions.models import Level
from regions.services import RegionImportError, regions_import, regions_parse_csv


class Command(BaseCommand):
    help = "Import the Kemendagri region list from a CSV file with columns kode,nama (extra columns ignored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file, UTF-8 with or without BOM")

    def handle(self, *args, file: Path, **options) -> None:
        try:
            with file.open("rb") as stream:
                rows = regions_parse_csv(stream)
            result = regions_import(rows=rows)
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}) from None
        except RegionImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                _("Nothing was imported: the file has %(count)d error(s).") % {"count": len(exc.errors)}
            ) from None

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
