"""The family page: members masked, full numbers on request (logged), history as a timeline."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import PersonalDataAccess


def url(family):
    return reverse("poverty_data:family", args=[family.pk])


def test_it_sends_anonymous_visitors_to_log_in(client, families):
    assert client.get(url(families[0])).status_code == 302


def test_a_family_of_another_village_does_not_exist(client, other_officer, families):
    client.force_login(other_officer)
    assert client.get(url(families[0])).status_code == 404


def test_nik_is_masked_until_revealed_and_revealing_is_logged(client, officer, families):
    family = families[0]
    nik = family.members.first().nik
    client.force_login(officer)
    html = client.get(url(family)).content.decode()
    assert nik not in html and family.no_kk not in html
    assert not PersonalDataAccess.objects.exists()
    html = client.post(url(family)).content.decode()
    assert nik in html and family.no_kk in html
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.action, log.subject, log.object_id) == (
        officer,
        "view",
        "poverty_data.family",
        str(family.pk),
    )


@pytest.mark.parametrize("who", ["province_staff"])
def test_a_role_that_does_not_need_the_numbers_cannot_reveal_them(client, all_roles, families, who):
    client.force_login(all_roles[who])
    assert client.get(url(families[0])).status_code == 200
    assert client.post(url(families[0])).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_kabupaten_staff_may_reveal_in_their_kabupaten(client, kabupaten_staff, families):
    client.force_login(kabupaten_staff)
    assert families[0].no_kk in client.post(url(families[0])).content.decode()


def test_the_history_shows_who_changed_what_in_which_submission(
    client, officer, families, draft, chain, settings, tmp_path
):
    from .test_submission_services import to_state

    settings.MEDIA_ROOT = tmp_path
    from poverty_data import services

    services.change_family_correct(
        user=officer, submission=draft, expected_version=None, family=families[0], family_version=1, data={"desil": 1}
    )
    to_state(draft, "finalised", chain)
    client.force_login(officer)
    html = client.get(url(families[0])).content.decode()
    assert "desil kesejahteraan" in html
    assert reverse("poverty_data:submission", args=[draft.pk]) in html
    assert chain.province.display_name in html and "Pemutakhiran Desember 2026" in html


def test_the_history_reads_flags_as_yes_or_no_and_choices_by_their_label(
    client, officer, families, draft, chain, settings, tmp_path
):
    from poverty_data import services

    from .test_submission_services import to_state

    settings.MEDIA_ROOT = tmp_path
    services.change_family_correct(
        user=officer, submission=draft, expected_version=None, family=families[0], family_version=1,
        data={"receives_sembako": True, "floor_type": "ceramic"},
    )  # fmt: skip
    to_state(draft, "finalised", chain)
    client.force_login(officer)
    html = client.get(url(families[0])).content.decode()
    assert "Sembako/BPNT: <del>Tidak</del> → <ins>Ya</ins>" in html
    assert "Keramik" in html and "ceramic" not in html
    assert "True" not in html and "versi: <del>" not in html


def test_a_nik_correction_is_masked_in_the_history_unless_revealed(
    client, officer, families, draft, chain, settings, tmp_path
):
    from poverty_data import services

    from .conftest import nik_for
    from .test_submission_services import to_state

    settings.MEDIA_ROOT = tmp_path
    member = families[0].members.get(relationship="head")
    new_nik = nik_for("650101", day=12, month=5, year=90, serial=4321)
    services.change_member_correct(
        user=officer, submission=draft, expected_version=None, member=member, member_version=1,
        data={"nik": new_nik, "birth_date": member.birth_date},
    )  # fmt: skip
    to_state(draft, "finalised", chain)
    client.force_login(officer)
    html = client.get(url(families[0])).content.decode()
    assert new_nik not in html and f"{new_nik[:6]}******{new_nik[-4:]}" in html
    assert new_nik in client.post(url(families[0])).content.decode()
