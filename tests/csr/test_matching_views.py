"""The matching page of a proposal: staff confirm there; the company decides on the proposal page."""

from __future__ import annotations

from django.urls import reverse

from csr import services
from csr.models import Match


def matching_url(p):
    return reverse("csr:proposal_matching", args=[p.pk])


def test_staff_see_ranked_programmes_with_the_weights_shown(client, province_staff, proposal, programme):
    client.force_login(province_staff)
    response = client.get(matching_url(proposal))
    html = response.content.decode()
    assert [s.programme.pk for s in response.context["ranked"]] == [programme.pk]
    assert "Cara skor dihitung" in html and "Kesesuaian sektor: 25" in html
    # The score's rows are criteria, not a "Masa bakti" (an organisation's term of office).
    assert '<th scope="col">Kriteria</th>' in html and "Masa bakti" not in html
    assert "Belum ada data kemiskinan untuk desa ini." in html


def test_the_amount_field_is_prefilled_with_what_is_still_needed_as_a_plain_number(
    client, province_staff, proposal, programme
):
    # A number input cannot read "20.000.000": the browser would drop it and show an empty field.
    client.force_login(province_staff)
    html = client.get(matching_url(proposal)).content.decode()
    assert f'name="amount" id="amount-{programme.pk}" value="{int(proposal.amount_requested)}"' in html


def test_staff_confirm_a_match_on_the_page(client, province_staff, proposal, programme):
    client.force_login(province_staff)
    response = client.post(matching_url(proposal), {"programme": programme.pk, "amount": "20000000", "note": "Ok"})
    assert response.status_code == 302
    match = Match.objects.get()
    assert match.amount == 20_000_000 and match.confirmed_by == province_staff


def test_overspending_on_the_page_shows_a_message_and_changes_nothing(
    client, province_staff, make_proposal, make_programme
):
    programme = make_programme(budget=10_000_000)
    proposal = make_proposal(amount=50_000_000)
    client.force_login(province_staff)
    response = client.post(matching_url(proposal), {"programme": programme.pk, "amount": "20000000"})
    assert "Sisa anggaran program hanya Rp 10.000.000." in response.content.decode()
    assert not Match.objects.exists()


def test_malformed_programme_ids_and_amounts_get_messages(client, province_staff, proposal, programme):
    client.force_login(province_staff)
    for data in (
        {"programme": "x", "amount": "1"},
        {"programme": "999999", "amount": "1"},
        {"programme": programme.pk, "amount": "-3"},
    ):
        response = client.post(matching_url(proposal), data)
        assert response.status_code == 200
    assert "Jumlah tidak boleh negatif." in response.content.decode()
    assert not Match.objects.exists()


def test_an_officer_sees_the_ranking_but_cannot_confirm(client, officer, proposal, programme):
    client.force_login(officer)
    assert client.get(matching_url(proposal)).status_code == 200
    assert client.post(matching_url(proposal), {"programme": programme.pk, "amount": "1"}).status_code == 403


def test_out_of_scope_staff_get_a_404(client, kabupaten_staff, other_proposal):
    client.force_login(kabupaten_staff)
    assert client.get(matching_url(other_proposal)).status_code == 404


def test_the_company_accepts_on_the_proposal_page(client, company_rep, proposal, programme, province_staff):
    match = services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=1_000)
    client.force_login(company_rep)
    html = client.get(reverse("csr:proposal_detail", args=[proposal.pk])).content.decode()
    assert reverse("csr:match_decide", args=[match.pk]) in html
    client.post(reverse("csr:match_decide", args=[match.pk]), {"decision": "accept", "reason": "", "confirmed": "yes"})
    match.refresh_from_db()
    assert match.state == "accepted"


def test_accepting_asks_first_and_states_the_amount_in_rupiah(client, company_rep, proposal, programme, province_staff):
    match = services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=40_000_000)
    client.force_login(company_rep)
    url = reverse("csr:match_decide", args=[match.pk])
    response = client.post(url, {"decision": "accept", "reason": "Siap didanai."})
    html = response.content.decode()
    assert response.status_code == 200 and "Terima pencocokan ini?" in html
    assert "Rp 40.000.000" in html and programme.title in html
    # The question carries the same decision and note into the confirming POST.
    assert 'name="decision" value="accept"' in html and 'name="reason" value="Siap didanai."' in html
    match.refresh_from_db()
    assert match.state == "confirmed"
    client.post(url, {"decision": "accept", "reason": "Siap didanai.", "confirmed": "yes"})
    match.refresh_from_db()
    assert match.state == "accepted" and match.reason == "Siap didanai."


def test_the_company_declines_only_with_a_reason(client, company_rep, proposal, programme, province_staff):
    match = services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=1_000)
    client.force_login(company_rep)
    url = reverse("csr:match_decide", args=[match.pk])
    response = client.post(url, {"decision": "decline", "reason": ""}, follow=True)
    assert "Tuliskan alasan penolakan" in response.content.decode()
    response = client.post(url, {"decision": "decline", "reason": "Anggaran dialihkan."})
    html = response.content.decode()
    assert "Tolak pencocokan ini?" in html and "tidak akan mendanai Rp 1.000" in html
    match.refresh_from_db()
    assert match.state == "confirmed"
    client.post(url, {"decision": "decline", "reason": "Anggaran dialihkan.", "confirmed": "yes"})
    match.refresh_from_db()
    assert match.state == "declined" and match.reason == "Anggaran dialihkan."


def test_staff_and_other_companies_cannot_decide(client, province_staff, other_officer, proposal, programme, companies):
    from tests.factories import UserFactory

    match = services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=1_000)
    url = reverse("csr:match_decide", args=[match.pk])
    client.force_login(province_staff)
    assert client.post(url, {"decision": "accept"}).status_code == 403
    other_rep = UserFactory(username="lain")
    services.company_representative_assign(user=other_rep, company=companies.other)
    client.force_login(other_rep)
    assert client.post(url, {"decision": "accept"}).status_code == 404
    client.force_login(other_officer)
    assert client.post(url, {"decision": "accept"}).status_code == 404
    match.refresh_from_db()
    assert match.state == "confirmed"


def test_the_matching_page_keeps_a_flat_query_count(
    client, province_staff, proposal, make_programme, django_assert_max_num_queries
):
    client.force_login(province_staff)
    make_programme()
    with django_assert_max_num_queries(11) as few:
        client.get(matching_url(proposal))
    for _ in range(200):
        make_programme()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(matching_url(proposal))


def test_the_match_list_is_scoped_and_exports(client, company_rep, proposal, programme, province_staff):
    services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=1_000)
    client.force_login(company_rep)
    response = client.get(reverse("csr:match_list") + "?state=confirmed")
    assert len(response.context["page_obj"]) == 1
    assert "Sebagian isian" in client.get(reverse("csr:match_list") + "?state=zzz").content.decode()
    body = b"".join(client.get(reverse("csr:match_list") + "?export=csv").streaming_content).decode()
    assert proposal.title in body


def test_a_company_sees_only_its_own_programmes_in_a_proposal_ranking(
    client, company_rep, proposal, programme, make_programme, companies
):
    make_programme(company=companies.other)
    client.force_login(company_rep)
    assert [s.programme.pk for s in client.get(matching_url(proposal)).context["ranked"]] == [programme.pk]


def test_a_programme_of_another_sector_is_confirmed_only_under_a_warning(
    client, province_staff, proposal, programme, make_programme
):
    other = make_programme(sector="health", title="Posyandu sehat")
    client.force_login(province_staff)
    html = client.get(matching_url(proposal)).content.decode()
    warning = "Bidang berbeda: program ini mendanai Kesehatan"
    assert html.count(warning) == 1 and "0 dari 25 poin" in html
    # The warning sits in the other programme's form, not the same-sector one's.
    other_card = html.split("Posyandu sehat", 1)[1]
    assert warning in other_card.split("</section>", 1)[0]
    # The rules allow it: confirming still works.
    response = client.post(matching_url(proposal), {"programme": other.pk, "amount": "1000000", "note": ""})
    assert response.status_code == 302 and Match.objects.filter(programme=other).exists()
