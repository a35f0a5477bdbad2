"""An XLSX download with its metadata: the data sheet, then a "Metadata" sheet (openpyxl)."""

from __future__ import annotations

import tempfile

from django.http import FileResponse
from openpyxl import Workbook

from core.exports import safe_cell


def workbook_response(*, filename: str, header: list[str], rows: list[list], metadata: dict) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Data")
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    meta = workbook.create_sheet(title="Metadata")
    for key, value in metadata.items():
        if key == "columns":
            continue
        meta.append([key, safe_cell(value)])
    meta.append([])
    for name, text in metadata["columns"].items():
        meta.append([name, safe_cell(text)])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
