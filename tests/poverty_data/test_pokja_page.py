"""The Pokja page: the village head records the decree, budget and members."""

from __future__ import annotations

from django.urls import reverse

from poverty_data.models import Pokja, PokjaMember


def url(village):
    return reverse("poverty_data:pokja", args=[village.pk])


def test_it_sends_anonymous_visitors_to_log_in(client, region_tree):
    assert client.get(url(region_tree.village)).status_code == 302


def test_the_village_head_records_the_decree_and_adds_an_officer(client, village_head, officer, region_tree):
    client.force_login(village_head)
    response = client.post(
        url(region_tree.village),
        {
            "form": "pokja",
            "sk_number": "141/7/2026",
            "sk_date": "2026-02-01",
            "budget_dana_desa": "12000000",
            "budget_year": "2026",
        },
    )
    assert response.status_code == 302
    pokja = Pokja.objects.get(village=region_tree.village)
    assert (pokja.sk_number, pokja.budget_dana_desa) == ("141/7/2026", 12000000)
    client.post(url(region_tree.village), {"form": "member", "user": officer.pk, "position": "chair"})
    assert PokjaMember.objects.get(pokja=pokja).user == officer


def test_a_user_of_another_village_cannot_be_added(client, village_head, other_officer, region_tree):
    client.force_login(village_head)
    response = client.post(url(region_tree.village), {"form": "member", "user": other_officer.pk, "position": "member"})
    assert response.status_code == 400 and "Masukkan pilihan yang valid" in response.content.decode()


def test_an_officer_may_see_but_not_manage_the_pokja(client, officer, region_tree):
    client.force_login(officer)
    assert client.get(url(region_tree.village)).status_code == 403


def test_another_villages_head_finds_nothing(client, region_tree):
    from accounts.models import Role
    from accounts.services import role_assign
    from tests.factories import UserFactory

    head = UserFactory(username="kades2")
    role_assign(user=head, role=Role.VILLAGE_HEAD, region=region_tree.other_village)
    client.force_login(head)
    assert client.get(url(region_tree.village)).status_code == 404
