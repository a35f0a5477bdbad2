"""Finalisation applies every change to the master data at once, keeps history, and loses nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from poverty_data import services
from poverty_data.models import Family, Member, SubmissionState

from .conftest import make_families, nik_for
from .test_submission_services import to_state

S = SubmissionState


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def propose_everything(draft, officer, families):
    first, second, third = families
    services.change_family_correct(
        user=officer,
        submission=draft,
        expected_version=None,
        family=first,
        family_version=first.version,
        data={"desil": 2, "receives_pkh": True, "rt": "001"},
    )
    head = first.members.get(relationship="head")
    services.change_member_correct(
        user=officer,
        submission=draft,
        expected_version=None,
        member=head,
        member_version=head.version,
        data={"occupation": "Nelayan", "presence": "died"},
    )
    services.change_member_add(
        user=officer,
        submission=draft,
        expected_version=None,
        family=second,
        data={
            "nik": nik_for("650101", day=3, month=1, year=25, serial=9001),
            "name": "Bayi Baru",
            "sex": "L",
            "birth_date": dt.date(2025, 1, 3),
            "relationship": "child",
        },
    )
    services.change_family_deactivate(
        user=officer,
        submission=draft,
        expected_version=None,
        family=third,
        family_version=third.version,
        reason="moved",
        note="Pindah ke Tarakan",
    )
    services.change_new_family(
        user=officer,
        submission=draft,
        expected_version=None,
        family_data={"no_kk": "6501010101260001", "dusun": "Dusun II", "rt": "003", "rw": "001", "desil": 1},
        members_data=[
            {
                "nik": nik_for("650101", serial=7001),
                "name": "Kepala Baru",
                "sex": "L",
                "birth_date": dt.date(1990, 5, 12),
                "relationship": "head",
            }
        ],
    )


def test_finalising_applies_every_kind_of_change_and_bumps_versions(draft, chain, families):
    propose_everything(draft, chain.officer, families)
    first, second, third = families
    assert Family.objects.get(pk=first.pk).desil == 3  # nothing reaches the master data before finalisation
    to_state(draft, S.FINALISED, chain)
    first.refresh_from_db()
    assert (first.desil, first.receives_pkh, first.version) == (2, True, 2)
    head = first.members.get(relationship="head")
    assert (head.occupation, head.presence, head.version) == ("Nelayan", "died", 2)
    assert second.members.filter(name="Bayi Baru", presence="new").exists()
    third.refresh_from_db()
    assert (third.status, third.inactive_reason, third.inactive_note) == ("inactive", "moved", "Pindah ke Tarakan")
    new = Family.objects.get(no_kk="6501010101260001")
    assert new.village_code == "65.01.01.2005" and new.members.get().name == "Kepala Baru"


def test_history_keeps_every_version_with_user_and_submission(draft, chain, families):
    propose_everything(draft, chain.officer, families)
    to_state(draft, S.FINALISED, chain)
    first = families[0]
    versions = list(first.history.order_by("history_date").values_list("version", "desil", "history_submission_id"))
    assert versions == [(1, 3, None), (2, 2, draft.pk)]
    latest = first.history.latest("history_date")
    assert latest.history_user == chain.province
    assert Member.history.filter(name="Bayi Baru", history_submission_id=draft.pk).exists()


def test_a_failure_halfway_applies_nothing(draft, chain, families, monkeypatch):
    propose_everything(draft, chain.officer, families)
    to_state(draft, S.APPROVED, chain)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    # Families are written first; the members' write then fails.
    monkeypatch.setattr(services.finalise, "_write_members_created", broken)
    with pytest.raises(RuntimeError):
        services.submission_finalise(user=chain.province, submission=draft)
    first = Family.objects.get(pk=families[0].pk)
    assert (first.desil, first.version) == (3, 1)
    assert not Family.objects.filter(no_kk="6501010101260001").exists()
    assert Family.history.filter(history_submission_id=draft.pk).count() == 0
    draft.refresh_from_db()
    assert draft.state == S.APPROVED


def test_a_duplicate_nik_in_another_village_blocks_finalisation_until_resolved(draft, chain, families, other_families):
    taken = other_families[0].members.first().nik
    change = services.change_member_add(
        user=chain.officer,
        submission=draft,
        expected_version=None,
        family=families[0],
        data={"nik": taken, "name": "Pendatang", "sex": "L", "relationship": "other"},
    )
    to_state(draft, S.APPROVED, chain)
    with pytest.raises(ValidationError):
        services.submission_finalise(user=chain.province, submission=draft)
    assert not Member.objects.filter(name="Pendatang").exists()
    services.change_resolve_duplicate(
        user=chain.province, submission=draft, change=change, reason="Sudah pindah, desa asal akan menandai pindah"
    )
    services.submission_finalise(user=chain.province, submission=draft)
    draft.refresh_from_db()
    assert draft.state == S.FINALISED
    assert Member.objects.filter(name="Pendatang", nik=taken).exists()


def test_a_correction_of_a_field_changed_since_is_refused_at_finalisation(
    draft, chain, families, open_round, region_tree
):
    first = families[0]
    services.change_family_correct(
        user=chain.officer, submission=draft, expected_version=None, family=first, family_version=1, data={"desil": 5}
    )
    # Meanwhile the master data moved on (another finalised correction).
    Family.objects.filter(pk=first.pk).update(desil=7, version=2)
    to_state(draft, S.APPROVED, chain)
    with pytest.raises(ValidationError):
        services.submission_finalise(user=chain.province, submission=draft)
    assert Family.objects.get(pk=first.pk).desil == 7


def test_a_large_submission_finalises_with_a_flat_number_of_queries(
    draft, chain, region_tree, django_assert_max_num_queries
):
    many = make_families(region_tree.village, 200, start=1000)
    for family in many[:150]:
        services.change_family_correct(
            user=chain.officer,
            submission=draft,
            expected_version=None,
            family=family,
            family_version=1,
            data={"desil": 1},
        )
    to_state(draft, S.APPROVED, chain)
    with django_assert_max_num_queries(24):
        services.submission_finalise(user=chain.province, submission=draft)
    assert Family.objects.filter(pk__in=[f.pk for f in many[:150]], desil=1, version=2).count() == 150


def test_finalising_reads_the_submission_once_and_leaves_the_callers_copy_current(draft, chain, families):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from poverty_data.models import Submission

    propose_everything(draft, chain.officer, families)
    to_state(draft, S.APPROVED, chain)
    page_copy = Submission.objects.select_related("round", "village").get(pk=draft.pk)  # what the page loaded
    with CaptureQueriesContext(connection) as captured:
        services.submission_finalise(user=chain.province, submission=page_copy)
    table = Submission._meta.db_table
    reads = [q["sql"] for q in captured if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]]
    assert len(reads) == 1 and "FOR UPDATE" in reads[0]
    stored = Submission.objects.get(pk=draft.pk)
    assert (page_copy.state, page_copy.version, page_copy.finalised_at) == (
        S.FINALISED,
        stored.version,
        stored.finalised_at,
    )
    assert (page_copy.families_changed, page_copy.families_new) == (stored.families_changed, stored.families_new)
    assert draft.events.filter(action="finalised", version=stored.version).exists()


def test_finalising_keeps_the_families_changed_and_new_on_the_submission_for_the_dashboard(
    draft, chain, families, django_assert_num_queries
):
    from django.db.models import Count

    from poverty_data.selectors import dashboard

    propose_everything(draft, chain.officer, families)
    to_state(draft, S.FINALISED, chain)
    draft.refresh_from_db()
    touched = draft.changes.aggregate(n=Count("family", distinct=True))["n"]
    assert (draft.families_changed, draft.families_new) == (touched, 1)
    assert touched == 3  # the three corrected families; the new one counts as new
    with django_assert_num_queries(4) as captured:  # the province user's roles were read already
        changed = dashboard(user=chain.province, region=None)["changed"]
    assert [(r["submission__round_id"], r["families"], r["new"]) for r in changed] == [(draft.round_id, 3, 1)]
    # The dashboard sums one row per finalised submission; it no longer counts the change rows.
    assert not any("poverty_data_submissionchange" in q["sql"] for q in captured.captured_queries)


def test_a_finalised_submission_shows_what_was_applied_not_the_checks_of_pending_changes(
    client, draft, chain, families
):
    propose_everything(draft, chain.officer, families)
    to_state(draft, S.FINALISED, chain)
    client.force_login(chain.province)
    html = client.get(reverse("poverty_data:submission", args=[draft.pk])).content.decode()
    assert "Perubahan yang diterapkan" in html and "Diterapkan" in html
    assert "dengan kesalahan" not in html and "✗" not in html
    assert "NIK sudah dimiliki" not in html
