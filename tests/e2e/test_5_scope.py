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

    # The officer of Sebatik, on a phone too, types them in.
    j.login("pengurus2", phone=True)
    for number, path in enumerate([village, family, submission, proposal]):
        j.expect_not_found(path)
        text = j.text()
        assert "Gunung Putih" not in text, text
        if number == 0:
            j.shot("not-found")

    # The same officer reads the portal in English, back in Indonesian, and logs out.
    j.goto("/")
    j.click(j.unfold_menu().get_by_role("button", name="English", exact=True))
    assert j.page.locator("html").get_attribute("lang") == "en"
    assert "Welcome" in j.text(), j.text()
    j.click(j.unfold_menu().get_by_role("button", name="Bahasa Indonesia", exact=True))
    assert j.page.locator("html").get_attribute("lang") == "id"
    nav = j.unfold_menu()
    nav.get_by_role("button", name="Nurul Hidayah").click()
    j.click(nav.get_by_role("button", name="Keluar", exact=True))
    assert j.path().startswith("/akun/masuk/"), j.path()
