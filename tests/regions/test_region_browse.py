"""The region browser: province -> kabupaten -> kecamatan -> villages, with counts."""

from __future__ import annotations

import pytest
from django.urls import reverse


def test_it_sends_anonymous_visitors_to_log_in(client, region_tree):
    response = client.get(reverse("regions:detail", args=["65.01"]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_refuses_a_user_without_a_role(client, no_role_user, region_tree):
    client.force_login(no_role_user)
    assert client.get(reverse("regions:browse")).status_code == 403


def test_the_province_page_counts_kecamatan_and_villages_per_kabupaten(client, officer, region_tree):
    client.force_login(officer)
    response = client.get(reverse("regions:detail", args=["65"]))
    assert response.status_code == 200
    rows = {row.region.code: row for row in response.context["rows"]}
    assert set(rows) == {"65.01", "65.03", "65.71"}
    assert (rows["65.01"].kecamatan, rows["65.01"].desa, rows["65.01"].kelurahan) == (2, 2, 1)
    assert (rows["65.71"].kecamatan, rows["65.71"].villages) == (1, 1)
    assert "Kabupaten Bulungan" in response.content.decode()


def test_a_kecamatan_page_lists_its_villages_with_their_kind(client, officer, region_tree):
    client.force_login(officer)
    response = client.get(reverse("regions:detail", args=["65.01.01"]))
    html = response.content.decode()
    assert "Kel. Tanjung Palas Hulu" in html and "Desa Gunung Putih" in html
    assert "Long Beluah" not in html
    assert [c.code for c in response.context["breadcrumbs"]] == ["65", "65.01"]


@pytest.mark.parametrize("code", ["99", "65.99", "abc", "65..01", "65.01.01.2005.1"])
def test_an_unknown_or_malformed_code_is_a_404(client, officer, region_tree, code):
    client.force_login(officer)
    assert client.get(f"/wilayah/{code}/").status_code == 404


def test_the_browser_keeps_a_flat_query_count_as_regions_grow(
    client, officer, region_tree, django_assert_max_num_queries
):
    from regions.services import RegionRow, regions_import

    client.force_login(officer)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("regions:detail", args=["65"]))
    rows = [RegionRow(line=1, code=f"65.01.{k:02d}", name=f"Kec {k}") for k in range(10, 40)]
    rows += [
        RegionRow(line=1, code=f"65.01.{k:02d}.2{v:03d}", name=f"Desa {k}-{v}")
        for k in range(10, 40)
        for v in range(20)
    ]
    regions_import(rows=rows)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("regions:detail", args=["65"]))
    assert {r.region.code: r.villages for r in response.context["rows"]}["65.01"] == 3 + 600
