"""The shared list helpers: pagination and ?export=csv|xlsx."""

from __future__ import annotations

import datetime as dt
import io

from django.test import RequestFactory
from openpyxl import load_workbook

from core.exports import export_format, export_response, paginate, safe_cell

ROWS = [['=HYPERLINK("http://x")', "+62 811", "-5", "@SUM(A1)", "Pa' Padi", 12, dt.date(2026, 1, 2)]]
HEADER = ["a", "b", "c", "d", "e", "f", "g"]


def test_formula_cells_are_neutralised():
    assert [safe_cell(v) for v in ROWS[0][:5]] == [
        '\'=HYPERLINK("http://x")',
        "'+62 811",
        "'-5",
        "'@SUM(A1)",
        "Pa' Padi",
    ]
    assert safe_cell(12) == 12 and safe_cell(None) == ""


def test_a_csv_export_streams_with_a_bom_and_neutralised_formulas():
    response = export_response(fmt="csv", filename="Daftar Uji", header=HEADER, rows=iter(ROWS))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffa,b,c")
    assert "'=HYPERLINK" in body and ",'-5," in body and "2026-01-02" in body
    assert response["Content-Disposition"].startswith('attachment; filename="daftar-uji-')


def test_an_xlsx_export_opens_in_a_spreadsheet_with_neutralised_formulas():
    response = export_response(fmt="xlsx", filename="uji", header=HEADER, rows=iter(ROWS))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [c.value for c in next(workbook.active.iter_rows(min_row=2, max_row=2))]
    assert values[:4] == ['\'=HYPERLINK("http://x")', "'+62 811", "'-5", "'@SUM(A1)"]
    assert values[5] == 12


def test_only_known_export_formats_are_honoured():
    rf = RequestFactory()
    assert export_format(rf.get("/", {"export": "csv"})) == "csv"
    assert export_format(rf.get("/", {"export": "xlsx"})) == "xlsx"
    assert export_format(rf.get("/", {"export": "pdf"})) is None
    assert export_format(rf.get("/")) is None


def test_a_bad_page_number_gives_a_page_not_an_error():
    rf = RequestFactory()
    items = list(range(60))
    assert paginate(rf.get("/", {"page": "abc"}), items).number == 1
    assert paginate(rf.get("/", {"page": "999"}), items).number == 3
    assert paginate(rf.get("/", {"page": "-1"}), items).number == 3
