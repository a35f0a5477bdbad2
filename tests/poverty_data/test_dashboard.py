"""The poverty dashboard: desil, poor families by region, assistance coverage, changes, NIK quality."""

from __future__ import annotations

from django.urls import reverse

from poverty_data.models import Family, Member
from poverty_data.services import families_load
from poverty_data.stats import village_stats_refresh

from .conftest import make_families

DASHBOARD = "/data-kemiskinan/dasbor/"


def test_it_sends_anonymous_visitors_to_log_in(client):
    assert client.get(DASHBOARD).status_code == 302


def test_a_company_representative_has_no_dashboard(client, company_rep):
    client.force_login(company_rep)
    assert client.get(DASHBOARD).status_code == 403


def test_it_counts_families_by_desil_and_the_poor_by_kabupaten(client, province_staff, region_tree):
    make_families(region_tree.village, 3, desil=2)
    make_families(region_tree.village_same_kab, 2, start=100, desil=5)
    make_families(region_tree.other_village, 4, start=200, desil=9)
    client.force_login(province_staff)
    stats = client.get(DASHBOARD).context["stats"]
    assert {r["desil"]: r["families"] for r in stats["by_desil"]}[2] == 3
    poor = {r["group"]: (r["total"], r["poor4"], r["poor5"]) for r in stats["poor"]}
    assert poor == {"65.01": (5, 3, 5), "65.03": (4, 0, 0)}


def test_kabupaten_staff_see_only_their_kabupaten_grouped_by_kecamatan(client, kabupaten_staff, region_tree):
    make_families(region_tree.village, 3, desil=2)
    make_families(region_tree.other_village, 4, start=200, desil=1)
    client.force_login(kabupaten_staff)
    response = client.get(DASHBOARD + f"?wilayah={region_tree.bulungan.pk}")
    assert [r["group"] for r in response.context["stats"]["poor"]] == ["65.01.01"]
    assert response.context["stats"]["total"] == 3


def test_it_counts_assistance_coverage_of_the_poor(client, province_staff, region_tree):
    families = make_families(region_tree.village, 4, desil=1)
    families[0].receives_pkh = True
    families[0].save()
    village_stats_refresh()  # a write outside the services: the repair the command runs
    client.force_login(province_staff)
    coverage = client.get(DASHBOARD).context["stats"]["coverage"]
    assert (coverage["total"], coverage["pkh"], coverage["none"]) == (4, 1, 3)


def test_it_lists_invalid_and_duplicate_niks_per_village(client, province_staff, region_tree):
    mine = make_families(region_tree.village, 2)
    theirs = make_families(region_tree.other_village, 1, start=300)
    Member.objects.filter(family=mine[0]).update(nik_valid=False)
    Member.objects.filter(pk=theirs[0].members.first().pk).update(nik=mine[1].members.first().nik)
    village_stats_refresh()  # writes outside the services: the repair the command runs
    client.force_login(province_staff)
    html = client.get(DASHBOARD).content.decode()
    quality = {
        r["family__village_code"]: (r["invalid"], r["duplicate"])
        for r in client.get(DASHBOARD).context["stats"]["quality"]
    }
    assert quality == {"65.01.01.2005": (2, 1), "65.03.01.2001": (0, 1)}
    assert "Kualitas data" in html


def test_chart_data_travels_as_json_without_inline_script(client, province_staff, region_tree):
    make_families(region_tree.village, 2)
    client.force_login(province_staff)
    html = client.get(DASHBOARD).content.decode()
    assert 'id="poverty-chart-data" type="application/json"' in html
    assert "<script>" not in html and "style=" not in html


def test_a_bad_region_is_a_404(client, province_staff):
    client.force_login(province_staff)
    assert client.get(DASHBOARD + "?wilayah=x").status_code == 404


def test_the_dashboard_keeps_a_flat_query_count(client, province_staff, region_tree, django_assert_max_num_queries):
    make_families(region_tree.village, 300)
    make_families(region_tree.other_village, 200, start=1000, desil=1)
    client.force_login(province_staff)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("poverty_data:dashboard")).status_code == 200


def test_the_dashboard_reads_the_summaries_in_five_queries_whatever_the_families(
    province_staff, region_tree, django_assert_num_queries
):
    from poverty_data.selectors import dashboard

    for i, village in enumerate([region_tree.village, region_tree.village_same_kab, region_tree.other_village]):
        make_families(village, 150, start=1000 * (i + 1), desil=1 + i)
    # The per-group sums and the totals (desil, coverage) come from one pass over the village rows.
    with django_assert_num_queries(5):
        stats = dashboard(user=province_staff, region=None)
    assert stats["total"] == 450
    assert [r["families"] for r in stats["by_desil"]][:4] == [150, 150, 150, 0]
    assert stats["coverage"]["total"] == 450 and stats["coverage"]["none"] == 450
    with django_assert_num_queries(4):  # the user's roles are read once per request
        assert dashboard(user=province_staff, region=region_tree.bulungan)["total"] == 300


def test_a_duplicate_nik_loaded_in_another_village_counts_in_both_villages(client, province_staff, region_tree):
    mine = make_families(region_tree.village, 2)
    nik = mine[1].members.first().nik
    newcomer = Member(nik=nik, name="Warga Pindahan", sex="L", relationship="head")
    families_load(rows=[(Family(village=region_tree.other_village, no_kk="6503010101900001", desil=2), [newcomer])])
    client.force_login(province_staff)
    quality = {r["family__village_code"]: r["duplicate"] for r in client.get(DASHBOARD).context["stats"]["quality"]}
    assert quality == {"65.01.01.2005": 1, "65.03.01.2001": 1}
