"""Two people acting on the same family or submission at once: one wins, the other is told, nothing is lost.

The race tests use real row locks and concurrent transactions: each thread has its own connection
and they start together at a barrier.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.forms import model_to_dict
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.services import role_assign
from poverty_data import services, stats
from poverty_data.checks import submission_issues
from poverty_data.models import (
    FAMILY_FIELDS,
    Family,
    Member,
    PokjaPosition,
    Submission,
    SubmissionChange,
    SubmissionEvent,
    SubmissionState,
    VillageRoundStats,
    VillageStats,
)
from poverty_data.services import StaleEdit, finalise, review
from tests.concurrency import Rendezvous, run_at_once, wait_until
from tests.factories import UserFactory

from .conftest import make_families, nik_for
from .test_finalise import propose_everything
from .test_submission_services import to_state

S = SubmissionState
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def second_pokja_member(pokja, village_head, region_tree):
    """Another officer of the same village, in the Pokja: the second session."""
    user = UserFactory(username="pengurus_b")
    role_assign(user=user, role=Role.KT_OFFICER, region=region_tree.village)
    services.pokja_member_add(user=village_head, pokja=pokja, member=user, position=PokjaPosition.SECRETARY)
    return user


@pytest.fixture
def second_round(province_staff):
    """A second open round (nothing forbids two): its submissions share no row with the first's."""
    return services.round_open(
        user=province_staff,
        name="Pemutakhiran susulan",
        period_start=dt.date(2026, 12, 1),
        period_end=dt.date(2026, 12, 31),
        submit_deadline=dt.date(2026, 12, 10),
        verify_deadline=dt.date(2026, 12, 15),
        approve_deadline=dt.date(2026, 12, 20),
        finalise_deadline=dt.date(2026, 12, 31),
    )


def _fresh(submission) -> Submission:
    return Submission.objects.select_related("round").get(pk=submission.pk)


def master_data() -> tuple:
    """Every family and member row with its version, and the number of history rows: what finalisation writes."""
    return (
        sorted(Family.objects.values_list("pk", "version", "status", "desil", "receives_pkh", "rt", "no_kk")),
        sorted(Member.objects.values_list("pk", "family_id", "version", "nik", "presence", "occupation", "name")),
        Family.history.count(),
        Member.history.count(),
        sorted(VillageStats.objects.values_list("village_code", "families", "poor4", "desil_1")),
        VillageRoundStats.objects.count(),
    )


# ---------------------------------------------------------------------------- the same family


def test_two_sessions_correcting_the_same_family_at_once_one_saves_and_the_other_is_told(
    draft, families, officer, second_pokja_member
):
    family = families[0]
    version = draft.version
    url = reverse("poverty_data:change_family", args=[draft.pk, family.pk])
    current = {k: v for k, v in model_to_dict(family, fields=FAMILY_FIELDS).items() if v not in (None, False)}
    current = {k: "on" if v is True else v for k, v in current.items()}
    clients = []
    for user in (officer, second_pokja_member):
        client = Client()
        client.force_login(user)
        clients.append(client)

    def post(client, desil):
        data = {**current, "desil": desil, "submission_version": version, "record_version": family.version}
        return client.post(url, data)

    responses = run_at_once(lambda: post(clients[0], 1), lambda: post(clients[1], 5))
    assert not any(isinstance(r, Exception) for r in responses), responses
    assert sorted(r.status_code for r in responses) == [302, 409]
    refused = next(r for r in responses if r.status_code == 409)
    assert "Tidak tersimpan: ada yang mengubah data ini sejak Anda membukanya." in refused.content.decode()
    winner = 1 if responses[0].status_code == 302 else 5
    changes = SubmissionChange.objects.filter(submission=draft, family=family, field="desil")
    assert [c.new_value for c in changes] == [winner]
    assert _fresh(draft).version == version + 1
    assert SubmissionEvent.objects.filter(submission=draft, action="edited").count() == 1


def test_two_finalisations_changing_the_same_family_apply_one_and_refuse_the_other(
    open_round, second_round, pokja, families, officer, chain, province_staff
):
    """Two open rounds each correct the family's decile from the same old value; both reach the province."""
    family = families[0]
    submissions = []
    for round_, desil in ((open_round, 1), (second_round, 5)):
        submission = services.submission_start(user=officer, round=round_, village=family.village)
        services.change_family_correct(
            user=officer,
            submission=submission,
            expected_version=None,
            family=family,
            family_version=family.version,
            data={"desil": desil},
        )
        submissions.append(to_state(submission, S.APPROVED, chain))

    outcomes = run_at_once(
        *[lambda s=s: services.submission_finalise(user=province_staff, submission=_fresh(s)) for s in submissions]
    )
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], ValidationError), outcomes
    assert "Data induk telah berubah" in " ".join(refused[0].messages)
    family.refresh_from_db()
    assert family.version == 2  # applied once
    assert family.desil == (1 if not isinstance(outcomes[0], Exception) else 5)
    assert sorted(_fresh(s).state for s in submissions) == [S.APPROVED, S.FINALISED]


@pytest.mark.parametrize("rounds", ["one round", "two rounds"])
def test_two_villages_finalised_at_once_cannot_both_bring_in_the_same_nik(
    open_round, second_round, pokja, region_tree, officer, chain, province_staff, village_head, monkeypatch, rounds
):
    """Each duplicate check must see the other's write: the finalisations must not overlap."""
    other_officer = UserFactory(username="pengurus_lb")
    role_assign(user=other_officer, role=Role.KT_OFFICER, region=region_tree.village_same_kab)
    other_head = UserFactory(username="kades_lb")
    role_assign(user=other_head, role=Role.VILLAGE_HEAD, region=region_tree.village_same_kab)
    other_pokja = services.pokja_save(
        user=other_head,
        village=region_tree.village_same_kab,
        sk_number="1",
        sk_date=None,
        budget_dana_desa=None,
        budget_year=None,
    )
    services.pokja_member_add(user=other_head, pokja=other_pokja, member=other_officer, position=PokjaPosition.CHAIR)
    nik = nik_for("650101", serial=4242)
    submissions = []
    for village, user, head, kk, round_ in (
        (region_tree.village, officer, village_head, "6501010101260001", open_round),
        (
            region_tree.village_same_kab,
            other_officer,
            other_head,
            "6501020101260001",
            open_round if rounds == "one round" else second_round,
        ),
    ):
        submission = services.submission_start(user=user, round=round_, village=village)
        services.change_new_family(
            user=user,
            submission=submission,
            expected_version=None,
            family_data={"no_kk": kk, "desil": 1},
            members_data=[
                {
                    "nik": nik,
                    "name": "Warga Ganda",
                    "sex": "L",
                    "birth_date": dt.date(1990, 5, 12),
                    "relationship": "head",
                }
            ],
        )
        village_chain = type(chain)(**{**vars(chain), "officer": user, "head": head})
        submissions.append(to_state(submission, S.APPROVED, village_chain))

    rendezvous = Rendezvous()
    real_issues = finalise.submission_issues

    def issues_then_meet(*args, **kwargs):
        result = real_issues(*args, **kwargs)
        rendezvous.meet()  # both have checked for duplicates before either writes
        return result

    monkeypatch.setattr(finalise, "submission_issues", issues_then_meet)
    outcomes = run_at_once(
        *[
            rendezvous.enter(lambda s=s: services.submission_finalise(user=province_staff, submission=_fresh(s)))
            for s in submissions
        ]
    )
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], ValidationError), outcomes
    assert "NIK ganda" in refused[0].messages[0]
    assert Member.objects.filter(nik=nik).count() == 1


# ---------------------------------------------------------------------------- the same submission


def test_two_edits_from_the_same_version_keep_one_and_refuse_the_other(draft, families, officer, second_pokja_member):
    version = draft.version
    head = families[1].members.get(relationship="head")

    def correct(user, occupation):
        return services.change_member_correct(
            user=user,
            submission=_fresh(draft),
            expected_version=version,
            member=Member.objects.select_related("family").get(pk=head.pk),
            member_version=head.version,
            data={"occupation": occupation},
        )

    outcomes = run_at_once(lambda: correct(officer, "Nelayan"), lambda: correct(second_pokja_member, "Petani"))
    assert sorted(type(o).__name__ for o in outcomes) == ["StaleEdit", "list"]
    kept = next(o for o in outcomes if isinstance(o, list))
    assert [c.new_value for c in SubmissionChange.objects.filter(member=head)] == [kept[0].new_value]
    assert _fresh(draft).version == version + 1


@pytest.mark.parametrize("second", ["return", "finalise"])
def test_a_finalisation_and_a_second_step_at_once_one_acts_and_the_other_is_refused(
    draft, families, officer, chain, province_staff, second
):
    propose_everything(draft, officer, families)
    to_state(draft, S.APPROVED, chain)
    before = master_data()

    def finalise():
        return services.submission_finalise(user=province_staff, submission=_fresh(draft))

    def other():
        if second == "return":
            return services.submission_return(user=province_staff, submission=_fresh(draft), reason="Cek ulang")
        return finalise()

    outcomes = run_at_once(finalise, other)
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], ValidationError), outcomes
    assert refused[0].messages[0].strip()
    submission = _fresh(draft)
    if submission.state == S.FINALISED:
        after = master_data()
        assert after != before
        assert Family.objects.filter(version=2).count() == 3  # corrected, member changes, deactivated: once each
        assert SubmissionEvent.objects.filter(submission=draft, action="finalised").count() == 1
    else:
        assert submission.state == S.DRAFT
        assert master_data() == before


def test_an_edit_landing_while_the_pokja_submits_is_checked_or_refused(
    draft, families, officer, second_pokja_member, monkeypatch
):
    """The submit checks the changes, then moves the state: an edit in between must not go up unchecked."""
    version = draft.version
    rendezvous = Rendezvous()
    real_issues = review.submission_issues

    def issues_then_meet(*args, **kwargs):
        result = real_issues(*args, **kwargs)
        rendezvous.meet()  # the edit runs now: it either lands, or waits for a lock the submit holds
        return result

    monkeypatch.setattr(review, "submission_issues", issues_then_meet)

    def submit():
        return services.submission_submit(user=officer, submission=_fresh(draft))

    def edit_with_an_error():
        wait_until(rendezvous.anyone_arrived)  # once the submit has checked
        return services.change_new_family(
            user=second_pokja_member,
            submission=_fresh(draft),
            expected_version=version,
            family_data={"no_kk": "6501010101260009"},
            members_data=[{"nik": "123", "name": "Salah Ketik", "sex": "L", "relationship": "head"}],
        )

    outcomes = run_at_once(rendezvous.enter(submit), rendezvous.enter(edit_with_an_error))
    assert sum(isinstance(o, Exception) for o in outcomes) == 1, outcomes
    submission = _fresh(draft)
    if submission.state == S.SUBMITTED:
        assert isinstance(outcomes[1], StaleEdit)
        assert not any(i.errors for i in submission_issues(submission).values())
    else:
        assert isinstance(outcomes[0], ValidationError)


# ---------------------------------------------------------------------------- a finalisation that fails halfway


@pytest.mark.parametrize(
    "step", ["_write_families_updated", "_write_members_created", "_write_members_updated", "village_stats_refresh"]
)
def test_a_finalisation_failing_halfway_leaves_the_master_data_as_it_was(
    draft, families, officer, chain, province_staff, monkeypatch, step
):
    propose_everything(draft, officer, families)
    make_families(draft.village, 1, start=90)  # another family of the village, untouched
    to_state(draft, S.APPROVED, chain)
    before = master_data()
    changes = sorted(SubmissionChange.objects.filter(submission=draft).values_list("pk", "kind", "new_value"))
    target = stats if step == "village_stats_refresh" else finalise
    real = getattr(target, step)

    def write_then_fail(*args, **kwargs):
        real(*args, **kwargs)  # the rows are written ...
        raise RuntimeError("disk full")  # ... and then the server fails

    monkeypatch.setattr(target, step, write_then_fail)
    with pytest.raises(RuntimeError):
        services.submission_finalise(user=province_staff, submission=_fresh(draft))

    assert master_data() == before
    submission = _fresh(draft)
    assert submission.state == S.APPROVED and submission.finalised_at is None
    assert sorted(SubmissionChange.objects.filter(submission=draft).values_list("pk", "kind", "new_value")) == changes
    assert not SubmissionEvent.objects.filter(submission=draft, action="finalised").exists()

    monkeypatch.setattr(target, step, real)  # the next try goes through
    services.submission_finalise(user=province_staff, submission=_fresh(draft))
    assert _fresh(draft).state == S.FINALISED
