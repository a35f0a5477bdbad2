"""The downloadable import templates (CSV and XLSX): the header and two example rows."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from .reader import OPTIONAL, REQUIRED

EXAMPLE_ROWS = [
    {
        "no_kk": "6501010101200001",
        "nik": "6501011203850001",
        "nama": "Budi Santoso",
        "jenis_kelamin": "L",
        "tanggal_lahir": "12-03-1985",
        "hubungan_keluarga": "Kepala Keluarga",
        "kode_desa": "65.01.01.2005",
        "tempat_lahir": "Tanjung Selor",
        "alamat": "Jl. Sengkawit",
        "dusun": "Dusun I",
        "rt": "002",
        "rw": "001",
        "desil": "2",
        "status_kehadiran": "Ada",
    },
    {
        "no_kk": "6501010101200001",
        "nik": "6501014507880002",
        "nama": "Siti Aminah",
        "jenis_kelamin": "P",
        "tanggal_lahir": "05-07-1988",
        "hubungan_keluarga": "Istri",
        "kode_desa": "65.01.01.2005",
        "tempat_lahir": "Tarakan",
        "alamat": "Jl. Sengkawit",
        "dusun": "Dusun I",
        "rt": "002",
        "rw": "001",
        "desil": "2",
        "status_kehadiran": "Ada",
    },
]
COLUMNS = (*REQUIRED, *OPTIONAL)


def template_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in EXAMPLE_ROWS:
        writer.writerow([row.get(c, "") for c in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """An XLSX whose identity columns are formatted as text, so Excel keeps all 16 digits."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append(list(COLUMNS))
    for row in EXAMPLE_ROWS:
        sheet.append([row.get(c, "") for c in COLUMNS])
    for column_letter in ("A", "B"):  # no_kk, nik
        for cell in sheet[column_letter]:
            cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
