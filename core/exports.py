"""Lists: pagination and the ``?export=csv`` / ``?export=xlsx`` convention of every list page.

A list view builds its filtered queryset, then either renders a page or, when
``export_format(request)`` says so, returns ``export_response(...)`` with the same rows.
Exports stream: CSV row by row, XLSX through openpyxl's write-only mode into a
spooled temporary file (``xlsx_file``, also for other downloads), so memory stays bounded. Cells that a spreadsheet would read
as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) are
neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .db_router import iterate_on_replica

FORMATS = ("csv", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PER_PAGE = 25


def export_format(request: HttpRequest) -> str | None:
    """'csv' or 'xlsx' when the request asks for an export; None otherwise (unknown values too)."""
    value = request.GET.get("export", "")
    return value if value in FORMATS else None


def paginate(request: HttpRequest, object_list: Any, per_page: int = PER_PAGE) -> Page:
    """The requested page; a missing, malformed or too-large page number gives the nearest page."""
    return Paginator(object_list, per_page).get_page(request.GET.get("page"))


def safe_cell(value: Any) -> Any:
    """A value ready for a spreadsheet cell: formulas neutralised, aware datetimes made local."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, (int, float, Decimal, dt.date)):
        return value
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel opens UTF-8 CSV correctly only with a BOM
    yield writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([_csv_text(safe_cell(v)) for v in row])


def _csv_text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def export_response(
    *, fmt: str, filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], sheet_title: str = "Data"
) -> StreamingHttpResponse | FileResponse:
    """A download of ``rows`` under ``header`` as CSV or XLSX; ``rows`` is consumed lazily."""
    rows = iterate_on_replica(rows)  # exports may be a moment old: read them from the replica, if any
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    base = f"{slugify(filename) or 'export'}-{stamp}"
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_lines(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{base}.csv"'
        return response
    if fmt != "xlsx":
        raise ValueError(fmt)
    spool = xlsx_file(header, rows, sheet_title=sheet_title)
    return FileResponse(spool, as_attachment=True, filename=f"{base}.xlsx", content_type=XLSX_CONTENT_TYPE)


def xlsx_file(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Data", text: bool = False
) -> tempfile.SpooledTemporaryFile:
    """``rows`` under ``header`` as an XLSX workbook (openpyxl write-only), rewound; cells neutralised.

    ``text=True`` writes every cell as text in a text-formatted ("@") cell, so Excel keeps a
    16-digit NIK or No. KK whole (a number cell keeps only 15 significant digits), also when the
    user edits the cell and saves the file again.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append([safe_cell(h) for h in header])
    for row in rows:
        if text:
            sheet.append([_text_cell(sheet, v) for v in row])
        else:
            sheet.append([safe_cell(v) for v in row])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - the caller closes it
    workbook.save(spool)
    spool.seek(0)
    return spool


def _text_cell(sheet: Any, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=str(_csv_text(safe_cell(value))))
    cell.number_format = "@"
    return cell
