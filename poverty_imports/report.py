"""Checking a whole file without importing it: rows read, rows valid, and every issue by row and column.

The same engine as the import (``reader.read_frames``, ``checks``), minus the checks against the portal's
data: what the template page and the tests use to say what is wrong with a file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import IO

import polars as pl
from django.utils.translation import gettext as _

from core.exports import safe_cell
from regions.models import Level, Region

from . import checks
from .checks import ERROR, WARNING
from .reader import ImportFileError, SourceFile, read_frames


@dataclass(frozen=True)
class Issue:
    row: int
    column: str
    severity: str
    message: str


@dataclass
class ValidationReport:
    source: SourceFile | None = None
    file_error: str = ""
    rows_read: int = 0
    rows_valid: int = 0
    errors: int = 0
    warnings: int = 0
    issues: list[Issue] = field(default_factory=list)
    records: list[SimpleNamespace] = field(default_factory=list)  # the valid rows' clean values
    rejected_rows: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_error and self.errors == 0

    def messages_for(self, column: str) -> list[str]:
        return [i.message for i in self.issues if i.column == column]


def validate_stream(
    stream: IO[bytes],
    *,
    village_lookup: Callable[[str], str],
    village: str | None = None,
    sheet: str | None = None,
    kecamatan: set[str] | None = None,
    on_record: Callable[[SimpleNamespace], None] | None = None,
) -> ValidationReport:
    """Read and check every row (each row alone, then the rows together).

    ``village_lookup(code)``: "ok", "unknown" or "out_of_scope"; ``kecamatan``: the known kecamatan codes
    (the portal's when not given).
    """
    if kecamatan is None:
        kecamatan = set(Region.objects.filter(level=Level.KECAMATAN).values_list("code", flat=True))
    rules = checks.Rules(
        village_state=lambda codes: {code: village_lookup(code) for code in codes}, kecamatan=kecamatan, village=village
    )
    report = ValidationReport()
    found: list[pl.DataFrame] = []
    try:
        report.source, frames = read_frames(stream, village_given=rules.village is not None, sheet=sheet)
    except ImportFileError as exc:
        report.file_error = exc.message
        return report
    result = checks.check_frames(frames, report.source, rules, on_batch=found.append)
    report.rows_read = result.rows_read
    if result.file_error:
        report.file_error = result.file_error
        return report
    rows, across = checks.check_across(result.rows)
    issues = pl.concat([*found, *across]).sort("row", "ord", maintain_order=True)
    report.issues = [
        Issue(r, c, s, m) for r, _o, c, s, m in issues.select("row", "ord", "column", "severity", "message").iter_rows()
    ]
    report.errors = sum(1 for i in report.issues if i.severity == ERROR)
    report.warnings = len(report.issues) - report.errors
    valid = rows.filter(pl.col("valid")).sort("row")
    report.rows_valid = valid.height
    report.records = [SimpleNamespace(**{k: v for k, v in r.items() if not k.startswith("x_")},
                                      extra={k[2:]: v for k, v in r.items() if k.startswith("x_") and v is not None})
                      for r in valid.drop("valid", "raw_kk").to_dicts()]  # fmt: skip
    report.rejected_rows = rows.filter(~pl.col("valid")).sort("row").get_column("row").to_list()
    if on_record is not None:
        for record in report.records:
            on_record(record)
    return report


def report_csv_lines(report: ValidationReport) -> Iterator[str]:
    """The downloadable report: one line per issue (row, column, severity, message), every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow([_("row"), _("column"), _("severity"), _("message")])
    if report.file_error:
        writer.writerow(["", "", _("error"), safe_cell(report.file_error)])
    for issue in report.issues:
        writer.writerow(
            [issue.row or "", safe_cell(issue.column), _("error") if issue.severity == ERROR else _("warning"),
             safe_cell(issue.message)]
        )  # fmt: skip
    yield buffer.getvalue()


__all__ = ["ERROR", "WARNING", "Issue", "ValidationReport", "report_csv_lines", "validate_stream"]
