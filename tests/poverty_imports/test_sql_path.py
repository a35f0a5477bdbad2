"""The SQL path (PostgreSQL: COPY, then set-wise checks) and the portable path give the same import.

Each file is imported twice in the same database state, once each way, and everything the user
sees is compared: the status, the counts, every issue (row, column, severity, message, in order)
and the changes proposed. The files cover every row check, the corpus of bad files, and the
shapes of CSV that PostgreSQL's reader takes differently from Python's (those go the portable way).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection, transaction

from poverty_data.models import SubmissionChange
from poverty_imports import fastpath
from poverty_imports.reader import ImportFileError
from poverty_imports.services import import_from_path, import_run
from regions.models import Level, Region

from .test_import_service import CORPUS, batch_for

pytestmark = pytest.mark.postgres

H = "no_kk,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,kode_desa"
V = "65.01.01.2005"
KK = "6501010101200001"


def rows(*lines: str, header: str = H) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


CASES = {
    "every row check": rows(
        f"{KK},6501011203850001,Budi,L,12-03-1985,Kepala Keluarga,{V}",
        f",,Kosong,,,,{V}",
        f"65010101012000x1,65010112038500x1,=SUM(A1),X,31-02-1990,Sepupu,{V}",
        f"650101010120000,650101120385000,{'A' * 121},l,1899-12-31,anak,6501012005",
        f"6599010101200001,6599011203850001,Ani,P,01-01-2090,Istri,{V}",
        f"6501010101200000,6501011203850000,Ana,P,12-03-1985,Anak,{V}",
        f"{KK},6501019913850001,Ina,P,12/03/1985,Anak,{V}",
        f"{KK},6501014503850009,Ari,L,12-03-1986,Anak,{V}",
        f"{KK},6401014503850009,Ira,P,05-03-1985,Cucu,{V}",
        f"{KK},6501011203850002,Ida,P,1-2-1990,Anak,65.99.99.9999",
        f"{KK},6501011203850003,Edi,L,2024-2-29,Anak,{V}",
        f"{KK},6501011203850004,Edo,L,2023-2-29,Anak,{V}",
        f"{KK},6501011203850005,Ela,Perempuan,12-03-1985,Menantu,{V}",
    ),
    "optional columns": rows(
        f"{KK},6501011203850001,Budi,L,12-03-1985,Kepala Keluarga,{V},Jl. Satu,Dusun I,001,002,05,Ada,earth,ya,x",
        f"{KK},6501014503850002,Siti,P,05-03-1985,Istri,{V},,,12a,1234,11,Hilang,Marmer,mungkin,",
        f"{KK},6501011203850003,Andi,L,12-03-1985,Anak,{V},,,,,0,,Tanah,tidak,Bantuan Pangan",
        header=f"{H},alamat,dusun,rt,rw,desil,status_kehadiran,floor_type,has_car,other_assistance",
    ),
    "across rows": rows(
        f"{KK},6501011203850001,Budi,L,12-03-1985,Kepala Keluarga,{V}",
        f"{KK},6501011203850001,Budi,L,12-03-1985,Kepala Keluarga,{V}",
        f"{KK},6501014503850002,Siti,P,05-03-1985,Kepala Keluarga,{V}",
        f"{KK},6501014503850002,Sita,P,05-03-1985,Istri,{V}",
        f"{KK},6501011203850003,Andi,L,12-03-1985,Anak,65.01.02.2001",
        f"6501010101200002,6501011203850004,Dodi,L,12-03-1985,Anak,{V}",
    ),
    "another province": rows(
        "6401010101200001,6401011203850001,Budi,L,12-03-1985,Kepala Keluarga,64.01.01.2001",
        "6401010101200001,6501011203850002,Siti,P,12-03-1985,Istri,64.01.01.2001",
        "6401010101200001,6499011203850003,Andi,L,12-03-1985,Anak,64.01.01.2001",
        "6401010101200001,3171011203850004,Dedi,L,12-03-1985,Anak,64.01.01.2001",
    ),
    "crlf, semicolons and a BOM": b"\xef\xbb\xbf"
    + rows(f"{KK};6501011203850001;Budi;L;12-03-1985;Kepala Keluarga;{V}", header=H.replace(",", ";")).replace(
        b"\n", b"\r\n"
    ),
    "windows-1252": rows(
        f"{KK},6501011203850001,Jos\xe9,L,12-03-1985,Kepala Keluarga,{V}".replace("\xe9", "é")
    ).replace("é".encode(), b"\xe9"),
    "blank lines inside and at the end": rows(
        f"{KK},6501011203850001,Budi,L,12-03-1985,Kepala Keluarga,{V}",
        "",
        f"{KK},6501014503850002,Siti,P,05-03-1985,Istri,{V}",
        ",,,,,,",
        "",
    ),
    "a short row": rows(f"{KK},6501011203850001,Budi,L,12-03-1985,Kepala Keluarga"),
    "a line holding only a backslash and a dot": rows(
        f"{KK},6501011203850001,Budi,L,12-03-1985,Kepala Keluarga,{V}",
        "\\.",
        f"{KK},6501014503850002,Siti,P,05-03-1985,Istri,{V}",
    ),
    "a cell longer than the reader takes": rows(
        f"{KK},6501011203850001,{'x' * 140_000},L,12-03-1985,Kepala Keluarga,{V}"
    ),
    "quoted cells": rows(f'{KK},6501011203850001,"Budi, S.Pd",L,12-03-1985,"Kepala ""Keluarga""",{V}'),
}
CORPUS_FILES = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".tsv", ".bin", ".xlsx"))
# The files PostgreSQL reads as Python does: these must not fall back to the portable path.
TAKES_SQL_PATH = {
    "every row check", "optional columns", "across rows", "another province", "crlf, semicolons and a BOM",
    "windows-1252", "quoted cells", "good.csv", "two_heads.csv", "nik_twice.csv", "duplicate_rows.csv",
    "semicolon_bom.csv", "windows1252.csv", "quoted_newlines.csv", "pipe.csv", "tab.tsv", "bad_date.csv",
    "nik_letters.csv", "nik_17_digits.csv", "formula_name.csv", "empty_name.csv", "unknown_village.csv",
    "extra_columns.csv", "missing_column.csv",
}  # fmt: skip
FALLS_BACK = {
    "blank lines inside and at the end", "a short row", "a line holding only a backslash and a dot",
    "a cell longer than the reader takes",
}  # fmt: skip


@pytest.fixture
def other_province(region_tree):
    for code, name, level in (
        ("64", "Kalimantan Timur", Level.PROVINCE),
        ("64.01", "Kabupaten Paser", Level.KABUPATEN_KOTA),
        ("64.01.01", "Batu Sopang", Level.KECAMATAN),
        ("64.01.01.2001", "Batu Kajang", Level.DESA_KELURAHAN),
    ):
        Region.objects.create(code=code, name=name, level=level)


def outcome(import_once) -> tuple:
    """What an import shows, in a savepoint rolled back afterwards (so the next one starts the same)."""
    sid = transaction.savepoint_create()
    try:
        try:
            batch = import_once()
        except ImportFileError as exc:  # refused before a batch exists (the command's exit 1)
            return ("refused", exc.message)
        changes = sorted(
            (c.submission.village_code, c.kind, c.field, repr(c.old_value), repr(c.new_value), repr(c.payload))
            for c in SubmissionChange.objects.select_related("submission")
        )
        return (
            batch.status, batch.file_error, batch.rows_read, batch.rows_valid, batch.errors, batch.warnings,
            batch.families_new, batch.families_corrected, batch.members_added, batch.changes_created,
            batch.submissions, list(batch.issues.values_list("row", "column", "severity", "message")), changes,
        )  # fmt: skip
    finally:
        transaction.savepoint_rollback(sid)


@pytest.fixture
def spy(monkeypatch):
    taken: list[bool] = []
    real = fastpath.stage

    def stage(*args, **kwargs):
        taken.append(real(*args, **kwargs))
        return taken[-1]

    monkeypatch.setattr(fastpath, "stage", stage)
    return taken


def _skip_unless_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the SQL path exists on PostgreSQL only")


@pytest.mark.parametrize("name", [*CASES, *CORPUS_FILES])
@pytest.mark.parametrize("valid_only", [False, True])
def test_both_paths_give_the_same_report_and_changes(
    name, valid_only, families, open_round, other_province, tmp_path, spy
):
    _skip_unless_postgres()
    path = tmp_path / (name if name in CORPUS_FILES else "daftar.csv")
    path.write_bytes((CORPUS / name).read_bytes() if name in CORPUS_FILES else CASES[name])
    portable = outcome(lambda: import_from_path(path=path, round=open_round, valid_only=valid_only, fast=False))
    assert spy == []
    fast = outcome(lambda: import_from_path(path=path, round=open_round, valid_only=valid_only, fast=True))
    assert fast == portable
    if name in TAKES_SQL_PATH:
        assert spy == [True], "read the portable way"
    if name in FALLS_BACK:
        assert spy == [False], "read by COPY"
    assert portable[0] in ("imported", "refused")


def test_a_village_outside_the_officers_area_gets_the_same_message_both_ways(
    officer, pokja, open_round, region_tree, spy
):
    _skip_unless_postgres()
    content = rows(
        f"{KK},6501011203850001,Budi,L,12-03-1985,Kepala Keluarga,{V}",
        "6503010101200001,6503011203850001,Ani,P,12-03-1985,Kepala Keluarga,65.03.01.2001",
    )
    results = [
        outcome(lambda fast=fast: import_run(batch=batch_for(officer, open_round, content), fast=fast))
        for fast in (False, True)
    ]
    assert results[0] == results[1]
    assert spy == [True]
    assert ("kode_desa", "error", "Desa 65.03.01.2001 berada di luar wilayah Anda.") in [i[1:] for i in results[0][11]]


def test_an_import_named_for_one_village_fills_and_checks_the_code_both_ways(
    officer, pokja, open_round, region_tree, spy
):
    _skip_unless_postgres()
    content = rows(
        f"{KK},6501011203850001,Budi,L,12-03-1985,Kepala Keluarga,",
        f"{KK},6501014503850002,Siti,P,05-03-1985,Istri,65.01.02.2001",
    )
    results = [
        outcome(
            lambda fast=fast: import_run(
                batch=batch_for(officer, open_round, content, village=region_tree.village), fast=fast
            )
        )
        for fast in (False, True)
    ]
    assert results[0] == results[1]
    assert spy == [True]
    assert [i[:2] for i in results[0][11] if i[2] == "error"] == [(3, "kode_desa")]


def test_a_large_generated_file_gives_the_same_changes_both_ways(open_round, region_tree, tmp_path, spy):
    _skip_unless_postgres()
    from bench.poverty_file import write_members

    path: Path = tmp_path / "besar.csv"
    write_members(path, 3000, ["65.01.01.2005", "65.01.02.2001", "65.03.01.2001"])
    portable = outcome(lambda: import_from_path(path=path, round=open_round, fast=False))
    fast = outcome(lambda: import_from_path(path=path, round=open_round, fast=True))
    assert spy == [True]
    assert portable == fast
    assert portable[0] == "imported" and portable[3] == 3000


def test_an_import_failing_on_the_way_leaves_no_held_rows_nor_session_settings(
    open_round, region_tree, tmp_path, monkeypatch
):
    _skip_unless_postgres()
    path = tmp_path / "daftar.csv"
    path.write_bytes(rows(f"{KK},6501011203850001,Budi,L,12-03-1985,Kepala Keluarga,{V}"))

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(fastpath, "new_families", broken)
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
    with pytest.raises(RuntimeError):
        import_from_path(path=path, round=open_round, fast=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('pg_temp.import_checked'), current_setting('work_mem')")
        assert cursor.fetchone() == (None, work_mem)
