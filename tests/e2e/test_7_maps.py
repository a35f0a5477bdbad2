"""Journey 7: the province reads the maps: the poverty dashboard's choropleth (a click goes a level
down), the registry dashboard's Karang Taruna per village and the synchronisation board's unreached
villages with a programme's target area; the officer sees where their village lies."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


def _polygons(j, map_id: str) -> int:
    j.page.wait_for_selector(f"#{map_id} path.region-map-feature", timeout=20_000)
    return j.page.locator(f"#{map_id} path.region-map-feature").count()


def _table_rows(j, map_id: str) -> list[str]:
    section = j.page.locator(f"section:has(#{map_id})")
    section.locator("details.region-map-table summary").click()
    return section.locator("details.region-map-table tbody tr").all_inner_texts()


def test_the_maps_draw_the_province_and_go_a_level_down(journey):
    j = journey
    j.login("provinsi")

    j.goto("/data-kemiskinan/dasbor/")
    kecamatan = _polygons(j, "poverty-map")
    assert kecamatan >= 10, kecamatan  # every kecamatan of the demo villages
    legend = j.page.locator("section:has(#poverty-map) .region-map-legend").inner_text()
    assert "Persentase keluarga miskin (desil 1-4)" in legend and "tidak ada data" in legend
    rows = _table_rows(j, "poverty-map")
    assert len(rows) == kecamatan and any("Tanjung Palas" in r for r in rows)
    j.shot("poverty-map")
    # A click on a kecamatan opens its dashboard, whose map shows its villages.
    j.page.locator("section:has(#poverty-map) details tbody a", has_text=re.compile(r"^Kec\. Tanjung Palas$")).click()
    j.page.wait_for_load_state()
    assert "wilayah=" in j.page.url
    assert _polygons(j, "poverty-map") >= 5  # the demo's villages of Tanjung Palas
    assert "Tanjung Palas" in j.page.locator("h1").inner_text()
    j.page.locator("#poverty-map path.region-map-feature").first.click()
    j.page.wait_for_load_state()
    assert "/data-kemiskinan/desa/" in j.page.url

    j.goto("/organisasi/dasbor/")
    assert _polygons(j, "registry-map") >= 50
    assert (
        "Karang Taruna dengan masa bakti berjalan" in j.page.locator("#registry-map ~ .region-map-legend").inner_text()
    )
    j.shot("registry-map")

    j.goto("/csr/papan-sinkronisasi/")
    assert _polygons(j, "board-map") >= 50
    assert j.page.locator("#board-map path[fill='#d55e00']").count() > 0  # Tana Tidung's unreached villages
    j.page.select_option("#board-map-programme", label="Posyandu dan Gizi Anak Malinau")
    j.page.wait_for_selector("#board-map path.region-map-target")
    assert "Kabupaten Malinau" in j.page.locator("section:has(#board-map) .region-map-controls p").inner_text()
    j.shot("board-map")

    j.login("pengurus")
    j.goto("/data-kemiskinan/")
    j.follow(re.compile("Gunung Putih"))
    assert _polygons(j, "village-map") == 1
