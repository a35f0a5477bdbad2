"""Validation of a whole file into a report: rows read, rows valid, and every issue by row and column."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.utils.translation import gettext as _

from .reader import ImportFileError, SourceFile, read_rows
from .validation import ERROR, WARNING, Issue, MemberRecord, RowValidator

MAX_ISSUES_KEPT = 10_000


@dataclass
class ValidationReport:
    source: SourceFile | None = None
    file_error: str = ""
    rows_read: int = 0
    rows_valid: int = 0
    errors: int = 0
    warnings: int = 0
    issues: list[Issue] = field(default_factory=list)
    rejected_rows: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_error and self.errors == 0

    def add(self, issues: list[Issue]) -> None:
        for issue in issues:
            if issue.severity == ERROR:
                self.errors += 1
            else:
                self.warnings += 1
            if len(self.issues) < MAX_ISSUES_KEPT:
                self.issues.append(issue)

    def messages_for(self, column: str) -> list[str]:
        return [i.message for i in self.issues if i.column == column]


def validate_stream(
    stream: IO[bytes],
    *,
    village_lookup: Callable[[str], str],
    village: str | None = None,
    sheet: str | None = None,
    on_record: Callable[[MemberRecord], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ValidationReport:
    """Read and check every row; hand each valid record to ``on_record`` (the importer stages it)."""
    report = ValidationReport()
    try:
        report.source, rows = read_rows(stream, village_given=village is not None, sheet=sheet)
        from .indicators import indicator_parsers

        validator = RowValidator(village_lookup=village_lookup, village=village, extra_parsers=indicator_parsers())
        for row in rows:
            report.rows_read += 1
            record, issues = validator.check(row)
            report.add(issues)
            if record is None:
                report.rejected_rows.append(row.number)
            else:
                report.rows_valid += 1
                if on_record is not None:
                    on_record(record)
            if on_progress is not None and report.rows_read % 10_000 == 0:
                on_progress(report.rows_read)
        report.add(validator.family_issues())
    except ImportFileError as exc:
        report.file_error = exc.message
    return report


def report_csv_lines(report: ValidationReport) -> Iterator[str]:
    """The downloadable report: one line per issue (row, column, severity, message)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow([_("row"), _("column"), _("severity"), _("message")])
    if report.file_error:
        writer.writerow(["", "", _("error"), report.file_error])
    for issue in report.issues:
        writer.writerow(
            [issue.row or "", issue.column, _("error") if issue.severity == ERROR else _("warning"), issue.message]
        )
    yield buffer.getvalue()


__all__ = ["ERROR", "WARNING", "ValidationReport", "report_csv_lines", "validate_stream"]
