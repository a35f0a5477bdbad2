"""Reading and validating the lists villages hold: the corpus of good and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from poverty_imports.report import report_csv_lines, validate_stream

CORPUS = Path(__file__).resolve().parent / "import_corpus"
HOME_VILLAGE = "65.01.01.2005"


def lookup(code: str) -> str:
    return {"65.01.01.2005": "ok", "65.03.01.2001": "out_of_scope"}.get(code, "unknown")


def validate(name: str, **kwargs):
    records = []
    with (CORPUS / name).open("rb") as stream:
        report = validate_stream(
            stream, village_lookup=kwargs.pop("village_lookup", lookup), on_record=records.append, **kwargs
        )
    return report, records


@pytest.mark.parametrize(
    "name",
    [
        "good.csv",
        "semicolon_bom.csv",
        "pipe.csv",
        "tab.tsv",
        "extra_columns.csv",
        "quoted_newlines.csv",
        "windows1252.csv",
    ],
)
def test_a_well_formed_list_is_read_whatever_its_delimiter_and_encoding(db, region_tree, name):
    report, records = validate(name)
    assert report.ok, report.issues
    assert (report.rows_read, report.rows_valid, report.errors) == (3, 3, 0)
    assert [r.nik for r in records] == ["6501011203850001", "6501014507880002", "6501012001150003"]
    assert [r.relationship for r in records] == ["head", "spouse", "child"]
    assert records[1].birth_date.isoformat() == "1988-07-05" and records[1].sex == "P"
    assert records[2].birth_date.isoformat() == "2015-01-20"


def test_windows_1252_names_keep_their_letters(db, region_tree):
    report, records = validate("windows1252.csv")
    assert report.source.encoding == "cp1252"
    assert records[0].name == "José Muñoz"


def test_excels_unicode_text_export_utf16_with_tabs_is_read(db, region_tree):
    import io

    text = (CORPUS / "tab.tsv").read_text(encoding="utf-8-sig")
    for encoding in ("utf-16-le", "utf-16-be"):
        bom = "\ufeff".encode(encoding)
        report = validate_stream(io.BytesIO(bom + text.encode(encoding)), village_lookup=lookup)
        assert report.ok, report.issues
        assert (report.source.encoding, report.source.delimiter, report.rows_valid) == ("utf-16", "\t", 3)


def test_a_file_that_is_neither_utf8_nor_windows_1252_gets_a_clear_message(db, region_tree):
    import io

    data = b"no_kk,nik,nama\n6501010101200001,\x81\x8d\x8f\x90\x9d,Budi\n"
    report = validate_stream(io.BytesIO(data), village_lookup=lookup)
    assert report.file_error.startswith("Berkas ini bukan teks yang dapat dibaca")


def test_semicolon_csv_with_a_bom_matches_headers_ignoring_case_and_spaces(db, region_tree):
    report, _ = validate("semicolon_bom.csv")
    assert report.source.delimiter == ";" and report.source.encoding == "utf-8-sig"
    assert report.source.columns[:2] == ("no_kk", "nik")


def test_extra_columns_are_ignored_and_named(db, region_tree):
    report, _ = validate("extra_columns.csv")
    assert report.source.ignored_columns == ("catatan", "nomor_urut")


def test_a_quoted_newline_stays_inside_its_cell(db, region_tree):
    report, records = validate("quoted_newlines.csv")
    assert records[0].address == "Jl. Sengkawit\nRT 02"


def test_an_xlsx_sheet_named_in_the_upload_is_read_with_its_date_cells(db, region_tree):
    report, records = validate("two_sheets.xlsx", sheet="Data")
    assert report.ok and report.source.kind == "xlsx"
    assert records[0].birth_date.isoformat() == "1985-03-12"
    missing, _ = validate("two_sheets.xlsx", sheet="Tidak Ada")
    assert "Lembar “Tidak Ada” tidak ada di berkas" in missing.file_error


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "Berkas kosong."),
        ("header_only.csv", "Berkas hanya berisi judul kolom, tanpa baris data."),
        ("missing_column.csv", "Kolom wajib tidak ada: tanggal_lahir."),
        ("binary.bin", "Berkas bukan berkas CSV atau XLSX (berisi data biner)."),
        ("password_protected.xlsx", "dilindungi kata sandi"),
        ("corrupt.xlsx", "Berkas Excel rusak dan tidak dapat dibaca"),
    ],
)
def test_a_file_that_cannot_be_read_gets_one_clear_message(db, region_tree, name, message):
    report, records = validate(name)
    assert message in report.file_error
    assert not report.ok and records == []


@pytest.mark.parametrize(
    ("name", "row", "column", "message"),
    [
        ("duplicate_rows.csv", 5, "", "Baris ini sama persis dengan baris 3."),
        ("nik_17_digits.csv", 3, "nik", "NIK harus 16 digit, bukan 17."),
        ("nik_letters.csv", 3, "nik", "NIK hanya boleh berisi angka."),
        ("formula_name.csv", 3, "nama", "Nama diawali =, yang dibaca spreadsheet sebagai rumus; hapus tanda itu."),
        ("bad_date.csv", 3, "tanggal_lahir", "“31-02-1988” bukan tanggal"),
        ("empty_name.csv", 3, "nama", "Nama kosong."),
        ("two_heads.csv", 3, "hubungan_keluarga", "Keluarga ini sudah memiliki kepala keluarga di baris 2."),
        ("nik_twice.csv", 5, "nik", "NIK ini sudah muncul di baris 4."),
        ("unknown_village.csv", 2, "kode_desa", "65.01.01.2999 bukan kode desa yang dikenal."),
        ("nik_as_number.xlsx", 2, "nik", "disimpan sebagai angka di Excel"),
    ],
)
def test_a_bad_row_is_named_by_row_and_column_with_its_specific_message(db, region_tree, name, row, column, message):
    report, records = validate(name)
    assert not report.ok
    matching = [i for i in report.issues if i.row == row and i.column == column and message in i.message]
    assert matching, [(i.row, i.column, i.message) for i in report.issues]
    assert row in report.rejected_rows
    assert report.rows_valid == report.rows_read - len(report.rejected_rows)


def test_a_village_outside_the_uploaders_area_is_refused(db, region_tree):
    report, records = validate("good.csv", village_lookup=lambda code: "out_of_scope")
    assert report.errors == 3 and records == []
    assert "Desa 65.01.01.2005 berada di luar wilayah Anda." in report.messages_for("kode_desa")


def test_kode_desa_may_be_left_out_when_the_import_names_one_village(db, region_tree):
    report, records = validate("missing_column.csv", village=HOME_VILLAGE)
    assert "tanggal_lahir" in report.file_error  # still required
    (CORPUS / "no_village_column.csv").write_text(
        "no_kk,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga\n"
        "6501010101200001,6501011203850001,Budi Santoso,L,12-03-1985,Kepala Keluarga\n"
    )
    try:
        report, records = validate("no_village_column.csv", village=HOME_VILLAGE)
        assert report.ok and records[0].village_code == HOME_VILLAGE
    finally:
        (CORPUS / "no_village_column.csv").unlink()


def test_a_nik_disagreeing_with_the_birth_date_is_a_warning_not_an_error(db, region_tree, tmp_path):
    path = tmp_path / "warn.csv"
    path.write_text(
        "no_kk,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,kode_desa\n"
        "6501010101200001,6501011203850001,Budi Santoso,L,13-03-1985,Kepala Keluarga,65.01.01.2005\n"
    )
    with path.open("rb") as stream:
        report = validate_stream(stream, village_lookup=lookup)
    assert report.ok and report.warnings == 1
    assert "berbeda dengan tanggal lahir 13-03-1985" in report.issues[0].message


def test_the_report_lists_every_issue_with_row_and_column(db, region_tree):
    report, _ = validate("two_heads.csv")
    text = "".join(report_csv_lines(report))
    assert text.startswith("\ufeffbaris,kolom,tingkat,pesan")
    assert "3,hubungan_keluarga,galat,Keluarga ini sudah memiliki kepala keluarga di baris 2." in text


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_downloadable_templates_pass_their_own_checks(db, region_tree, kind):
    import io

    from poverty_imports.template import COLUMNS, template_csv, template_xlsx

    data = template_csv() if kind == "csv" else template_xlsx()
    records = []
    report = validate_stream(io.BytesIO(data), village_lookup=lookup, on_record=records.append)
    assert report.ok and report.warnings == 0 and report.rows_valid == 2
    assert report.source.columns == COLUMNS
    assert records[0].desil == 2 and records[0].rt == "002" and records[0].presence == "here"
