"""Journey 4: a company publishes a programme, the province matches it to the officer's proposal,
the company accepts, the officer reports what was realised, and the synchronisation board shows it."""

from __future__ import annotations

import re

import pytest

from .files import tiny_pdf

pytestmark = pytest.mark.e2e

PROGRAMME = "Air Bersih untuk Desa Tanjung Palas"
PROPOSAL = "Sumur bor dan tandon air bersih"  # the officer's proposal under review (demo data)


def _board_cell(j, sector: str, kabupaten: str) -> tuple[int, int, int, int]:
    """(offers, rupiah offered, needs, rupiah needed) of one cell of the synchronisation board."""
    table = j.page.locator("main table").first
    heads = table.locator("thead th").all_inner_texts()
    row = table.locator("tbody tr", has=j.page.locator("th, td").filter(has_text=re.compile(f"^{sector}$"))).first
    text = row.locator("th, td").nth(heads.index(kabupaten)).inner_text()
    numbers = [int(n.replace(".", "")) for n in re.findall(r"[\d.]+", text)]
    return tuple(numbers)  # type: ignore[return-value]


def test_a_programme_is_published_matched_accepted_realised_and_shown_on_the_board(journey, tmp_path):
    j = journey

    # The company publishes a programme for Kabupaten Bulungan.
    j.login("perusahaan")
    j.menu("CSR", "Program CSR")
    j.follow("Program kerja baru")
    form = j.page.locator("main form[method=post]")
    form.locator("[name=title]").fill(PROGRAMME)
    form.locator("[name=sector]").select_option("health")
    form.locator("[name=description]").fill("Sumur bor, tandon dan pipa air bersih untuk desa yang kekurangan air.")
    form.locator("[name=target_regions]").fill("65.01")
    form.locator("[name=budget]").fill("250000000")
    form.locator("[name=starts_on]").fill("2026-12-01")
    form.locator("[name=ends_on]").fill("2027-11-30")
    form.locator("[name=beneficiary_target]").fill("400")
    j.shot("programme-form")
    j.press("Simpan")
    assert j.page.locator("h1", has_text=PROGRAMME).count() == 1, j.messages()
    publish = j.page.locator("main form[action$='/status/'] button")
    if "Tutup" not in publish.first.inner_text():  # a new programme starts as a draft: publish it
        j.click(publish.first)
    assert "Terbuka" in j.text() or "Dibuka" in j.text(), j.text()
    j.shot("programme-published")

    # The province sees the offer on the synchronisation board, opens the proposal's matching page
    # and confirms a match with the new programme.
    j.login("provinsi")
    j.menu("CSR", "Papan CSR")
    before = _board_cell(j, "Kesehatan", "Kabupaten Bulungan")
    j.menu("CSR", "Usulan CSR")
    j.follow(PROPOSAL)
    j.follow("Program yang cocok")
    j.shot("matching")
    card = j.page.locator("main section.card", has_text=PROGRAMME)
    assert card.count() == 1, j.text()
    assert card.locator("[name=amount]").input_value() == "120000000"
    card.locator("[name=amount]").fill("100000000")
    card.locator("[name=note]").fill("Sisa kebutuhan dari swadaya desa.")
    j.click(card.get_by_role("button", name="Konfirmasi pencocokan"))
    assert "/pencocokan/" not in j.path() or "dikonfirmasi" in j.messages().lower(), j.messages()

    # The company accepts.
    j.login("perusahaan")
    j.follow(re.compile(PROPOSAL))
    j.page.locator("main form[action*='/keputusan/'] [name=reason]").fill("Siap didanai tahun 2027.")
    j.press("Terima", exact=True)
    # The confirmation page states the amount in rupiah before anything is committed.
    assert "Rp 100.000.000" in j.page.locator("#consequence").inner_text(), j.text()
    j.press(re.compile("^Ya, ikat"))
    assert "diterima" in j.messages().lower() or "Diterima" in j.text(), j.messages()
    j.shot("accepted")

    # The officer reports what was realised.
    j.login("pengurus")
    j.menu("CSR", "Usulan CSR")
    j.follow(PROPOSAL)
    j.follow("Laporkan realisasi")
    form = j.page.locator("main form[method=post]")
    form.locator("[name=amount_spent]").fill("40000000")
    form.locator("[name=beneficiaries_reached]").fill("150")
    form.locator("[name=note]").fill("Sumur bor selesai dan tandon terpasang di dua dusun.")
    form.locator("[name=evidence]").set_input_files(tiny_pdf(tmp_path / "foto-sumur-bor.pdf", "Sumur bor selesai"))
    j.shot("realisation-form")
    j.press("Kirim laporan", exact=True)
    assert "Realisasi dilaporkan" in j.messages(), j.messages()
    assert "Rp 40.000.000" in j.text()

    # The synchronisation board shows the programme's budget taken by the match and the proposal
    # no longer among the needs.
    j.login("provinsi")
    j.menu("CSR", "Papan CSR")
    j.shot("board")
    after = _board_cell(j, "Kesehatan", "Kabupaten Bulungan")
    assert after[0] == before[0] and after[1] == before[1] - 100_000_000, (before, after)
    assert after[2] == before[2] - 1 and after[3] == before[3] - 120_000_000, (before, after)
