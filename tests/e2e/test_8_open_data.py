"""A stranger reads the open data: the map of needs and CSR, an area page and the datasets, on a phone
(nothing wider than the 360 px screen) and in English one click away; a signed-in user's menu stays on
one line at 1280 px on these pages."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


def test_a_stranger_reads_the_map_an_area_and_the_datasets_on_a_phone_and_in_english(journey):
    j = journey
    j.start(phone=True)
    j.goto("/terbuka/")
    assert "Peta kebutuhan dan CSR" in j.page.locator("main h1").inner_text()
    j.shot("map")
    j.click(j.page.locator("main table a[href^='/terbuka/wilayah/']").locator("visible=true").first)
    assert j.path().startswith("/terbuka/wilayah/")
    assert "Keluarga miskin per putaran" in j.text()
    j.shot("area")
    j.follow("Dataset dan unduhan")
    assert "CC BY 4.0" in j.text()
    j.shot("datasets")
    j.press("English", exact=True)
    assert "Datasets and downloads" in j.page.locator("main h1").inner_text()
    j.goto("/terbuka/")
    assert "Map of needs and CSR" in j.page.locator("main h1").inner_text()
    j.shot("map-en")


def test_the_open_data_pages_add_nothing_to_the_menu_bar(journey):
    """A stranger's bar is one line (brand and language switch); a signed-in user's bar on these pages is
    exactly the bar of the home page (the open data adds no entry that could push it to a second line)."""
    j = journey
    j.start()
    for path in ("/terbuka/", "/terbuka/dataset/"):
        j.goto(path)
        assert j.page.locator("nav.navbar").bounding_box()["height"] < 70, f"{path}: the bar wraps"
    for role in ("provinsi", "admin"):
        j.login(role)
        j.goto("/")
        home = j.page.locator("nav.navbar").bounding_box()["height"]
        for path in ("/terbuka/", "/terbuka/wilayah/65.01/", "/terbuka/dataset/"):
            response = j.goto(path)
            assert response is not None and response.status == 200
            assert j.page.locator("nav.navbar").bounding_box()["height"] == home, f"{role} {path}"
            assert re.search(r"\d", j.text())


def test_a_stranger_on_the_csr_catalogue_is_shown_where_to_log_in_to_propose(journey):
    """Issue 15, item 10: the public catalogue links to the login page, which leads back to it."""
    j = journey
    j.start(phone=True)
    j.goto("/csr/katalog/")
    link = j.link("Masuk untuk mengajukan usulan")
    assert link.get_attribute("href") == "/akun/masuk/?next=/csr/katalog/"
    j.click(link)
    assert j.path().startswith("/akun/masuk/"), j.path()
