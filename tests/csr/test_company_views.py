"""Company pages: profile, forum years, representatives; edited by its representative."""

from __future__ import annotations

from django.urls import reverse


def test_anonymous_visitors_are_sent_to_log_in(client, companies):
    assert client.get(reverse("csr:company_detail", args=[companies.mine.pk])).status_code == 302


def test_the_representative_sees_and_edits_their_company(client, company_rep, companies, region_tree):
    client.force_login(company_rep)
    response = client.get(reverse("csr:company_detail", args=[companies.mine.pk]))
    assert response.status_code == 200 and company_rep.display_name in response.content.decode()
    client.post(
        reverse("csr:company_edit", args=[companies.mine.pk]),
        {
            "business_sector": "Energi",
            "kabupaten": region_tree.bulungan.pk,
            "forum": "tjslbu",
            "forum_years": "2025, 2026",
        },
    )
    companies.mine.refresh_from_db()
    assert companies.mine.business_sector == "Energi"
    assert sorted(companies.mine.forum_memberships.values_list("year", flat=True)) == [2025, 2026]
    assert companies.mine.history.count() == 2


def test_another_company_is_404_and_bad_years_are_refused(client, company_rep, companies):
    client.force_login(company_rep)
    assert client.get(reverse("csr:company_detail", args=[companies.other.pk])).status_code == 404
    response = client.post(
        reverse("csr:company_edit", args=[companies.mine.pk]), {"forum": "tjslbu", "forum_years": "20x5"}
    )
    assert "Isikan tahun antara 2000 dan 2100." in response.content.decode()


def test_kabupaten_staff_see_companies_of_their_kabupaten_but_cannot_edit(
    client, kabupaten_staff, companies, region_tree
):
    companies.mine.kabupaten = region_tree.bulungan
    companies.mine.save()
    client.force_login(kabupaten_staff)
    listed = [c.pk for c in client.get(reverse("csr:company_list")).context["page_obj"]]
    assert listed == [companies.mine.pk]
    assert client.get(reverse("csr:company_edit", args=[companies.mine.pk])).status_code == 403


def test_officers_have_no_company_pages(client, officer):
    client.force_login(officer)
    assert client.get(reverse("csr:company_list")).status_code == 403


def test_the_list_keeps_a_flat_query_count(client, province_staff, django_assert_max_num_queries):
    from tests.factories import CompanyFactory

    client.force_login(province_staff)
    CompanyFactory()
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("csr:company_list"))
    CompanyFactory.create_batch(200)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("csr:company_list"))


def test_a_search_with_odd_characters_does_not_break_the_list(client, company_rep):
    client.force_login(company_rep)
    assert client.get(reverse("csr:company_list") + "?q=%00%27%22" + "x" * 500).status_code == 200
