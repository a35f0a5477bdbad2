"""The village page: families (search, filters, pagination, export), the round's submission, the Pokja."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import PersonalDataAccess
from poverty_data.models import Member

from .conftest import make_families


def member_rename(family, name: str) -> None:
    """The head of ``family`` renamed directly (test data; the search reads what the table holds)."""
    Member.objects.filter(family=family, relationship="head").update(name=name)


def url(village, **params):
    base = reverse("poverty_data:village", args=[village.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_it_sends_anonymous_visitors_to_log_in(client, region_tree):
    response = client.get(url(region_tree.village))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("who", ["officer", "village_head", "kabupaten_staff", "province_staff", "administrator"])
def test_everyone_whose_scope_covers_the_village_sees_its_families(client, all_roles, families, region_tree, who):
    client.force_login(all_roles[who])
    response = client.get(url(region_tree.village))
    assert response.status_code == 200
    assert "3 keluarga" in response.content.decode()


@pytest.mark.parametrize("who", ["other_officer", "company_rep"])
def test_a_village_outside_the_scope_does_not_exist(client, all_roles, families, region_tree, who):
    client.force_login(all_roles[who])
    assert client.get(url(region_tree.village)).status_code == 404


def test_a_kabupaten_outside_the_scope_does_not_exist_either(client, kabupaten_staff, other_families, region_tree):
    client.force_login(kabupaten_staff)
    assert client.get(url(region_tree.other_village)).status_code == 404


@pytest.mark.parametrize(
    "path", ["/data-kemiskinan/desa/abc/", "/data-kemiskinan/desa/99999/", "/data-kemiskinan/desa/-1/"]
)
def test_a_malformed_or_unknown_id_is_a_404(client, officer, path):
    client.force_login(officer)
    assert client.get(path).status_code == 404


def test_identity_numbers_are_masked_in_the_list(client, officer, families, region_tree):
    client.force_login(officer)
    html = client.get(url(region_tree.village)).content.decode()
    assert families[0].no_kk not in html
    assert f"{families[0].no_kk[:6]}******{families[0].no_kk[-4:]}" in html


def test_filters_narrow_the_list_and_bad_filters_are_ignored_with_an_indonesian_message(client, officer, region_tree):
    make_families(region_tree.village, 2, desil=1)
    make_families(region_tree.village, 3, start=50, desil=7)
    client.force_login(officer)
    assert client.get(url(region_tree.village, desil=1)).context["page_obj"].paginator.count == 2
    response = client.get(url(region_tree.village, desil="abc", status="zzz"))
    assert response.status_code == 200
    assert "Beberapa filter tidak valid dan diabaikan." in response.content.decode()
    assert response.context["page_obj"].paginator.count == 5


def test_the_filters_show_what_was_chosen_and_mark_a_refused_value(client, officer, region_tree):
    client.force_login(officer)
    html = client.get(url(region_tree.village, desil=3, status="inactive", assistance="receives_pkh", invalid="on"))
    html = html.content.decode()
    assert '<option value="3" selected>3</option>' in html
    assert '<option value="inactive" selected>Tidak aktif</option>' in html
    assert '<option value="receives_pkh" selected>PKH</option>' in html
    assert 'id="id_invalid" checked>' in html
    plain = client.get(url(region_tree.village)).content.decode()
    assert '<option value="" selected>—</option>' in plain and "checked>" not in plain
    refused = client.get(url(region_tree.village, desil="x")).content.decode()
    assert re.search(r'<select name="desil" [^>]*aria-invalid="true"', refused)
    assert not re.search(r'<select name="status" [^>]*aria-invalid', refused)


def test_the_search_term_never_appears_in_the_url(client, officer, families, region_tree):
    client.force_login(officer)
    head = families[1].members.get(relationship="head")
    response = client.post(url(region_tree.village), {"q": head.name})
    assert response.status_code == 302 and head.name.split()[0] not in response["Location"]
    page = client.get(response["Location"]).context["page_obj"]
    assert page[0].pk == families[1].pk  # the name itself first, then names spelt alike
    client.post(url(region_tree.village), {"clear": "1"})
    assert client.get(url(region_tree.village)).context["page_obj"].paginator.count == 3


@pytest.mark.parametrize("typed", ["Muhamad Rizki", "muhammad rizky", "Zulkarnaen"])
def test_the_search_finds_a_name_typed_with_a_spelling_mistake_or_without_accents(
    client, officer, families, region_tree, typed
):
    member_rename(families[2], "Muhammad Rizky Zulkarnaén")
    client.force_login(officer)
    client.post(url(region_tree.village), {"q": typed})
    page = client.get(url(region_tree.village)).context["page_obj"]
    assert [f.pk for f in page] == [families[2].pk]


def test_the_search_does_not_find_a_name_that_only_shares_a_few_letters(client, officer, families, region_tree):
    member_rename(families[2], "Muhammad Rizky")
    client.force_login(officer)
    client.post(url(region_tree.village), {"q": "Ahmad Fauzi"})
    assert client.get(url(region_tree.village)).context["page_obj"].paginator.count == 0


@pytest.mark.parametrize("typed", ["Warga\x00 1", "W" * 61])
def test_a_search_with_a_control_character_or_too_long_is_refused_and_the_last_one_kept(
    client, officer, families, region_tree, typed
):
    client.force_login(officer)
    client.post(url(region_tree.village), {"q": "Warga 2-0"})
    response = client.post(url(region_tree.village), {"q": typed}, follow=True)
    assert response.status_code == 200
    assert "Beberapa filter tidak valid dan diabaikan." in response.content.decode()
    assert response.context["page_obj"][0].pk == families[1].pk  # still the search before


def test_an_export_of_personal_data_is_logged_and_keeps_the_filters(client, officer, region_tree):
    make_families(region_tree.village, 2, desil=1)
    make_families(region_tree.village, 2, start=50, desil=8)
    client.force_login(officer)
    response = client.get(url(region_tree.village, export="csv", desil=1))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200 and len(body.strip().splitlines()) == 3
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.action, log.rows, log.region_code) == (officer, "export", 2, "65.01.01.2005")


def test_the_province_exports_masked_numbers(client, province_staff, families, region_tree):
    client.force_login(province_staff)
    response = client.get(url(region_tree.village, export="csv"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert families[0].no_kk not in body and families[0].no_kk[:6] in body


def test_the_page_shows_the_round_submission_and_the_pokja(client, officer, draft, region_tree):
    client.force_login(officer)
    html = client.get(url(region_tree.village)).content.decode()
    assert "Draf" in html and "141/12/2026" in html and reverse("poverty_data:submission", args=[draft.pk]) in html
    assert "Ketua" in html and "Karang Taruna</span>" in html  # the chair is a Karang Taruna officer


def test_the_page_keeps_a_flat_query_count_with_hundreds_of_families(
    client, officer, region_tree, draft, django_assert_max_num_queries
):
    make_families(region_tree.village, 300, members=3)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get(url(region_tree.village))
    assert response.context["page_obj"].paginator.count == 300


def test_searching_by_number_is_only_for_roles_that_may_see_numbers(
    client, officer, province_staff, families, region_tree
):
    nik = families[1].members.first().nik
    client.force_login(officer)
    client.post(url(region_tree.village), {"q": nik})
    assert [f.pk for f in client.get(url(region_tree.village)).context["page_obj"]] == [families[1].pk]
    client.force_login(province_staff)
    client.post(url(region_tree.village), {"q": nik})
    response = client.get(url(region_tree.village))
    assert response.context["page_obj"].paginator.count == 3
    assert "Pencarian dengan NIK atau No. KK hanya untuk peran yang boleh melihatnya." in response.content.decode()
