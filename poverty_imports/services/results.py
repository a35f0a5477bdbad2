"""What an import leaves for its uploader: the report of its issues (CSV) and the rows left out, in the
format of the uploaded file (CSV, or XLSX with text cells)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import polars as pl
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from core.exports import safe_cell, xlsx_file

from ..checks import ERROR, WARNING
from ..models import ImportBatch
from ..reader import ImportFileError, read_frames


def report_lines(batch: ImportBatch) -> Iterator[str]:
    """The downloadable report of a batch: one line per issue, in row order, every cell neutralised
    (a message quotes what the file held, and a spreadsheet would run a cell starting with = + - @)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow([_("row"), _("column"), _("severity"), _("message")])
    if batch.file_error:
        writer.writerow(["", "", _("error"), _cell(batch.file_error)])
    yield buffer.getvalue()
    for issues in _chunks(batch.issues.order_by("row", "pk").values_list("row", "column", "severity", "message")):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row, column, severity, message in issues:
            writer.writerow(
                [row or "", _cell(column), _("error") if severity == ERROR else _("warning"), _cell(message)]
            )
        yield buffer.getvalue()


def _chunks(queryset, size: int = 2000):
    chunk = []
    for item in queryset.iterator(chunk_size=size):
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rejected_rows_file(batch: ImportBatch) -> tuple[File, str] | None:
    """The rows that were left out, with the file's own columns plus the reasons, to fix and upload again;
    returned with its extension. An XLSX upload gets an XLSX back whose cells are text (Excel would round a
    16-digit NIK or No. KK read as a number), a CSV upload a CSV. Every cell is neutralised: the rows are
    the uploader's, and may hold formulas."""
    bad_rows: dict[int, list[str]] = defaultdict(list)
    for row, message in batch.issues.filter(severity=ERROR, row__gt=0).values_list("row", "message"):
        bad_rows[row].append(message)
    for row, message in batch.issues.filter(severity=WARNING, column="no_kk", row__gt=0).values_list("row", "message"):
        if message == _("Left out with its family: another row of the family has an error."):
            bad_rows[row].append(message)
    if not bad_rows or not batch.file:
        return None
    wanted = pl.Series(sorted(bad_rows), dtype=pl.Int64)
    lines: list[list[str]] = []
    with batch.file.open("rb") as handle:
        try:
            source, frames = read_frames(handle, village_given=batch.village_id is not None, sheet=batch.sheet or None)
            header = [*(_cell(c) for c in source.columns), "alasan"]
            for frame in frames:
                for values in frame.filter(pl.col("row").is_in(wanted.implode())).iter_rows():
                    row, cells = values[0], values[1:]
                    lines.append([*(_cell(c) for c in cells), _cell(" | ".join(bad_rows[row]))])
        except ImportFileError:
            return None
    if source.kind == "xlsx":
        return File(xlsx_file(header, lines, sheet_title=_("Rejected rows"), text=True)), "xlsx"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(lines)
    return ContentFile(("\ufeff" + out.getvalue()).encode("utf-8")), "csv"


def _cell(value: Any) -> str:
    return str(safe_cell((value or "").strip() if isinstance(value, str) or value is None else value))
