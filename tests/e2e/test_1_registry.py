"""Journey 1: a Karang Taruna officer keeps the organisation's record up to date."""

from __future__ import annotations

import pytest

from .files import tiny_pdf

pytestmark = pytest.mark.e2e


def test_an_officer_updates_the_profile_adds_an_officer_records_a_programme_and_uploads_a_document(journey, tmp_path):
    j = journey
    j.login("pengurus")
    j.shot("home")
    j.follow("Buka Karang Taruna saya")
    assert "Karang Taruna Gunung Putih" in j.page.title()
    j.shot("organisation")

    # The profile.
    j.follow("Ubah profil")
    form = j.page.locator("main form[method=post]")
    form.locator("[name=phone]").fill("0812-5555-0101")
    form.locator("[name=vision]").fill("Pemuda Gunung Putih yang mandiri, peduli dan berdaya.")
    form.locator("[name=estimated_members]").fill("48")
    j.shot("profile-form")
    j.press("Simpan")
    assert "/ubah/" not in j.path(), j.messages()
    assert "Pemuda Gunung Putih yang mandiri, peduli dan berdaya." in j.text()
    assert "0812-5555-0101" in j.text()

    # An officer of the current term.
    j.follow("Tambah pengurus")
    form = j.page.locator("main form[method=post]")
    form.locator("[name=name]").fill("Siti Aminah Lestari")
    form.locator("[name=position]").select_option("anggota")
    form.locator("[name=sex]").select_option("P")
    form.locator("[name=birth_date]").fill("2001-04-17")
    form.locator("[name=phone]").fill("0813-4444-0202")
    j.press("Simpan")
    assert "/pengurus/baru/" not in j.path(), j.messages()
    assert "Siti Aminah Lestari" in j.text()

    # A programme whose funding split must add up to its budget: first a wrong split, then the right one.
    j.follow("Program kerja baru")
    form = j.page.locator("main form[method=post]")
    form.locator("[name=title]").fill("Pelatihan sablon kaos pemuda")
    form.locator("[name=sector]").select_option("entrepreneurship")
    form.locator("[name=year]").fill("2026")
    form.locator("[name=description]").fill("Pelatihan usaha sablon untuk dua puluh pemuda putus sekolah.")
    form.locator("[name=budget]").fill("15000000")
    form.locator("[name=funded_village]").fill("10000000")
    form.locator("[name=funded_swadaya]").fill("2000000")
    j.press("Simpan")
    assert "/program/baru/" in j.path()
    j.shot("programme-split-refused")
    assert "harus berjumlah sama dengan anggarannya (Rp 15.000.000)" in j.text(), j.text()
    form = j.page.locator("main form[method=post]")
    form.locator("[name=funded_csr]").fill("3000000")
    j.press("Simpan")
    assert "/program/baru/" not in j.path(), j.messages()
    assert "Pelatihan sablon kaos pemuda" in j.text()

    # A document.
    j.follow("Unggah dokumen")
    form = j.page.locator("main form[method=post]")
    form.locator("[name=kind]").select_option("report")
    form.locator("[name=title]").fill("Laporan kegiatan triwulan III")
    form.locator("[name=upload]").set_input_files(tiny_pdf(tmp_path / "laporan-triwulan-3.pdf"))
    j.press("Simpan")
    assert "/dokumen/unggah/" not in j.path(), j.messages()
    assert "Laporan kegiatan triwulan III" in j.text()
    j.shot("organisation-updated")

    # The change history records each change, in words (read on demand: htmx puts it in the page).
    j.page.get_by_role("link", name="Tampilkan riwayat perubahan").click()
    j.page.locator("#riwayat-tabel").wait_for()
    history = j.page.locator("#riwayat").inner_text()
    assert "Pemuda Gunung Putih yang mandiri, peduli dan berdaya." in history
    assert "Siti Aminah Lestari" in history and "Pelatihan sablon kaos pemuda" in history
    assert "17-04-2001" in history and "15.000.000" in history and "+00:00" not in history
