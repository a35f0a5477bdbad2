"""The impact page: income before/after per village reached, next to villages not reached."""

from __future__ import annotations

from django.urls import reverse

from csr import services


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
