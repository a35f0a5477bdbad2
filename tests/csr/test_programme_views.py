"""Programme pages: list and detail with budget left, create, open/close, ranked proposals."""

from __future__ import annotations

from django.urls import reverse

from csr import services
from csr.models import Programme


def detail(p):
    return reverse("csr:programme_detail", args=[p.pk])


def test_anonymous_visitors_are_sent_to_log_in(client, programme):
    for url in (
        reverse("csr:programme_list"),
        detail(programme),
        reverse("csr:programme_matching", args=[programme.pk]),
    ):
        assert client.get(url).status_code == 302


def test_the_detail_shows_the_budget_left_after_accepted_matches(
    client, officer, programme, proposal, province_staff, company_rep
):
    services.match_accept(
        user=company_rep,
        match=services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=30_000_000),
    )
    client.force_login(officer)
    response = client.get(detail(programme))
    assert response.status_code == 200
    assert response.context["programme"].budget_left == 70_000_000
    assert "Rp 70.000.000" in response.content.decode()


def test_published_programmes_are_visible_to_every_role_but_drafts_only_to_their_company(
    client, officer, company_rep, companies, make_programme
):
    mine_draft = make_programme(status="draft")
    other_draft = make_programme(status="draft", company=companies.other)
    client.force_login(officer)
    assert client.get(detail(mine_draft)).status_code == 404
    client.force_login(company_rep)
    assert client.get(detail(mine_draft)).status_code == 200
    assert client.get(detail(other_draft)).status_code == 404


def test_a_company_sees_only_its_own_programmes(client, company_rep, companies, make_programme):
    theirs = make_programme(company=companies.other)
    mine = make_programme()
    client.force_login(company_rep)
    assert [p.pk for p in client.get(reverse("csr:programme_list")).context["page_obj"]] == [mine.pk]
    assert client.get(detail(theirs)).status_code == 404
    assert client.get(reverse("csr:programme_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("csr:programme_status", args=[theirs.pk]), {"status": "closed"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "open"


def test_staff_see_a_programme_but_cannot_edit_it(client, province_staff, programme):
    client.force_login(province_staff)
    assert client.get(detail(programme)).status_code == 200
    assert client.get(reverse("csr:programme_edit", args=[programme.pk])).status_code == 403


def test_a_representative_creates_a_programme_with_target_regions(client, company_rep, region_tree):
    client.force_login(company_rep)
    data = {
        "title": "Beasiswa",
        "sector": "education",
        "target_regions": "65.01.01, 65.03.01.2001",
        "budget": "250000000",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "beneficiary_target": "50",
        "accepts": "any",
    }
    response = client.post(reverse("csr:programme_create"), data)
    programme = Programme.objects.get()
    assert response.status_code == 302 and programme.target_codes == ["65.01.01", "65.03.01.2001"]
    data["target_regions"] = "65.99, abc"
    response = client.post(reverse("csr:programme_create"), data)
    assert "Kode wilayah tidak dikenal: 65.99, abc." in response.content.decode()
    data.update(target_regions="65.01", budget="-1")
    assert "Jumlah tidak boleh negatif." in client.post(reverse("csr:programme_create"), data).content.decode()
    assert Programme.objects.count() == 1


def test_staff_and_officers_cannot_create_programmes(client, officer, province_staff):
    for user in (officer, province_staff):
        client.force_login(user)
        assert client.get(reverse("csr:programme_create")).status_code == 403


def test_the_representative_opens_and_closes_the_programme(client, company_rep, make_programme):
    programme = make_programme(status="draft")
    client.force_login(company_rep)
    client.post(reverse("csr:programme_status", args=[programme.pk]), {"status": "open"})
    programme.refresh_from_db()
    assert programme.status == "open"
    response = client.post(reverse("csr:programme_status", args=[programme.pk]), {"status": "bogus"}, follow=True)
    assert "Status program tidak dikenal." in response.content.decode()


def test_closing_a_programme_asks_first_and_says_what_closes(client, company_rep, make_programme):
    programme = make_programme(status="open")
    client.force_login(company_rep)
    url = reverse("csr:programme_status", args=[programme.pk])
    response = client.post(url, {"status": "closed"})
    html = response.content.decode()
    assert response.status_code == 200 and "Tutup program ini?" in html
    assert "berhenti menerima usulan" in html and "Rp 0" in html
    programme.refresh_from_db()
    assert programme.status == "open"
    client.post(url, {"status": "closed", "confirmed": "yes"})
    programme.refresh_from_db()
    assert programme.status == "closed"


def test_the_company_sees_ranked_proposals_of_its_regions_only(
    client, company_rep, programme, proposal, other_proposal
):
    client.force_login(company_rep)
    response = client.get(reverse("csr:programme_matching", args=[programme.pk]))
    assert [s.proposal.pk for s in response.context["ranked"]] == [proposal.pk]
    assert "Kesesuaian sektor" in response.content.decode()


def test_the_list_filters_exports_and_keeps_a_flat_query_count(
    client, province_staff, make_programme, django_assert_max_num_queries
):
    client.force_login(province_staff)
    make_programme(sector="health")
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("csr:programme_list"))
    for i in range(300):
        make_programme(sector="health" if i % 2 else "education")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("csr:programme_list") + "?sector=health")
    assert response.context["page_obj"].paginator.count == 151
    response = client.get(reverse("csr:programme_list") + "?export=xlsx&sector=health")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_ranked_proposals_page_keeps_a_flat_query_count(
    client, province_staff, programme, make_proposal, django_assert_max_num_queries
):
    client.force_login(province_staff)
    make_proposal()
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("csr:programme_matching", args=[programme.pk]))
    for _ in range(300):
        make_proposal()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("csr:programme_matching", args=[programme.pk]))
    assert len(response.context["ranked"]) == 50


def test_too_many_target_regions_are_refused_with_a_message(client, company_rep):
    client.force_login(company_rep)
    codes = (
        ", ".join(f"65.01.{i:02d}" for i in range(1, 99))
        + ", "
        + ", ".join(f"65.03.{i:02d}" for i in range(1, 99))
        + ", 65, 65.01, 65.03, 65.71, 65.02"
    )
    response = client.post(
        reverse("csr:programme_create"),
        {
            "title": "X",
            "sector": "health",
            "target_regions": codes,
            "budget": "1",
            "starts_on": "2026-01-01",
            "ends_on": "2026-02-01",
            "beneficiary_target": "0",
            "accepts": "any",
        },
    )
    assert "Paling banyak 200 wilayah sasaran." in response.content.decode()
