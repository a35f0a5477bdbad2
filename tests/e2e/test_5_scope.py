"""Journey 5: an officer of another village types the addresses of the first officer's pages and
finds nothing there: not found (404), and nothing of the village shown."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


def test_an_officer_of_another_village_gets_not_found_for_each_page_of_the_first(journey):
    j = journey

    # The addresses, as the first officer reaches them on a phone.
    j.login("pengurus", phone=True)
    j.follow("Buka data kemiskinan")
    if not j.path().startswith("/data-kemiskinan/desa/"):
        j.follow("Desa Gunung Putih")
    village = j.path()
    submission = j.page.locator("main a[href^='/data-kemiskinan/pengajuan/']").first.get_attribute("href")
    j.click(j.page.locator("main a[href^='/data-kemiskinan/keluarga/']").first)
    family = j.path()
    j.menu("CSR", "Usulan CSR")
    j.follow("Sumur bor dan tandon air bersih")
    proposal = j.path()
    assert re.fullmatch(r"/data-kemiskinan/desa/\d+/", village), village
    assert re.fullmatch(r"/data-kemiskinan/keluarga/\d+/", family), family
    assert re.fullmatch(r"/data-kemiskinan/pengajuan/\d+/", submission), submission
    assert re.fullmatch(r"/csr/usulan/\d+/", proposal), proposal

    # The officer of Sebatik types them in.
    j.login("pengurus2")
    for number, path in enumerate([village, family, submission, proposal]):
        j.expect_not_found(path)
        text = j.text()
        assert "Gunung Putih" not in text, text
        if number == 0:
            j.shot("not-found")
