"""The map endpoints: who may read them, what they send (figures of the page, no personal data), how much."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from organisations.selectors import registry_dashboard
from poverty_data.models import Family, Member
from poverty_data.selectors import dashboard
from regions.demo import BOUNDARIES, REGION_LIST
from regions.models import Level, Region

ROOT = Path(__file__).resolve().parents[2]


def login(client, username: str) -> User:
    user = User.objects.get(username=username)
    client.force_login(user)
    return user


def get_map(client, name: str, *args, query: str = "") -> dict:
    response = client.get(reverse(name, args=args) + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def as_int(text: str) -> int:
    return int(text.replace(".", ""))


def test_the_poverty_map_shows_the_dashboards_figures_by_kecamatan_then_by_village(client, demo_data):
    user = login(client, "provinsi")
    data = get_map(client, "poverty_data:dashboard_map")
    stats = dashboard(user=user, region=None)
    assert {len(f["c"]) for f in data["features"]} == {8}  # kecamatan for the province
    assert sum(as_int(f["cells"][0]) for f in data["features"]) == stats["total"]
    assert sum(as_int(f["cells"][1]) for f in data["features"]) == stats["coverage"]["total"]
    # A click goes a level down: the dashboard of the kecamatan, whose map shows its villages with
    # exactly the rows of its table.
    kecamatan = Region.objects.get(code="65.01.01")
    first = next(f for f in data["features"] if f["c"] == kecamatan.code)
    assert first["href"] == f"{reverse('poverty_data:dashboard')}?wilayah={kecamatan.pk}"
    below = get_map(client, "poverty_data:dashboard_map", query=f"?wilayah={kecamatan.pk}")
    rows = dashboard(user=user, region=kecamatan)["poor"]
    assert {
        f["c"]: (as_int(f["cells"][0]), as_int(f["cells"][1])) for f in below["features"] if f["cells"][0] != "0"
    } == {r["group"]: (r["total"], r["poor4"]) for r in rows}
    village = Region.objects.get(code=rows[0]["group"])
    assert next(f for f in below["features"] if f["c"] == village.code)["href"] == reverse(
        "poverty_data:village", args=[village.pk]
    )
    # The colour class follows the share, and the legend names every class the map uses.
    legend = {item["k"] for item in data["legend"]["items"]}
    assert {f["k"] for f in data["features"]} <= legend
    assert data["tiles"] is None  # no tile server unless the portal sets one


def test_the_poverty_map_stays_in_the_users_scope(client, demo_data):
    login(client, "kabupaten")
    codes = {f["c"] for f in get_map(client, "poverty_data:dashboard_map")["features"]}
    assert codes and all(c.startswith("65.01.") for c in codes)
    login(client, "pengurus")
    codes = {f["c"] for f in get_map(client, "poverty_data:dashboard_map")["features"]}
    assert codes == {"65.01.01"}  # the officer's own village's kecamatan, with that village's figures only


def test_the_registry_map_counts_what_the_registry_dashboard_counts(client, demo_data):
    user = login(client, "provinsi")
    data = get_map(client, "organisations:dashboard_map")
    coverage = {row["code"]: row for row in registry_dashboard(user=user)["coverage"]}
    keys = Counter()
    for f in data["features"]:
        keys[(f["c"][:5], f["k"])] += 1
    for code, row in coverage.items():
        assert keys[(code, "term")] == row["with_term"]
        assert keys[(code, "term")] + keys[(code, "registered")] == row["registered"]
        assert sum(n for (kab, _k), n in keys.items() if kab == code) == row["villages"]


def test_the_board_map_colours_the_boards_unreached_villages_and_offers_each_programmes_area(client, demo_data):
    login(client, "provinsi")
    board = client.get(reverse("csr:board")).context["board"]
    data = get_map(client, "csr:board_map")
    unreached = {f["c"] for f in data["features"] if f["k"] == "unreached"}
    assert unreached == {r["village"].code for r in board.unreached}
    assert unreached  # Tana Tidung has poor villages no programme reaches
    for programme in data["programmes"]:
        assert programme["targets"] and all(code in data["areas"] for code in programme["targets"])


def test_the_village_locator_shows_only_a_village_the_user_may_open(client, demo_data):
    village = Region.objects.get(code="65.01.01.2005")
    login(client, "pengurus")
    data = get_map(client, "poverty_data:village_map", village.pk)
    assert [f["c"] for f in data["features"]] == ["65.01.01.2005"]
    assert data["marker"] == [float(village.centroid_lat), float(village.centroid_lng)]
    assert client.get(reverse("poverty_data:village_map", args=[village.pk])).status_code == 200
    login(client, "pengurus2")
    assert client.get(reverse("poverty_data:village_map", args=[village.pk])).status_code == 404


@pytest.mark.parametrize(
    ("username", "name", "status"),
    [
        ("perusahaan", "poverty_data:dashboard_map", 403),
        ("pengurus", "organisations:dashboard_map", 403),
        ("kades", "csr:board_map", 403),
        ("provinsi", "csr:board_map", 200),
    ],
)
def test_each_map_asks_the_policy_what_its_page_asks(client, demo_data, username, name, status):
    login(client, username)
    assert client.get(reverse(name)).status_code == status


def test_no_map_sends_personal_data(client, demo_data):
    niks = set(Member.objects.values_list("nik", flat=True)) | set(Family.objects.values_list("no_kk", flat=True))
    names = {n for n in Member.objects.values_list("name", flat=True) if len(n) >= 8}
    village = Region.objects.get(code="65.01.01.2005")
    login(client, "admin")
    for name, args in [
        ("poverty_data:dashboard_map", ()),
        ("organisations:dashboard_map", ()),
        ("csr:board_map", ()),
        ("poverty_data:village_map", (village.pk,)),
    ]:
        body = client.get(reverse(name, args=args)).content.decode()
        assert not any(n in body for n in niks), name
        assert not any(n in body for n in names), name


def test_a_tile_server_is_used_only_when_the_portal_sets_one(client, demo_data, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© contoh"
    login(client, "provinsi")
    assert get_map(client, "organisations:dashboard_map")["tiles"] == {
        "url": "https://tiles.example.org/{z}/{x}/{y}.png",
        "attribution": "© contoh",
    }
    assert "tiles.example.org" not in client.get(reverse("organisations:dashboard"))["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("tile_url", "img_src"),
    [
        ("", ["'self'", "data:"]),
        ("https://{s}.tiles.example.org/{z}/{x}/{y}.png", ["'self'", "data:", "https://*.tiles.example.org"]),
    ],
)
def test_the_csp_allows_the_tile_server_only_when_one_is_set(tile_url, img_src):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(MAP_TILE_URL=tile_url, DEBUG="1", DJANGO_SETTINGS_MODULE="kaltara_portal.settings")
    script = "import json; from kaltara_portal import settings; print(json.dumps([str(s) for s in settings.SECURE_CSP['img-src']]))"
    result = subprocess.run(  # noqa: S603 - our own settings module
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert json.loads(result.stdout) == img_src


def test_the_whole_province_at_village_level_is_under_150_kb_compressed(client, demo_data):
    call_command("import_regions", str(REGION_LIST), stdout=io.StringIO())
    for path in BOUNDARIES:
        call_command("import_boundaries", str(path), stdout=io.StringIO())
    login(client, "provinsi")
    for name in ("organisations:dashboard_map", "csr:board_map"):
        body = client.get(reverse(name)).content
        features = json.loads(body)["features"]
        assert len(features) == Region.objects.filter(level=Level.DESA_KELURAHAN).count() == 482
        assert len(gzip.compress(body)) < 150_000, name


@pytest.mark.parametrize(
    ("name", "queries"),
    [("poverty_data:dashboard_map", 10), ("organisations:dashboard_map", 9), ("csr:board_map", 15)],
)
def test_a_maps_query_count_does_not_grow_with_its_regions(client, demo_data, django_assert_num_queries, name, queries):
    """The province by kecamatan, and the board's every village: a fixed number of queries, not one a region."""
    login(client, "provinsi")
    with django_assert_num_queries(queries):
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "1\x00", "-1"])
def test_a_region_typed_into_the_poverty_maps_address_that_is_no_region_answers_404(client, demo_data, value):
    login(client, "provinsi")
    assert client.get(reverse("poverty_data:dashboard_map"), {"wilayah": value}).status_code == 404
