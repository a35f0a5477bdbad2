"""Proposing changes: field by field, optimistic locking, and no lost updates."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from poverty_data import services
from poverty_data.models import ChangeKind, Family


def test_a_correction_keeps_the_old_and_the_new_value_of_each_changed_field(draft, officer, families):
    family = families[0]
    rows = services.change_family_correct(
        user=officer,
        submission=draft,
        expected_version=None,
        family=family,
        family_version=1,
        data={"desil": 1, "dusun": family.dusun, "floor_type": "earth"},
    )
    assert {(r.field, r.old_value, r.new_value) for r in rows} == {("desil", 3, 1), ("floor_type", "", "earth")}


def test_correcting_again_replaces_the_earlier_correction_and_setting_it_back_drops_it(draft, officer, families):
    family = families[0]
    services.change_family_correct(
        user=officer, submission=draft, expected_version=None, family=family, family_version=1, data={"desil": 1}
    )
    services.change_family_correct(
        user=officer, submission=draft, expected_version=None, family=family, family_version=1, data={"desil": 3}
    )
    assert not draft.changes.filter(kind=ChangeKind.FAMILY_FIELD).exists()


def test_an_edit_based_on_an_old_version_of_the_submission_is_refused_and_says_who_changed_it(draft, officer, families):
    opened = draft.version
    services.change_family_correct(
        user=officer, submission=draft, expected_version=opened, family=families[0], family_version=1, data={"desil": 1}
    )
    with pytest.raises(services.StaleEdit) as exc:
        services.change_family_correct(
            user=officer,
            submission=draft,
            expected_version=opened,
            family=families[1],
            family_version=1,
            data={"desil": 2},
        )
    assert [e.user.username for e in exc.value.events] == ["pengurus"]
    assert not draft.changes.filter(family=families[1]).exists()


def test_an_edit_of_a_family_changed_since_it_was_opened_is_refused_with_what_changed(draft, officer, families):
    family = families[0]
    family.desil = 9
    family.version = 2
    family.save()  # a new historical version, as a finalisation would make
    with pytest.raises(services.StaleEdit) as exc:
        services.change_family_correct(
            user=officer, submission=draft, expected_version=None, family=family, family_version=1, data={"desil": 1}
        )
    assert [(old, new) for _label, old, new in exc.value.fields] == [(3, 9)]


def test_an_officer_cannot_propose_changes_to_another_villages_family(draft, officer, other_families):
    with pytest.raises(PermissionDenied):
        services.change_family_correct(
            user=officer,
            submission=draft,
            expected_version=None,
            family=other_families[0],
            family_version=1,
            data={"desil": 1},
        )


def test_nothing_reaches_the_master_data_while_editing(draft, officer, families):
    services.change_family_correct(
        user=officer, submission=draft, expected_version=None, family=families[0], family_version=1, data={"desil": 1}
    )
    assert Family.objects.get(pk=families[0].pk).desil == 3
