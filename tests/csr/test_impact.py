"""The impact page: income before/after per village reached, next to villages not reached."""

from __future__ import annotations

from django.urls import reverse

from csr import services
from tests.factories import RoundFactory, VillageRoundStatsFactory


def _fund_and_report(proposal, programme, province_staff, company_rep, officer, before, after):
    match = services.match_accept(
        user=company_rep,
        match=services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=10_000_000),
    )
    services.realisation_report(
        user=officer,
        match=match,
        amount_spent=5_000_000,
        beneficiaries_reached=12,
        income_before=before,
        income_after=after,
    )


def test_it_shows_income_change_and_compares_with_villages_not_reached(
    client, province_staff, company_rep, officer, make_programme, make_proposal, poverty, region_tree
):
    programme = make_programme(sector="entrepreneurship")
    proposal = make_proposal(sector="entrepreneurship")
    _fund_and_report(proposal, programme, province_staff, company_rep, officer, 1_000_000, 1_500_000)
    poverty.update({"65.01.01.2005": (20, 100), "65.01.01.1001": (40, 100)})
    client.force_login(province_staff)
    response = client.get(reverse("csr:impact"))
    [village] = response.context["villages"]
    assert (village["code"], village["change"], village["beneficiaries"], village["share"]) == (
        "65.01.01.2005",
        50,
        12,
        20,
    )
    [kecamatan] = response.context["comparison"]
    assert (
        kecamatan["reached"],
        kecamatan["not_reached"],
        kecamatan["share_reached"],
        kecamatan["share_not_reached"],
    ) == (1, 1, 20, 40)
    assert "Rp 1.000.000 → Rp 1.500.000 (50%)" in response.content.decode()


def test_without_poverty_data_it_says_so(client, province_staff):
    client.force_login(province_staff)
    assert "Belum ada data kemiskinan" in client.get(reverse("csr:impact")).content.decode()


def test_it_is_for_staff_only(client, officer, company_rep):
    assert client.get(reverse("csr:impact")).status_code == 302
    for user in (officer, company_rep):
        client.force_login(user)
        assert client.get(reverse("csr:impact")).status_code == 403


def test_it_keeps_a_flat_query_count(
    client, province_staff, company_rep, officer, make_programme, make_proposal, django_assert_max_num_queries
):
    programme = make_programme(sector="entrepreneurship", budget=10**12)
    client.force_login(province_staff)
    _fund_and_report(make_proposal(sector="entrepreneurship"), programme, province_staff, company_rep, officer, 1, 2)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("csr:impact"))
    for _ in range(30):
        _fund_and_report(
            make_proposal(sector="entrepreneurship"), programme, province_staff, company_rep, officer, 1, 2
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("csr:impact"))


def _rounds_with_poor(region_tree, figures):
    """Two poverty-data rounds, one ending before the programmes start (2026-01-01), with the poor
    families (desil 1-4) recorded per village: {code: (before, latest)}."""
    import datetime as dt

    before = RoundFactory(name="Triwulan IV 2025", period_start=dt.date(2025, 10, 1), period_end=dt.date(2025, 12, 31))
    latest = RoundFactory(name="Triwulan II 2026", period_start=dt.date(2026, 4, 1), period_end=dt.date(2026, 6, 30))
    for code, (poor_before, poor_latest) in figures.items():
        for round_, poor in ((before, poor_before), (latest, poor_latest)):
            if poor is not None:
                VillageRoundStatsFactory(round=round_, village_code=code, poor4=poor)


def test_it_shows_the_change_in_poor_families_since_the_start_next_to_villages_not_reached(
    client, province_staff, company_rep, officer, make_programme, make_proposal, poverty, region_tree
):
    _fund_and_report(
        make_proposal(sector="entrepreneurship"), make_programme(sector="entrepreneurship"),
        province_staff, company_rep, officer, 1_000_000, 1_500_000,
    )  # fmt: skip
    _rounds_with_poor(region_tree, {"65.01.01.2005": (20, 15), "65.01.01.1001": (40, 42)})
    client.force_login(province_staff)
    response = client.get(reverse("csr:impact"))
    [village] = response.context["villages"]
    trend = village["trend"]
    assert (trend["before"], trend["latest"], trend["change"], trend["before_round"]) == (
        20,
        15,
        -5,
        "Triwulan IV 2025",
    )
    assert (trend["others"]["villages"], trend["others"]["before"], trend["others"]["change"]) == (1, 40, 2)
    html = response.content.decode()
    assert "20 → 15 (-5)" in html and "1 desa" in html
    assert "Keluarga miskin (desil 1-4) sejak program dimulai" in html
    csv = b"".join(client.get(reverse("csr:impact") + "?export=csv").streaming_content).decode()
    assert "Perubahan jumlah keluarga miskin" in csv.splitlines()[0]
    assert csv.splitlines()[1].endswith(",20,15,-5,2.0")


def test_without_a_round_before_the_programme_started_it_says_so_instead_of_inventing_numbers(
    client, province_staff, company_rep, officer, make_programme, make_proposal, poverty, region_tree
):
    _fund_and_report(
        make_proposal(sector="entrepreneurship"), make_programme(sector="entrepreneurship"),
        province_staff, company_rep, officer, 1_000_000, 1_500_000,
    )  # fmt: skip
    _rounds_with_poor(region_tree, {"65.01.01.2005": (None, 15), "65.01.01.1001": (40, 42)})
    client.force_login(province_staff)
    response = client.get(reverse("csr:impact"))
    assert response.context["villages"][0]["trend"] is None
    assert "Belum ada periode data kemiskinan yang tercatat untuk desa ini sebelum program dimulai" in (
        response.content.decode()
    )


def test_comparable_villages_without_both_rounds_are_left_out():
    import datetime as dt

    from csr.inputs import RoundFigure
    from csr.selectors import poverty_trend

    before, latest = RoundFigure(1, "A", dt.date(2025, 12, 31), 20), RoundFigure(2, "B", dt.date(2026, 6, 30), 18)
    trend = poverty_trend(
        figures=[before, latest],
        starts=dt.date(2026, 1, 1),
        comparable=[[before._replace(poor=30)], [before._replace(poor=10), latest._replace(poor=13)]],
    )
    assert (trend["change"], trend["others"]) == (-2, {"villages": 1, "before": 10, "latest": 13, "change": 3})
    assert poverty_trend(figures=[latest], starts=dt.date(2026, 1, 1), comparable=[]) is None
