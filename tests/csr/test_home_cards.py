"""Home cards: proposals waiting for my decision, matches waiting for my company, my proposals."""

from __future__ import annotations

from django.urls import reverse

from csr import services


def _card_titles(client):
    return [str(c.title) for c in client.get(reverse("home")).context["cards"]]


def test_staff_see_the_proposals_waiting_in_their_scope(client, kabupaten_staff, proposal, other_proposal):
    client.force_login(kabupaten_staff)
    cards = client.get(reverse("home")).context["cards"]
    card = next(c for c in cards if "menunggu keputusan" in str(c.title))
    assert str(card.title) == "Usulan CSR menunggu keputusan (1)"
    assert [line.url for line in card.lines] == [reverse("csr:proposal_detail", args=[proposal.pk])]


def test_the_company_sees_matches_waiting_for_it(client, company_rep, proposal, programme, province_staff):
    services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=1_000)
    client.force_login(company_rep)
    assert "Pencocokan menunggu perusahaan saya (1)" in _card_titles(client)


def test_the_company_sees_the_amount_of_a_waiting_match_in_rupiah(
    client, company_rep, proposal, programme, province_staff
):
    services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=40_000_000)
    client.force_login(company_rep)
    page = client.get(reverse("home")).content.decode()
    assert "Rp 40.000.000" in page
    assert "40000000" not in page


def test_the_officer_sees_their_proposals_by_state(client, officer, make_proposal):
    make_proposal(state="draft")
    make_proposal(state="submitted")
    make_proposal(state="submitted")
    client.force_login(officer)
    card = next(c for c in client.get(reverse("home")).context["cards"] if str(c.title) == "Usulan CSR saya")
    assert [(str(line.text), line.badge) for line in card.lines] == [("Draf", 1), ("Diajukan", 2)]


def test_the_home_page_keeps_a_flat_query_count(client, province_staff, make_proposal, django_assert_max_num_queries):
    client.force_login(province_staff)
    make_proposal()
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("home"))
    for _ in range(100):
        make_proposal()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))


def test_the_menu_shows_csr_to_roles_that_use_it(client, officer, no_role_user):
    client.force_login(officer)
    assert reverse("csr:proposal_list") in client.get(reverse("home")).content.decode()
    client.force_login(no_role_user)
    assert reverse("csr:proposal_list") not in client.get(reverse("home")).content.decode()
