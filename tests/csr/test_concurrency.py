"""Staff confirming, and companies deciding, at the same moment can never overspend a programme (PostgreSQL).

Each thread has its own connection and they start together at a barrier; the services lock the
programme (and the proposal, the match) row first, so the checks run one after the other.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from csr import services
from csr.models import Match, MatchState, Programme, Proposal, ProposalState
from tests.concurrency import Rendezvous, run_at_once, wait_until

pytestmark = [pytest.mark.django_db(transaction=True)]


def refusals(outcomes) -> list[str]:
    found = []
    for outcome in outcomes:
        if isinstance(outcome, Exception):
            assert isinstance(outcome, ValidationError), outcome
            found.extend(outcome.messages)
    return found


def test_concurrent_confirmations_respect_the_budget(make_programme, make_proposal, province_staff, kabupaten_staff):
    programme = make_programme(budget=60_000_000)
    first, second = make_proposal(amount=50_000_000), make_proposal(amount=50_000_000)

    def confirm(user, proposal):
        return services.match_confirm(user=user, proposal=proposal, programme=programme, amount=50_000_000)

    outcomes = run_at_once(lambda: confirm(province_staff, first), lambda: confirm(kabupaten_staff, second))
    assert sorted(type(o).__name__ for o in outcomes) == ["Match", "ValidationError"]
    assert refusals(outcomes) == ["Sisa anggaran program hanya Rp 10.000.000."]
    assert Match.objects.count() == 1


def test_four_confirmations_at_once_take_only_the_budgets_worth(make_programme, make_proposal, province_staff):
    programme = make_programme(budget=100_000_000)
    proposals = [make_proposal(amount=30_000_000) for _ in range(4)]

    outcomes = run_at_once(
        *[
            lambda p=p: services.match_confirm(user=province_staff, proposal=p, programme=programme, amount=30_000_000)
            for p in proposals
        ]
    )
    assert sum(isinstance(o, Match) for o in outcomes) == 3
    assert refusals(outcomes) == ["Sisa anggaran program hanya Rp 10.000.000."]
    held = Match.objects.filter(programme=programme).aggregate(t=Sum("amount"))["t"]
    assert held == Decimal(90_000_000) <= programme.budget
    # Each confirmed proposal moved on; the refused one is untouched.
    states = sorted(Proposal.objects.filter(pk__in=[p.pk for p in proposals]).values_list("state", flat=True))
    assert states == sorted([ProposalState.MATCHED] * 3 + [ProposalState.SUBMITTED])


def test_one_proposal_confirmed_against_two_programmes_at_once_is_funded_once(
    make_programme, proposal, province_staff, kabupaten_staff
):
    programmes = [make_programme(budget=100_000_000), make_programme(budget=100_000_000)]

    outcomes = run_at_once(
        lambda: services.match_confirm(
            user=province_staff, proposal=proposal, programme=programmes[0], amount=50_000_000
        ),
        lambda: services.match_confirm(
            user=kabupaten_staff, proposal=proposal, programme=programmes[1], amount=50_000_000
        ),
    )
    assert sum(isinstance(o, Match) for o in outcomes) == 1
    assert refusals(outcomes) == ["Usulan hanya membutuhkan Rp 0 lagi."]
    assert Match.objects.filter(proposal=proposal).aggregate(t=Sum("amount"))["t"] == proposal.amount_requested


class _ProgrammeLockThenMeet:
    """Stands in for ``csr.services.Programme``: after the programme row is locked, waits at the rendezvous."""

    def __init__(self, rendezvous: Rendezvous) -> None:
        self.rendezvous = rendezvous
        self.objects = self

    def select_for_update(self, *args, **kwargs):
        return self._Locking(Programme.objects.select_for_update(*args, **kwargs), self.rendezvous)

    class _Locking:
        def __init__(self, queryset, rendezvous):
            self.queryset, self.rendezvous = queryset, rendezvous

        def get(self, **kwargs):
            programme = self.queryset.get(**kwargs)
            self.rendezvous.meet()
            return programme


def test_a_company_accepting_and_declining_the_same_match_at_once_decides_once(
    programme, proposal, province_staff, company_rep, monkeypatch
):
    """The accept holds the programme while the decline goes for the match: no deadlock, one decision."""
    match = services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=50_000_000)
    rendezvous = Rendezvous()
    monkeypatch.setattr(services, "Programme", _ProgrammeLockThenMeet(rendezvous))

    def accept():
        return services.match_accept(user=company_rep, match=Match.objects.get(pk=match.pk))

    def decline_once_the_programme_is_locked():
        wait_until(rendezvous.anyone_arrived)
        return services.match_decline(user=company_rep, match=Match.objects.get(pk=match.pk), reason="Dana habis")

    outcomes = run_at_once(rendezvous.enter(accept), rendezvous.enter(decline_once_the_programme_is_locked))
    assert sum(isinstance(o, Match) for o in outcomes) == 1, outcomes
    assert refusals(outcomes) == ["Pencocokan ini tidak lagi menunggu keputusan perusahaan."]
    match.refresh_from_db()
    proposal.refresh_from_db()
    expected = {MatchState.ACCEPTED: ProposalState.ACCEPTED, MatchState.DECLINED: ProposalState.DECLINED}
    assert proposal.state == expected[match.state]
    assert proposal.events.filter(from_state=ProposalState.MATCHED).count() == 1
