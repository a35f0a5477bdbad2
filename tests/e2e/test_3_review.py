"""Journey 3: the review chain of the submission journey 2 submitted, up to the family's new version.

village head verifies (minutes attached) -> kabupaten returns it with a reason -> the officer fixes
and submits again -> verified again -> kabupaten approves -> province finalises.
"""

from __future__ import annotations

import re

import pytest

from .files import tiny_pdf

pytestmark = pytest.mark.e2e

REASON = "RT keluarga yang diperbaiki belum sesuai KK; mohon diperiksa lagi."


def _open_from_queue(j) -> None:
    j.menu("Data kemiskinan", "Antrean pemeriksaan")
    rows = j.page.locator("main section.card", has_text="Desa Gunung Putih")
    assert rows.count() == 1, "the submission of journey 2 is not in the queue (run the journeys in order)"
    j.click(rows.first.get_by_role("link", name="Desa Gunung Putih"))
    assert j.path().startswith("/data-kemiskinan/pengajuan/")


def _verify(j, minutes) -> None:
    j.login("kades", phone=True)
    _open_from_queue(j)
    j.page.locator("main form input[name=minutes]").set_input_files(minutes)
    j.press("Verifikasi", exact=True)
    assert "Diverifikasi dan dikirim ke kabupaten/kota" in j.messages(), j.messages()


def test_the_submission_is_verified_returned_fixed_approved_and_finalised(journey, tmp_path):
    j = journey
    minutes = tiny_pdf(tmp_path / "berita-acara-musyawarah-desa.pdf", "Berita acara musyawarah desa")

    _verify(j, minutes)
    j.shot("verified")

    # The kabupaten returns it once, with a reason.
    j.login("kabupaten")
    _open_from_queue(j)
    j.shot("kabupaten-review")
    j.page.locator("main form textarea[name=reason]").fill(REASON)
    j.press("Kembalikan", exact=True)
    assert "Dikembalikan ke Pokja sebagai draf" in j.messages(), j.messages()

    # The officer sees the reason, fixes the family and submits again.
    j.login("pengurus")
    j.follow(re.compile(r"Desa Gunung Putih: ajukan"))
    assert REASON in j.text()
    j.shot("returned")
    corrected = j.page.locator("main section.card", has_text="Perbaikan data keluarga")
    family = corrected.locator("a[href^='/data-kemiskinan/keluarga/']").first.get_attribute("href")
    family_pk = family.rstrip("/").rsplit("/", 1)[-1]
    j.click(j.page.locator(f"main a[href$='/keluarga/{family_pk}/ubah/']"))
    j.page.locator("main form [name=rt]").fill("008")
    j.press("Simpan di draf")
    j.press("Ajukan kepada kepala desa")
    assert "Diajukan kepada kepala desa" in j.messages(), j.messages()

    _verify(j, minutes)

    # The kabupaten approves; the province finalises.
    j.login("kabupaten")
    _open_from_queue(j)
    j.press("Setujui", exact=True)
    assert "Disetujui dan dikirim ke provinsi" in j.messages(), j.messages()

    j.login("provinsi")
    _open_from_queue(j)
    j.shot("province-review")
    j.press("Finalkan", exact=True)
    assert "Difinalkan" in j.messages(), j.messages()
    j.shot("finalised")
    # Issue 15, item 2: a finalised submission shows what was applied, not the checks of pending changes.
    text = j.text()
    assert "Perubahan yang diterapkan" in text and "dengan kesalahan" not in text, text
    # Item 4: the minutes the village head attached open for the reviewers, through the logged download.
    href = j.page.locator("main a[href$='/berita-acara/']").first.get_attribute("href")
    minutes = j.page.request.get(j.base + href)
    assert minutes.status == 200 and minutes.body().startswith(b"%PDF"), minutes.status

    # The corrected family shows its new version and the history.
    j.click(j.page.locator(f"main a[href='{family}']").first)
    text = j.text()
    assert "008" in text, text
    j.shot("family")
    assert re.search(r"[Vv]ersi\s*2", text), text
    assert "Riwayat" in text, text
