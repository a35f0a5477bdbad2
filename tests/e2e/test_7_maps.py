"""Journey 7: the synchronisation board's map (poor villages no open programme reaches, a programme's
target area) and the village page's locator, drawn from the portal's own outlines."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def _polygons(j, map_id: str) -> int:
    """Scroll to the map (Leaflet and the map's data load when it comes into view) and count its regions."""
    j.page.locator(f"#{map_id}").scroll_into_view_if_needed()
    j.page.wait_for_selector(f"#{map_id} path.region-map-feature", timeout=20_000)
    return j.page.locator(f"#{map_id} path.region-map-feature").count()


def _table_rows(j, map_id: str) -> list[str]:
    section = j.page.locator(f"section:has(#{map_id})")
    section.locator("details.region-map-table summary").click()
    return section.locator("details.region-map-table tbody tr").all_inner_texts()


def test_the_board_map_shows_unreached_villages_and_a_programmes_area_and_the_village_page_its_place(journey):
    j = journey
    j.login("provinsi")
    j.goto("/csr/papan-sinkronisasi/")
    assert _polygons(j, "board-map") >= 50  # every village of the light demo
    assert j.page.locator("#board-map path[fill='#d55e00']").count() > 0  # Tana Tidung's unreached villages
    rows = _table_rows(j, "board-map")
    assert rows and all("%" in r for r in rows)
    j.page.select_option("#board-map-programme", label="Posyandu dan Gizi Anak Malinau")
    j.page.wait_for_selector("#board-map path.region-map-target")
    assert "Kabupaten Malinau" in j.page.locator("section:has(#board-map) .region-map-controls p").inner_text()
    j.shot("board-map")

    # The officer's village page shows where the village lies.
    j.login("pengurus")
    j.goto("/data-kemiskinan/")
    j.page.locator("main a[href*='/data-kemiskinan/desa/']").first.click()
    j.page.wait_for_load_state()
    assert "Gunung Putih" in j.page.locator("h1").inner_text()
    assert _polygons(j, "village-map") == 1
    assert j.page.locator("#village-map path.leaflet-interactive").count() >= 2  # the village and its marker
    j.shot("village-map")


# The dashboards' maps (poverty: click a level down; registry) are not walked here: a dashboard's
# first visit with its Chart.js charts and, once scrolled to the map, Leaflet comes to about 209 KB,
# over the journeys' 200 KB budget (tests/e2e/browser.py). Their endpoints are tested in
# tests/portal/test_maps.py.
