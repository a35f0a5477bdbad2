"""Writes the corpus of import files beside this script (run it to regenerate; the files are committed)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = "no_kk,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,kode_desa"
ROWS = [
    "6501010101200001,6501011203850001,Budi Santoso,L,12-03-1985,Kepala Keluarga,65.01.01.2005",
    "6501010101200001,6501014507880002,Siti Aminah,P,05/07/1988,Istri,65.01.01.2005",
    "6501010101200001,6501012001150003,Andi Saputra,L,2015-01-20,Anak,65.01.01.2005",
]


def csv_text(rows: list[str], header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def write(name: str, content: str | bytes) -> None:
    (HERE / name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    write("good.csv", csv_text(ROWS))
    write("empty.csv", "")
    write("header_only.csv", HEADER + "\n")
    write(
        "missing_column.csv",
        csv_text(
            [r.rsplit(",", 3)[0] + "," + r.rsplit(",", 2)[1] + "," + r.rsplit(",", 1)[1] for r in ROWS],
            header="no_kk,nik,nama,jenis_kelamin,hubungan_keluarga,kode_desa",
        ),
    )
    write("extra_columns.csv", csv_text([r + ",catatan bebas,9" for r in ROWS], header=HEADER + ",catatan,nomor_urut"))
    write("quoted_newlines.csv", csv_text([r + ',"Jl. Sengkawit\nRT 02"' for r in ROWS], header=HEADER + ",alamat"))
    semicolon_header = "No KK;NIK;Nama;Jenis Kelamin;Tanggal Lahir;Hubungan Keluarga;Kode Desa"
    write("semicolon_bom.csv", "\ufeff" + csv_text([r.replace(",", ";") for r in ROWS], header=semicolon_header))
    write("pipe.csv", csv_text([r.replace(",", "|") for r in ROWS], header=HEADER.replace(",", "|")))
    write("tab.tsv", csv_text([r.replace(",", "\t") for r in ROWS], header=HEADER.replace(",", "\t")))
    write("windows1252.csv", csv_text([ROWS[0].replace("Budi Santoso", "José Muñoz"), *ROWS[1:]]).encode("cp1252"))
    write("duplicate_rows.csv", csv_text([*ROWS, ROWS[1]]))
    write("nik_17_digits.csv", csv_text([ROWS[0], ROWS[1].replace("6501014507880002", "65010145078800021"), ROWS[2]]))
    write("nik_letters.csv", csv_text([ROWS[0], ROWS[1].replace("6501014507880002", "65010145O7880002"), ROWS[2]]))
    write("formula_name.csv", csv_text([ROWS[0], ROWS[1].replace("Siti Aminah", '=HYPERLINK("http://x")'), ROWS[2]]))
    write("bad_date.csv", csv_text([ROWS[0], ROWS[1].replace("05/07/1988", "31-02-1988"), ROWS[2]]))
    write("empty_name.csv", csv_text([ROWS[0], ROWS[1].replace("Siti Aminah", ""), ROWS[2]]))
    write("two_heads.csv", csv_text([ROWS[0], ROWS[1].replace("Istri", "Kepala Keluarga"), ROWS[2]]))
    write(
        "nik_twice.csv",
        csv_text([*ROWS, ROWS[2].replace("Andi Saputra", "Andi Lain").replace("6501010101200001", "6501010101200002")]),
    )
    write("unknown_village.csv", csv_text([r.replace("65.01.01.2005", "65.01.01.2999") for r in ROWS]))
    write("binary.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(range(256)))
    write("password_protected.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"EncryptedPackage")
    good = xlsx_bytes({"Data": [HEADER.split(","), *[r.split(",") for r in ROWS]]})
    write("corrupt.xlsx", good[: len(good) // 2])
    dated = [HEADER.split(",")]
    for r in ROWS:
        cells = r.split(",")
        if cells[1].endswith("0001"):
            cells[4] = dt.datetime(1985, 3, 12)  # noqa: DTZ001 - an Excel date cell has no time zone
        dated.append(cells)
    write("two_sheets.xlsx", xlsx_bytes({"Petunjuk": [["Isi lembar Data"]], "Data": dated}))
    numeric = [
        HEADER.split(","),
        [6501010101200001, 6501011203850001.0, "Budi Santoso", "L", "12-03-1985", "Kepala Keluarga", "65.01.01.2005"],
    ]
    write("nik_as_number.xlsx", xlsx_bytes({"Data": numeric}))


if __name__ == "__main__":
    main()
