"""Every page that takes an id: anonymous visitors log in first, outsiders find nothing, odd ids are 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

HUGE = 99999999999999999999999


def id_urls(draft, families, region_tree):
    family, member = families[0], families[0].members.first()
    change = draft.changes.first()
    return [
        ("get", reverse("poverty_data:village", args=[region_tree.village.pk])),
        ("post", reverse("poverty_data:submission_start", args=[region_tree.village.pk])),
        ("get", reverse("poverty_data:pokja", args=[region_tree.village.pk])),
        ("get", reverse("poverty_data:family", args=[family.pk])),
        ("get", reverse("poverty_data:submission", args=[draft.pk])),
        ("get", reverse("poverty_data:change_new_family", args=[draft.pk])),
        ("get", reverse("poverty_data:change_family", args=[draft.pk, family.pk])),
        ("get", reverse("poverty_data:change_member_add", args=[draft.pk, family.pk])),
        ("get", reverse("poverty_data:change_deactivate", args=[draft.pk, family.pk])),
        ("get", reverse("poverty_data:change_member", args=[draft.pk, member.pk])),
        ("post", reverse("poverty_data:change_remove", args=[draft.pk, change.pk])),
        ("post", reverse("poverty_data:change_resolve", args=[draft.pk, change.pk])),
        ("post", reverse("poverty_data:submission_submit", args=[draft.pk])),
    ]


@pytest.fixture
def proposed(draft, officer, families):
    from poverty_data import services

    services.change_family_correct(
        user=officer, submission=draft, expected_version=None, family=families[1], family_version=1, data={"desil": 1}
    )
    return draft


def test_anonymous_visitors_are_sent_to_log_in_everywhere(client, proposed, families, region_tree):
    for method, path in id_urls(proposed, families, region_tree):
        response = getattr(client, method)(path)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], path


def test_an_officer_of_another_village_finds_nothing(client, other_officer, proposed, families, region_tree):
    client.force_login(other_officer)
    for method, path in id_urls(proposed, families, region_tree):
        assert getattr(client, method)(path).status_code == 404, path


def test_the_pokja_member_of_the_village_reaches_every_editor(client, officer, proposed, families, region_tree):
    client.force_login(officer)
    for method, path in id_urls(proposed, families, region_tree):
        if method == "get" and "pokja" not in path:
            assert client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    "path",
    [
        f"/data-kemiskinan/desa/{HUGE}/",
        f"/data-kemiskinan/keluarga/{HUGE}/",
        f"/data-kemiskinan/pengajuan/{HUGE}/",
        f"/data-kemiskinan/periode/{HUGE}/",
        f"/data-kemiskinan/periode/1/?wilayah={HUGE}",
        f"/data-kemiskinan/dasbor/?wilayah={HUGE}",
        "/data-kemiskinan/keluarga/6501010101900001/",
        "/data-kemiskinan/pengajuan/1x/",
    ],
)
def test_odd_ids_are_404_never_500(client, province_staff, open_round, path):
    client.force_login(province_staff)
    assert client.get(path).status_code == 404


def test_odd_ids_inside_a_submission_are_404(client, officer, proposed):
    client.force_login(officer)
    for path in (
        reverse("poverty_data:change_family", args=[proposed.pk, HUGE]),
        reverse("poverty_data:change_member", args=[proposed.pk, HUGE]),
    ):
        assert client.get(path).status_code == 404
    assert client.post(reverse("poverty_data:change_remove", args=[proposed.pk, HUGE])).status_code == 404
