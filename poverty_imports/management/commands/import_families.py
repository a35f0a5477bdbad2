"""python manage.py import_families FILE --round ROUND [--village CODE] [--valid-only] [--report PATH]

Exit status: 0 imported, 1 refused for its contents (the error count and the report path
are printed), 2 a usage error (no such file, round or village). Never a half-imported file.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from poverty_data.models import Round
from poverty_imports.models import ImportStatus
from poverty_imports.reader import ImportFileError
from poverty_imports.services import import_from_path, report_lines
from regions.models import Level, Region


class Command(BaseCommand):
    help = "Import a poverty list (CSV or XLSX, one row per member) into the draft submissions of a round."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--round", required=True, help="the round's id or exact name")
        parser.add_argument("--village", help="the village code when the file is for one village")
        parser.add_argument("--valid-only", action="store_true", help="import the valid rows, leave out the rest")
        parser.add_argument("--sheet", default="", help="the XLSX sheet (default: the first)")
        parser.add_argument("--report", type=Path, help="write the row-by-row report (CSV) here")

    def handle(self, *args, file: Path, round: str, village: str | None, valid_only: bool, sheet: str,  # noqa: A002
               report: Path | None, **options) -> None:  # fmt: skip
        if not file.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file}, returncode=2)
        chosen = Round.objects.filter(pk=int(round)).first() if round.isdigit() else None
        chosen = chosen or Round.objects.filter(name=round).first()
        if chosen is None:
            raise CommandError(_("No such round: %(round)s") % {"round": round}, returncode=2)
        region = None
        if village:
            region = Region.objects.filter(code=village, level=Level.DESA_KELURAHAN).first()
            if region is None:
                raise CommandError(_("%(code)s is not a known village code.") % {"code": village}, returncode=2)
        started = time.perf_counter()

        def progress(done: int, message: str) -> None:
            if done and done % 100_000 == 0:
                self.stderr.write(f"{done:,} …")

        try:
            batch = import_from_path(
                path=file, round=chosen, village=region, valid_only=valid_only, sheet=sheet, on_progress=progress,
            )  # fmt: skip
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=2) from None
        except ImportFileError as exc:
            raise CommandError(exc.message, returncode=1) from None
        seconds = time.perf_counter() - started
        if report is not None:
            with report.open("w", encoding="utf-8", newline="") as out:
                for chunk in report_lines(batch):
                    out.write(chunk)
        summary = _("%(rows)d rows read, %(valid)d imported, %(errors)d errors, %(warnings)d warnings in %(seconds).1f s.") % {
            "rows": batch.rows_read, "valid": batch.rows_valid, "errors": batch.errors, "warnings": batch.warnings,
            "seconds": seconds,
        }  # fmt: skip
        if batch.status != ImportStatus.IMPORTED:
            self.stderr.write(batch.file_error or summary)
            where = str(report) if report else _("(use --report PATH to write it)")
            self.stderr.write(_("Refused: nothing was imported. Report: %(where)s") % {"where": where})
            sys.exit(1)
        self.stdout.write(summary)
        self.stdout.write(
            _("%(changes)d changes in %(villages)d submission(s): %(new)d new families, %(corrected)d corrected, %(added)d members added.")
            % {"changes": batch.changes_created, "villages": batch.submissions, "new": batch.families_new,
               "corrected": batch.families_corrected, "added": batch.members_added}
        )  # fmt: skip
