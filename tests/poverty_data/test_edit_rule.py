"""The "may edit this draft" rule lives in the policy: an officer of the village who sits on its Pokja."""

from __future__ import annotations

import pytest

from accounts import policy
from accounts.models import Role
from accounts.services import role_assign
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_off_the_pokja(region_tree):
    """Another officer of the same village, not a member of its Pokja."""
    user = UserFactory(username="pengurus_lain")
    role_assign(user=user, role=Role.KT_OFFICER, region=region_tree.village)
    return user


def test_an_officer_on_the_village_pokja_may_edit_its_draft(draft, officer):
    assert policy.can(officer, "submission.edit", draft)


def test_an_officer_of_the_village_off_its_pokja_may_not_edit_the_draft(draft, officer_off_the_pokja):
    assert not policy.can(officer_off_the_pokja, "submission.edit", draft)
    assert policy.can(officer_off_the_pokja, "submission.prepare", draft)


def test_an_officer_of_another_village_may_not_edit_the_draft(draft, other_officer):
    assert not policy.can(other_officer, "submission.edit", draft)


def test_an_administrator_edits_without_a_seat_on_the_pokja(draft, administrator):
    assert policy.can(administrator, "submission.edit", draft)


def test_the_village_head_does_not_edit_the_draft(draft, village_head):
    assert not policy.can(village_head, "submission.edit", draft)


def test_a_region_cannot_answer_the_pokja_question_so_editing_it_is_refused(officer, region_tree, pokja):
    assert not policy.can(officer, "submission.edit", region_tree.village)
    assert not policy.can(officer, "submission.edit", region_tree.village.code)


def test_the_editor_page_refuses_an_officer_off_the_pokja(client, draft, officer_off_the_pokja):
    client.force_login(officer_off_the_pokja)
    response = client.get(f"/data-kemiskinan/pengajuan/{draft.pk}/keluarga-baru/")
    assert response.status_code == 403
