"""python manage.py import_regions FILE.csv"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from regions.models import Kind, Level, Region

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
KALTARA = SHARED / "kaltara_wilayah.csv"

GOOD = "kode,nama\n65,Kalimantan Utara\n65.01,Kabupaten Bulungan\n65.01.01,Tanjung Palas\n65.01.01.1001,Tanjung Palas Hulu\n65.01.01.2005,Gunung Putih\n65.71,Kota Tarakan\n"


def run(tmp_path: Path, content: bytes | str, name: str = "wilayah.csv") -> tuple[str, str]:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_regions", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.skipif(not KALTARA.exists(), reason="../shared/data/kaltara_wilayah.csv is not present")
def test_it_imports_the_official_kaltara_list_with_its_levels_and_kinds(db, tmp_path):
    out = io.StringIO()
    call_command("import_regions", str(KALTARA), stdout=out)
    assert Region.objects.count() == 543
    assert Region.objects.filter(level=Level.PROVINCE).count() == 1
    assert Region.objects.filter(level=Level.KABUPATEN_KOTA).count() == 5
    assert Region.objects.filter(level=Level.KECAMATAN).count() == 55
    assert Region.objects.filter(level=Level.DESA_KELURAHAN).count() == 482
    assert Region.objects.filter(kind=Kind.KELURAHAN).count() == 35
    assert Region.objects.filter(kind=Kind.DESA).count() == 447
    assert Region.objects.get(code="65.71").kind == Kind.KOTA
    assert Region.objects.get(code="65.01.01.1001").parent.code == "65.01.01"
    assert "543 wilayah dibaca, 543 berubah" in out.getvalue()
    assert "Desa/kelurahan: 482 baru" in out.getvalue()

    # A second import of the same file changes nothing.
    before = dict(Region.objects.values_list("code", "pk"))
    again = io.StringIO()
    call_command("import_regions", str(KALTARA), stdout=again)
    assert "543 wilayah dibaca, 0 berubah" in again.getvalue()
    assert dict(Region.objects.values_list("code", "pk")) == before


def test_a_second_import_renames_without_duplicating(db, tmp_path):
    run(tmp_path, GOOD)
    out, _ = run(tmp_path, GOOD.replace("Gunung Putih", "Gunung Putih Baru"))
    assert Region.objects.count() == 6
    assert Region.objects.get(code="65.01.01.2005").name == "Gunung Putih Baru"
    assert "1 berganti nama" in out


def test_it_reads_utf8_with_a_bom_and_ignores_extra_columns(db, tmp_path):
    content = (
        "\ufeffkode,nama,tingkat,jenis\n65,Kalimantan Utara,provinsi,\n65.04,Kabupaten Tana Tidung,kab,kabupaten\n"
    )
    run(tmp_path, content)
    assert Region.objects.get(code="65.04").name == "Kabupaten Tana Tidung"


def test_names_keep_their_apostrophes(db, tmp_path):
    run(
        tmp_path,
        "kode,nama\n65,Kalimantan Utara\n65.02,Kabupaten Malinau\n65.02.01,Mentarang\n65.02.01.2001,Pa' Padi\n",
    )
    assert Region.objects.get(code="65.02.01.2001").name == "Pa' Padi"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (GOOD + "65.01.1,Salah\n", "Baris 8: kode “65.01.1” bukan kode wilayah Kemendagri."),
        (GOOD + "65.01.01.12345,Terlalu Panjang\n", "Baris 8: kode “65.01.01.12345” bukan kode wilayah"),
        (GOOD + "65.01,Kabupaten Bulungan Lagi\n", "Baris 8: kode 65.01 muncul lagi (pertama di baris 3)."),
        (GOOD + "65.09.01,Kecamatan Yatim\n", "Baris 8: wilayah 65.09.01 tidak memiliki induk 65.09"),
        ("", "Berkas kosong."),
        ("kode,nama\n", "Berkas hanya berisi judul kolom, tanpa wilayah."),
        ("code,name\n65,Kalimantan Utara\n", "Baris 1: judul kolom tidak memuat kolom kode, nama"),
        (GOOD + "65.01.01.2006,\n", "Baris 8: wilayah 65.01.01.2006 tidak bernama."),
        (
            "kode,nama\n65,Kalimantan Utara\n65.03,Kabupaten Nunukan\n65.03.01,Sebatik\n65.03.01.2001,Tanjung Kar\xe1ng\n".encode(
                "latin-1"
            ),
            "Berkas bukan teks UTF-8 (bita salah pertama di baris 5)",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "Berkas bukan berkas teks CSV."),
    ],
    ids=[
        "malformed-code",
        "long-code",
        "duplicate",
        "orphan",
        "empty",
        "header-only",
        "wrong-header",
        "no-name",
        "wrong-encoding",
        "binary",
    ],
)
def test_a_bad_file_imports_nothing_and_names_the_problem(db, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import_regions", str(path), stdout=io.StringIO(), stderr=err)
    assert "Tidak ada yang diimpor" in str(info.value)
    assert message in err.getvalue()
    assert Region.objects.count() == 0


def test_an_orphan_refuses_the_whole_file_even_when_other_rows_are_good(db, tmp_path):
    run(tmp_path, GOOD)
    with pytest.raises(CommandError):
        run(tmp_path, GOOD.replace("Gunung Putih", "Nama Baru") + "65.02.01.2001,Yatim\n")
    assert Region.objects.get(code="65.01.01.2005").name == "Gunung Putih"
    assert not Region.objects.filter(code="65.02.01.2001").exists()


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Tidak dapat membaca"):
        call_command("import_regions", str(tmp_path / "tidak-ada.csv"))


def test_every_error_line_is_named(db, tmp_path):
    content = GOOD + "65.01.1,A\n65.01.2,B\n65.01,C\n"
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 kesalahan"):
        (tmp_path / "bad.csv").write_text(content, encoding="utf-8")
        call_command("import_regions", str(tmp_path / "bad.csv"), stdout=io.StringIO(), stderr=err)
    assert all(f"Baris {n}:" in err.getvalue() for n in (8, 9, 10))


NATIONAL = SHARED / "indonesia_wilayah.csv"


@pytest.mark.skipif(not NATIONAL.exists(), reason="../shared/data/indonesia_wilayah.csv is not present")
def test_it_imports_the_national_list(db):
    out = io.StringIO()
    call_command("import_regions", str(NATIONAL), stdout=out)
    assert Region.objects.count() == 91_599
    assert Region.objects.filter(level=Level.PROVINCE).count() == 38
    assert Region.objects.filter(level=Level.KABUPATEN_KOTA).count() == 514
    assert Region.objects.filter(level=Level.KECAMATAN).count() == 7_285
    assert Region.objects.filter(level=Level.DESA_KELURAHAN).count() == 83_762
    assert Region.objects.within("65").count() == 543


def test_prefix_queries_on_the_code_have_a_pattern_index_on_postgresql(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'regions_region'")
        definitions = [row[0] for row in cursor.fetchall()]
    assert any("varchar_pattern_ops" in d and "(code" in d for d in definitions), definitions
