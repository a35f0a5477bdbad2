"""The allocation planner: never worse than first come, within budgets and eligibility."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.urls import reverse

from csr.models import Match
from csr.planner import Need, Offer, plan_allocation


def _check(plan, offers, needs):
    by_id = {o.id: o for o in offers}
    spent: dict[int, Decimal] = {}
    for need in needs:
        if need.id in plan.pairs:
            offer = by_id[plan.pairs[need.id]]
            assert offer.sector == need.sector
            assert any(need.village_code == c or need.village_code.startswith(c + ".") for c in offer.target_codes)
            spent[offer.id] = spent.get(offer.id, Decimal(0)) + need.amount
    for offer_id, money in spent.items():
        assert money <= by_id[offer_id].available


def test_it_beats_first_come_on_a_constructed_case():
    # One programme of 100; the first proposal (village A, 10 poor) takes it all under first come;
    # two later ones (B 30 poor, C 25 poor) fit together and reach more.
    offers = [Offer(id=1, available=Decimal(100), sector="health", target_codes=("65.01",))]
    needs = [
        Need(id=1, village_code="65.01.01.2001", sector="health", amount=Decimal(100), order=0),
        Need(id=2, village_code="65.01.01.2002", sector="health", amount=Decimal(60), order=1),
        Need(id=3, village_code="65.01.01.2003", sector="health", amount=Decimal(40), order=2),
    ]
    poor = {"65.01.01.2001": 10, "65.01.01.2002": 30, "65.01.01.2003": 25}
    plan, greedy = plan_allocation(offers, needs, poor)
    assert (greedy.poor_reached, plan.poor_reached) == (10, 55)
    assert plan.pairs == {2: 1, 3: 1}
    _check(plan, offers, needs)


def test_it_never_funds_an_ineligible_pair():
    offers = [Offer(id=1, available=Decimal(1000), sector="health", target_codes=("65.03",))]
    needs = [
        Need(id=1, village_code="65.01.01.2001", sector="health", amount=Decimal(10), order=0),  # outside
        Need(id=2, village_code="65.03.01.2001", sector="education", amount=Decimal(10), order=1),  # other sector
        Need(id=3, village_code="65.03.01.2002", sector="health", amount=Decimal(10), order=2, kind="village"),
    ]
    plan, _greedy = plan_allocation(offers, needs, {c.village_code: 5 for c in needs})
    assert plan.pairs == {3: 1}


def test_a_programme_for_karang_taruna_only_skips_village_proposals():
    offers = [Offer(id=1, available=Decimal(1000), sector="health", target_codes=("65",), accepts="karang_taruna")]
    needs = [Need(id=1, village_code="65.01.01.2001", sector="health", amount=Decimal(10), order=0, kind="village")]
    assert plan_allocation(offers, needs, {})[0].pairs == {}


@pytest.mark.parametrize("seed", range(25))
def test_on_random_cases_it_reaches_at_least_as_many_poor_families_within_budgets(seed):
    rng = random.Random(seed)
    villages = [f"65.0{k}.0{c}.20{v:02d}" for k in (1, 2) for c in (1, 2) for v in range(6)]
    sectors = ["health", "education"]
    offers = [
        Offer(
            id=i,
            available=Decimal(rng.randint(50, 300)),
            sector=rng.choice(sectors),
            target_codes=(rng.choice(["65", "65.01", "65.02", "65.01.01", "65.02.02"]),),
        )
        for i in range(1, 6)
    ]
    needs = [
        Need(
            id=i,
            village_code=rng.choice(villages),
            sector=rng.choice(sectors),
            amount=Decimal(rng.randint(10, 120)),
            order=i,
        )
        for i in range(1, 40)
    ]
    poor = {v: rng.randint(0, 80) for v in villages}
    plan, greedy = plan_allocation(offers, needs, poor)
    assert plan.poor_reached >= greedy.poor_reached
    _check(plan, offers, needs)
    _check(greedy, offers, needs)


def test_the_planner_page_shows_both_totals_and_staff_turn_suggestions_into_matches(
    client, province_staff, make_programme, make_proposal, region_tree, poverty
):
    programme = make_programme(budget=100_000_000)
    make_proposal(amount=100_000_000, village=region_tree.village)
    second = make_proposal(amount=60_000_000, village=region_tree.village_same_kab)
    poverty.update({"65.01.01.2005": (10, 50), "65.01.02.2001": (40, 60)})
    client.force_login(province_staff)
    response = client.get(reverse("csr:planner"))
    html = response.content.decode()
    assert response.context["plan"].poor_reached == 40 and response.context["greedy"].poor_reached == 10
    assert "Tujuan: memaksimalkan jumlah keluarga miskin" in html
    # Plain words: no jargon ("alokasi rakus") nor proverb ("Siapa cepat dia dapat") for the baseline.
    assert "Menurut urutan usulan masuk" in html and "Cara saran disusun" in html
    assert "rakus" not in html.lower() and "siapa cepat" not in html.lower()
    response = client.post(reverse("csr:planner"), {"pair": [f"{second.pk}-{programme.pk}"]})
    assert response.status_code == 302
    match = Match.objects.get()
    assert (match.proposal, match.programme, match.amount) == (second, programme, 60_000_000)


def test_a_tampered_pair_is_refused_with_a_message(client, province_staff, make_programme, proposal, region_tree):
    outside = make_programme(targets=("65.03",))
    client.force_login(province_staff)
    response = client.post(
        reverse("csr:planner"), {"pair": [f"{proposal.pk}-{outside.pk}", "x-y", "1-99999"]}, follow=True
    )
    assert "di luar wilayah sasaran" in response.content.decode()
    assert not Match.objects.exists()


def test_the_planner_is_for_staff_and_keeps_a_flat_query_count(
    client, officer, province_staff, make_programme, make_proposal, django_assert_max_num_queries
):
    assert client.get(reverse("csr:planner")).status_code == 302
    client.force_login(officer)
    assert client.get(reverse("csr:planner")).status_code == 403
    client.force_login(province_staff)
    make_programme()
    make_proposal()
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("csr:planner"))
    for _ in range(100):
        make_programme()
        make_proposal(amount=1_000_000)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("csr:planner"))


def test_the_suggestions_export(client, province_staff, programme, proposal):
    client.force_login(province_staff)
    body = b"".join(client.get(reverse("csr:planner") + "?export=csv").streaming_content).decode()
    assert proposal.title in body and programme.title in body
