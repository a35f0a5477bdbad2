"""A new family proposed in a draft can be corrected: its form comes back filled with the proposal and
is saved through the service (not only removed and typed again)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from poverty_data import services
from poverty_data.models import ChangeKind

from .conftest import nik_for


@pytest.fixture
def new_family(draft, officer):
    return services.change_new_family(
        user=officer,
        submission=draft,
        expected_version=None,
        family_data={"no_kk": "6501010101260001", "dusun": "Dusun II", "rt": "003", "rw": "001", "desil": 1},
        members_data=[
            {"nik": nik_for("650101", serial=7001), "name": "Kepala Baru", "sex": "L",
             "birth_date": dt.date(1990, 5, 12), "relationship": "head"},
            {"nik": nik_for("650101", serial=7002, female=True), "name": "Istri Baru", "sex": "P",
             "birth_date": dt.date(1990, 5, 12), "relationship": "spouse"},
        ],
    )  # fmt: skip


def edit_url(draft, change):
    return reverse("poverty_data:change_new_family_edit", args=[draft.pk, change.pk])


def test_the_submission_page_offers_to_edit_a_proposed_new_family(client, officer, draft, new_family):
    client.force_login(officer)
    assert (
        edit_url(draft, new_family) in client.get(reverse("poverty_data:submission", args=[draft.pk])).content.decode()
    )


def test_the_edit_form_comes_filled_with_the_proposal(client, officer, draft, new_family):
    client.force_login(officer)
    response = client.get(edit_url(draft, new_family))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Perbaiki keluarga baru" in html
    assert 'value="6501010101260001"' in html and 'value="Kepala Baru"' in html and 'value="Istri Baru"' in html


def post_data(draft, **changes):
    data = {
        "no_kk": "6501010101260001", "dusun": "Dusun III", "rt": "005", "rw": "001", "desil": "2",
        "m0-nik": nik_for("650101", serial=7001), "m0-name": "Kepala Baru Benar", "m0-sex": "L",
        "m0-birth_date": "1990-05-12", "m0-relationship": "head", "m0-disability": "none", "m0-chronic_illness": "none",
        "m1-nik": nik_for("650101", serial=7002, female=True), "m1-name": "Istri Baru", "m1-sex": "P",
        "m1-birth_date": "1990-05-12", "m1-relationship": "spouse", "m1-disability": "none", "m1-chronic_illness": "none",
        "submission_version": draft.version,
    }  # fmt: skip
    data.update(changes)
    return data


def test_saving_the_edit_replaces_the_proposal_and_adds_no_second_family(client, officer, draft, new_family):
    draft.refresh_from_db()
    client.force_login(officer)
    response = client.post(edit_url(draft, new_family), post_data(draft))
    assert response.status_code == 302
    new_family.refresh_from_db()
    assert new_family.payload["family"]["dusun"] == "Dusun III" and new_family.payload["family"]["desil"] == 2
    assert [m["name"] for m in new_family.payload["members"]] == ["Kepala Baru Benar", "Istri Baru"]
    assert draft.changes.filter(kind=ChangeKind.NEW_FAMILY).count() == 1


def test_an_invalid_edit_changes_nothing_and_says_why(client, officer, draft, new_family):
    draft.refresh_from_db()
    client.force_login(officer)
    response = client.post(edit_url(draft, new_family), post_data(draft, **{"m0-nik": "6501"}))
    assert response.status_code == 400
    assert "NIK harus 16 digit" in response.content.decode()
    new_family.refresh_from_db()
    assert new_family.payload["family"]["dusun"] == "Dusun II"


def test_another_villages_officer_gets_a_404(client, other_officer, draft, new_family):
    client.force_login(other_officer)
    assert client.get(edit_url(draft, new_family)).status_code == 404


def test_a_change_that_is_not_a_new_family_is_a_404(client, officer, draft, families):
    change = services.change_family_deactivate(
        user=officer, submission=draft, expected_version=None, family=families[0],
        family_version=families[0].version, reason="moved", note="",
    )  # fmt: skip
    client.force_login(officer)
    assert client.get(edit_url(draft, change)).status_code == 404


def test_the_service_refuses_a_change_of_another_kind(officer, draft, families):
    change = services.change_family_deactivate(
        user=officer, submission=draft, expected_version=None, family=families[0],
        family_version=families[0].version, reason="moved", note="",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.change_new_family_update(
            user=officer, submission=draft, expected_version=None, change=change, family_data={}, members_data=[]
        )


def test_an_optional_member_does_not_mark_its_fields_as_required(client, officer, draft):
    client.force_login(officer)
    html = client.get(reverse("poverty_data:change_new_family", args=[draft.pk])).content.decode()
    member_3 = html[html.index("Anggota 3") :]
    member_3 = member_3[: member_3.index("</fieldset>")]
    assert "asteriskField" not in member_3 and "required" not in member_3


def test_removing_a_proposed_new_family_asks_first_without_javascript(client, officer, draft, new_family):
    client.force_login(officer)
    html = client.get(reverse("poverty_data:submission", args=[draft.pk])).content.decode()
    remove = reverse("poverty_data:change_remove", args=[draft.pk, new_family.pk])
    start = html.index(remove)
    assert html.rfind("<details", 0, start) > html.rfind("</details>", 0, start)  # the form sits inside <details>
    assert "Hapus keluarga baru ini beserta anggotanya dari draf?" in html and "Ya, hapus" in html
