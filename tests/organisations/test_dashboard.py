"""The registry dashboard: coverage, classes, expiring terms, assistance and funding, scoped and flat."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from organisations import services
from organisations.models import ASPECTS, Term, today

from .conftest import bulk_organisations

URL = reverse("organisations:dashboard")


def test_only_staff_see_the_dashboard(client, orgs, officer, village_head):
    assert client.get(URL).status_code == 302
    for user in (officer, village_head):
        client.force_login(user)
        assert client.get(URL).status_code == 403


def test_province_staff_see_coverage_by_kabupaten(client, orgs, province_staff):
    client.force_login(province_staff)
    context = client.get(URL).context
    coverage = {c["code"]: c for c in context["coverage"]}
    assert (coverage["65.01"]["villages"], coverage["65.01"]["registered"], coverage["65.01"]["with_term"]) == (3, 2, 1)
    assert (coverage["65.03"]["registered"], coverage["65.03"]["with_term"]) == (1, 1)
    assert coverage["65.71"]["registered"] == 0
    assert context["without_term"] == 1


def test_kabupaten_staff_see_only_their_kabupaten(client, orgs, kabupaten_staff):
    client.force_login(kabupaten_staff)
    context = client.get(URL).context
    assert [c["code"] for c in context["coverage"]] == ["65.01"]
    assert list(context["kabupaten"]) == ["65.01"]


def test_the_dashboard_sums_classes_assistance_and_funding(client, orgs, province_staff):
    services.assessment_record(
        user=province_staff,
        organisation=orgs.home,
        assessed_on=dt.date(2026, 1, 1),
        **{name: 80 for name, _label in ASPECTS},
    )
    for value in (2_000_000, 3_000_000):
        services.assistance_save(
            user=province_staff, organisation=orgs.home, year=2025, giver="province", form="money", value=value
        )
    services.programme_save(
        user=province_staff,
        organisation=orgs.home,
        title="Bank sampah",
        sector="environment",
        year=2026,
        budget=10_000_000,
        funded_village=6_000_000,
        funded_csr=4_000_000,
        status="done",
        realised_amount=5_000_000,
    )
    client.force_login(province_staff)
    context = client.get(URL).context
    assert context["classes"]["65.01"] == {"maju": 1, "none": 1}
    assert context["assistance_rows"] == [{"year": 2025, "giver": "province", "total": 5_000_000, "n": 2}]
    funding = {label: (planned, realised) for label, planned, realised in context["funding"]}
    assert funding["Desa (dana desa)"] == (6_000_000, 3_000_000)
    assert funding["CSR"] == (4_000_000, 2_000_000)
    html = client.get(URL).content.decode()
    assert 'id="registry-charts" type="application/json"' in html and "organisations-dashboard.js" in html


def test_terms_ending_within_90_days_are_listed(client, orgs, province_staff):
    Term.objects.filter(pk=orgs.term.pk).update(ends_on=today() + dt.timedelta(days=30))
    client.force_login(province_staff)
    context = client.get(URL).context
    assert context["expiring_count"] == 1 and context["expiring_terms"][0].organisation == orgs.home


def test_an_sk_ending_before_its_term_also_warns(client, orgs, province_staff):
    Term.objects.filter(pk=orgs.term.pk).update(sk_ends_on=today() + dt.timedelta(days=10))
    client.force_login(province_staff)
    assert client.get(URL).context["expiring_count"] == 1


def test_the_dashboard_keeps_a_flat_query_count(
    client, orgs, province_staff, region_tree, django_assert_max_num_queries
):
    client.force_login(province_staff)
    with django_assert_max_num_queries(20) as small:
        client.get(URL)
    bulk_organisations(region_tree, 300)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    coverage = {c["code"]: c for c in response.context["coverage"]}
    assert coverage["65.01"]["registered"] == 302
