"""Journey 2: the village's Pokja (the officer) prepares this round's submission and submits it.

Journey 3 reviews the submission this journey submits: run them in order (make e2e does).
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e

HEADER = "no_kk,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,kode_desa,dusun,rt,rw,desil"
FAMILY = "6501010101269902"
ROWS = [
    f"{FAMILY},6501012208879903,Yusuf Efendi,L,22-08-1987,Kepala Keluarga,65.01.01.2005,Dusun II,004,002,2",
    f"{FAMILY},6501016111899904,Marlina Efendi,P,21-11-1989,Istri,65.01.01.2005,Dusun II,004,002,2",
]
BAD_CHILD = f"{FAMILY},65010115061599,Rafi Efendi,L,15-06-2015,Anak,65.01.01.2005,Dusun II,004,002,2"
GOOD_CHILD = f"{FAMILY},6501011506159905,Rafi Efendi,L,15-06-2015,Anak,65.01.01.2005,Dusun II,004,002,2"


def _upload(j, path) -> None:
    form = j.page.locator("main form[method=post]")
    form.locator("[name=file]").set_input_files(path)
    j.press("Periksa dan impor")
    # The worker checks the file; the page follows it (htmx) until it is done.
    j.page.wait_for_function(
        "() => !document.querySelector('progress')",
        timeout=30_000,
    )


def test_the_officer_corrects_and_adds_families_imports_a_list_and_submits(journey, tmp_path):
    j = journey
    j.login("pengurus", phone=True)
    j.follow(re.compile(r"Desa Gunung Putih: ajukan"))
    assert j.path().startswith("/data-kemiskinan/pengajuan/")
    submission = j.path()
    j.shot("submission-draft")

    # Correct a family: a new RT and the assistance it now receives.
    j.follow("Perbaiki")
    form = j.page.locator("main form[method=post]")
    form.locator("[name=rt]").fill("007")
    form.locator("[name=receives_sembako]").check()
    j.shot("family-correction")
    j.press("Simpan di draf")
    assert j.path() == submission, j.messages()

    # Add a family with its head and spouse.
    j.follow("Tambah keluarga baru")
    form = j.page.locator("main form[method=post]")
    form.locator("[name=no_kk]").fill("6501010101269901")
    form.locator("[name=dusun]").fill("Dusun I")
    form.locator("[name=rt]").fill("003")
    form.locator("[name=rw]").fill("001")
    form.locator("[name=street]").fill("Jl. Poros Gunung Putih")
    form.locator("[name=desil]").fill("1")
    for prefix, nik, name, sex, born, relation in [
        ("m0", "6501011203909901", "Hendra Wijaya", "L", "1990-03-12", "head"),
        ("m1", "6501014507929902", "Dewi Kartika", "P", "1992-07-05", "spouse"),
    ]:
        form.locator(f"[name={prefix}-nik]").fill(nik)
        form.locator(f"[name={prefix}-name]").fill(name)
        form.locator(f"[name={prefix}-sex]").select_option(sex)
        form.locator(f"[name={prefix}-birth_date]").fill(born)
        form.locator(f"[name={prefix}-relationship]").select_option(relation)
    j.shot("new-family")
    j.press("Simpan di draf")
    assert j.path() == submission, j.messages()
    assert "Hendra Wijaya" in j.text()
    # On the phone the proposed No. KK is read in full on one line: its table scrolls sideways in its own
    # box (the page does not), and scrolled to it the whole number is on the screen.
    cell = j.page.locator("main section.card td", has_text="6501010101269901").first
    cell.scroll_into_view_if_needed()
    box = cell.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["height"] < 40, box
    assert j.page.evaluate("document.documentElement.scrollWidth") <= 360

    # Import a list with one bad row: nothing is imported and the report names the row.
    j.follow("Impor daftar (CSV/XLSX)")
    bad = tmp_path / "daftar-dusun-2.csv"
    bad.write_text("\n".join([HEADER, *ROWS, BAD_CHILD]) + "\n", encoding="utf-8")
    _upload(j, bad)
    j.shot("import-refused")
    report = j.text()
    assert "Ditolak" in report or "ditolak" in report, report
    rows = j.page.locator("main table tbody tr")
    assert rows.count() >= 1
    first = rows.first.inner_text()
    assert first.startswith("4") and "nik" in first, first

    # Fix the row and upload again.
    j.follow("Unggah lagi")
    good = tmp_path / "daftar-dusun-2-diperbaiki.csv"
    good.write_text("\n".join([HEADER, *ROWS, GOOD_CHILD]) + "\n", encoding="utf-8")
    # The second upload keeps the village of the first.
    assert j.page.locator("main form [name=village]").input_value() == "65.01.01.2005"
    _upload(j, good)
    j.shot("import-done")
    assert j.page.locator(".alert-success").count() == 1, j.text()

    # Back to the submission, which now holds the imported family, and submit it.
    j.follow("Desa Gunung Putih")
    assert j.path() == submission
    assert "Yusuf Efendi" in j.text() and "Rafi Efendi" in j.text()
    j.press("Ajukan kepada kepala desa")
    assert "Diajukan kepada kepala desa" in j.messages(), j.messages()
    j.shot("submitted")
