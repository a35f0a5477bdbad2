"""Finding a family in the submission editor: the village page's search (misspelt names, numbers) and
its dusun/RT/desil filters, the member that matched, and the family page's way into the open draft."""

from __future__ import annotations

import pytest
from django.urls import reverse

from poverty_data.models import Family, Member

from .conftest import make_families


def editor(draft, **params):
    base = reverse("poverty_data:submission", args=[draft.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_the_editor_finds_a_family_by_a_misspelt_member_name_and_says_which_member(client, officer, draft, families):
    Member.objects.filter(family=families[2], relationship="spouse").update(name="Siti Nurhalizah Rahmawati")
    client.force_login(officer)
    response = client.post(editor(draft), {"q": "Siti Nurhaliza Rahmawaty"})
    assert response.status_code == 302 and "Siti" not in response["Location"]
    response = client.get(response["Location"])
    assert [f.pk for f in response.context["family_page"]] == [families[2].pk]
    assert "Cocok: anggota Siti Nurhalizah Rahmawati" in response.content.decode()


def test_the_editor_does_not_say_which_member_when_the_head_matched(client, officer, draft, families):
    client.force_login(officer)
    client.post(editor(draft), {"q": "Warga 2-0"})
    response = client.get(editor(draft))
    assert response.context["family_page"][0].pk == families[1].pk
    assert "Cocok: anggota" not in response.content.decode()


def test_the_editor_finds_a_family_by_its_no_kk_or_a_members_nik(client, officer, draft, families):
    client.force_login(officer)
    client.post(editor(draft), {"q": families[0].no_kk})
    assert [f.pk for f in client.get(editor(draft)).context["family_page"]] == [families[0].pk]
    nik = families[1].members.get(relationship="spouse").nik
    client.post(editor(draft), {"q": nik})
    response = client.get(editor(draft))
    assert [f.pk for f in response.context["family_page"]] == [families[1].pk]
    assert "Cocok: anggota Warga 2-1" in response.content.decode()


def test_the_editor_filters_by_dusun_rt_and_desil(client, officer, draft, families, region_tree):
    Family.objects.filter(pk=families[0].pk).update(dusun="Dusun II", rt="003", desil=1)
    client.force_login(officer)
    assert [f.pk for f in client.get(editor(draft, dusun="Dusun II")).context["family_page"]] == [families[0].pk]
    assert [f.pk for f in client.get(editor(draft, rt="003")).context["family_page"]] == [families[0].pk]
    assert [f.pk for f in client.get(editor(draft, desil=1)).context["family_page"]] == [families[0].pk]
    assert client.get(editor(draft, desil=3)).context["family_page"].paginator.count == 2


def test_the_editor_and_the_village_page_share_the_villages_search(client, officer, draft, families):
    client.force_login(officer)
    client.post(editor(draft), {"q": "Warga 3-0"})
    village_page = client.get(reverse("poverty_data:village", args=[draft.village_id]))
    assert village_page.context["page_obj"][0].pk == families[2].pk


def test_a_search_on_someone_elses_submission_is_a_404(client, other_officer, draft, families):
    client.force_login(other_officer)
    assert client.post(editor(draft), {"q": "Warga"}).status_code == 404


def test_the_family_page_leads_an_officer_of_the_pokja_into_the_open_draft(client, officer, draft, families):
    client.force_login(officer)
    html = client.get(reverse("poverty_data:family", args=[families[0].pk])).content.decode()
    assert "Perbaiki di draf" in html
    assert reverse("poverty_data:change_family", args=[draft.pk, families[0].pk]) in html


@pytest.mark.parametrize("who", ["village_head", "kabupaten_staff"])
def test_the_family_page_offers_no_draft_to_who_may_not_edit_it(client, all_roles, draft, families, who):
    client.force_login(all_roles[who])
    assert "Perbaiki di draf" not in client.get(reverse("poverty_data:family", args=[families[0].pk])).content.decode()


def test_the_family_page_offers_no_draft_when_there_is_none(client, officer, pokja, families):
    client.force_login(officer)
    assert "Perbaiki di draf" not in client.get(reverse("poverty_data:family", args=[families[0].pk])).content.decode()


def test_many_families_are_paged_and_the_search_narrows_them(client, officer, draft, region_tree):
    make_families(region_tree.village, 20)
    client.force_login(officer)
    assert client.get(editor(draft)).context["family_page"].paginator.count == 20
    client.post(editor(draft), {"q": "Warga 17-0"})
    assert client.get(editor(draft)).context["family_page"][0].head_name == "Warga 17-0"
