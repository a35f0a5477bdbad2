"""Proposal states: each step by the right role, with a note the proposer sees."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from csr import services
from csr.models import Proposal


def _create(user, village, **extra):
    data = {
        "village": village,
        "proposer_kind": "karang_taruna",
        "sector": "education",
        "title": "Bimbel",
        "description": "Bimbingan belajar.",
        "amount_requested": 10_000_000,
    }
    data.update(extra)
    return services.proposal_create(user=user, **data)


def test_an_officer_drafts_and_submits_a_proposal_of_their_village(officer, region_tree):
    proposal = _create(officer, region_tree.village)
    services.proposal_transition(user=officer, proposal=proposal, name="submit", note="Mohon dibantu.")
    proposal.refresh_from_db()
    assert proposal.state == "submitted" and proposal.submitted_at is not None
    assert [(e.from_state, e.to_state, e.note) for e in proposal.events.all()] == [
        ("", "draft", "Draf dibuat."),
        ("draft", "submitted", "Mohon dibantu."),
    ]
    assert proposal.history.count() == 2  # audit history: created, then the state change


def test_an_officer_cannot_propose_for_another_village(officer, region_tree):
    with pytest.raises(PermissionDenied):
        _create(officer, region_tree.other_village)
    assert not Proposal.objects.exists()


def test_a_negative_amount_is_refused(officer, region_tree):
    with pytest.raises(ValidationError, match="tidak boleh negatif"):
        _create(officer, region_tree.village, amount_requested=-1)


def test_staff_start_the_review_but_the_proposer_cannot(proposal, officer, kabupaten_staff):
    with pytest.raises(PermissionDenied):
        services.proposal_transition(user=officer, proposal=proposal, name="review")
    services.proposal_transition(user=kabupaten_staff, proposal=proposal, name="review", note="Ditelaah.")
    proposal.refresh_from_db()
    assert proposal.state == "under_review"


def test_staff_of_another_kabupaten_cannot_review(other_proposal, kabupaten_staff):
    with pytest.raises(PermissionDenied):
        services.proposal_transition(user=kabupaten_staff, proposal=other_proposal, name="review")


def test_a_step_from_the_wrong_state_is_refused_and_changes_nothing(proposal, province_staff):
    with pytest.raises(ValidationError, match="tidak dapat dilakukan"):
        services.proposal_transition(user=province_staff, proposal=proposal, name="complete")
    proposal.refresh_from_db()
    assert proposal.state == "submitted" and proposal.events.count() == 1


def test_withdrawing_releases_matches_waiting_for_the_company(proposal, programme, province_staff, officer):
    match = services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=1_000)
    services.proposal_transition(user=officer, proposal=proposal, name="withdraw", note="Batal.")
    match.refresh_from_db()
    assert match.state == "declined"


def test_only_a_draft_can_be_edited(proposal, officer):
    with pytest.raises(ValidationError, match="Hanya draf"):
        services.proposal_update(user=officer, proposal=proposal, title="Baru")


def test_the_allowed_steps_follow_role_and_state(proposal, officer, province_staff, company_rep):
    assert services.proposal_allowed_steps(user=officer, proposal=proposal) == ["withdraw"]
    assert services.proposal_allowed_steps(user=province_staff, proposal=proposal) == ["review"]
    assert services.proposal_allowed_steps(user=company_rep, proposal=proposal) == []


def test_the_full_path_to_realised(proposal, programme, province_staff, company_rep, officer):
    match = services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=50_000_000)
    services.match_accept(user=company_rep, match=match)
    services.realisation_report(user=officer, match=match, amount_spent=20_000_000, beneficiaries_reached=30)
    proposal.refresh_from_db()
    assert proposal.state == "in_progress"
    services.proposal_transition(user=province_staff, proposal=proposal, name="complete", note="Selesai.")
    proposal.refresh_from_db()
    states = [e.to_state for e in proposal.events.all()]
    assert states == ["submitted", "matched", "accepted", "in_progress", "realised"]
