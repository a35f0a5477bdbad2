"""An officer outside the village's Pokja is told why there is no draft and who can fix it; the village
head adds them to the Pokja from the village page."""

from __future__ import annotations

from django.urls import reverse

from poverty_data.models import PokjaMember


def test_the_village_page_tells_an_officer_outside_the_pokja_why_and_names_the_village_head(
    client, officer, village_head, open_round, region_tree
):
    village_head.first_name, village_head.last_name = "Yohanes", "Ading"
    village_head.save()
    client.force_login(officer)
    html = client.get(reverse("poverty_data:village", args=[region_tree.village.pk])).content.decode()
    assert "Anda bukan anggota Pokja desa ini" in html
    assert "Kepala desa (Yohanes Ading) dapat menambahkan Anda ke Pokja." in html


def test_a_pokja_member_is_not_told_so(client, officer, pokja, open_round, region_tree):
    client.force_login(officer)
    html = client.get(reverse("poverty_data:village", args=[region_tree.village.pk])).content.decode()
    assert "Anda bukan anggota Pokja" not in html


def test_the_home_card_says_why_there_is_no_draft_and_who_can_fix_it(
    client, officer, village_head, open_round, region_tree
):
    village_head.first_name, village_head.last_name = "Yohanes", "Ading"
    village_head.save()
    client.force_login(officer)
    html = client.get("/").content.decode()
    assert "Tidak ada draf Pokja Anda yang terbuka." not in html
    assert "Anda bukan anggota Pokja" in html and "Yohanes Ading" in html


def test_the_village_head_adds_an_officer_to_the_pokja_from_the_village_page(
    client, officer, village_head, open_round, region_tree
):
    client.force_login(village_head)
    page = reverse("poverty_data:village", args=[region_tree.village.pk])
    html = client.get(page).content.decode()
    assert "Tambahkan ke Pokja" in html and officer.display_name in html
    response = client.post(
        reverse("poverty_data:pokja", args=[region_tree.village.pk]),
        {"form": "member", "user": officer.pk, "position": "member"},
    )
    assert response.status_code == 302
    assert PokjaMember.objects.filter(user=officer, pokja__village=region_tree.village).exists()
    assert "Tambahkan ke Pokja" not in client.get(page).content.decode()


def test_an_officer_sees_no_add_to_pokja_action(client, officer, open_round, region_tree):
    client.force_login(officer)
    assert (
        "Tambahkan ke Pokja"
        not in client.get(reverse("poverty_data:village", args=[region_tree.village.pk])).content.decode()
    )
