"""Confirming, accepting and declining matches: budgets are never overspent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from csr import services
from csr.models import Match, MatchState, Programme, ProposalEvent


def test_staff_confirm_a_match_and_the_proposal_becomes_matched_with_a_note(proposal, programme, province_staff):
    match = services.match_confirm(
        user=province_staff, proposal=proposal, programme=programme, amount=30_000_000, note="Cocok."
    )
    proposal.refresh_from_db()
    assert match.state == MatchState.CONFIRMED and proposal.state == "matched"
    event = ProposalEvent.objects.filter(proposal=proposal).last()
    assert event.actor == province_staff and "Rp 30.000.000" in event.note and "Cocok." in event.note


def test_kabupaten_staff_confirm_in_their_kabupaten_but_not_outside(
    proposal, other_proposal, make_programme, kabupaten_staff
):
    programme = make_programme(targets=("65",))
    services.match_confirm(user=kabupaten_staff, proposal=proposal, programme=programme, amount=1_000)
    with pytest.raises(PermissionDenied):
        services.match_confirm(user=kabupaten_staff, proposal=other_proposal, programme=programme, amount=1_000)


@pytest.mark.parametrize("who", ["officer", "company_rep", "village_head"])
def test_only_staff_confirm_matches(request, proposal, programme, who):
    with pytest.raises(PermissionDenied):
        services.match_confirm(user=request.getfixturevalue(who), proposal=proposal, programme=programme, amount=1)


def test_it_refuses_a_village_outside_the_programme_regions(other_proposal, programme, province_staff):
    with pytest.raises(ValidationError, match="di luar wilayah sasaran"):
        services.match_confirm(user=province_staff, proposal=other_proposal, programme=programme, amount=1_000)
    assert not Match.objects.exists()


@pytest.mark.parametrize("amount", [0, -5, "abc", "1.5"])
def test_it_refuses_a_zero_negative_or_malformed_amount(proposal, programme, province_staff, amount):
    with pytest.raises(ValidationError):
        services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=amount)
    assert not Match.objects.exists()


def test_it_refuses_more_than_the_budget_left(make_proposal, make_programme, province_staff):
    programme = make_programme(budget=60_000_000)
    first = make_proposal(amount=50_000_000)
    second = make_proposal(amount=50_000_000)
    services.match_confirm(user=province_staff, proposal=first, programme=programme, amount=50_000_000)
    with pytest.raises(ValidationError, match="Sisa anggaran program hanya Rp 10.000.000"):
        services.match_confirm(user=province_staff, proposal=second, programme=programme, amount=20_000_000)
    second.refresh_from_db()
    assert second.state == "submitted" and Match.objects.count() == 1


def test_it_refuses_more_than_the_proposal_still_needs(proposal, make_programme, province_staff):
    a, b = make_programme(), make_programme()
    services.match_confirm(user=province_staff, proposal=proposal, programme=a, amount=40_000_000)
    with pytest.raises(ValidationError, match="hanya membutuhkan Rp 10.000.000"):
        services.match_confirm(user=province_staff, proposal=proposal, programme=b, amount=20_000_000)


def test_one_proposal_may_be_funded_in_parts_by_several_programmes(
    proposal, make_programme, province_staff, company_rep
):
    a, b = make_programme(), make_programme()
    m1 = services.match_confirm(user=province_staff, proposal=proposal, programme=a, amount=30_000_000)
    m2 = services.match_confirm(user=province_staff, proposal=proposal, programme=b, amount=20_000_000)
    services.match_accept(user=company_rep, match=m1)
    services.match_accept(user=company_rep, match=m2)
    proposal.refresh_from_db()
    assert proposal.state == "accepted"
    left = {p.pk: p.budget_left for p in Programme.objects.with_budget()}
    assert left == {a.pk: Decimal(70_000_000), b.pk: Decimal(80_000_000)}


def test_the_company_accepts_and_the_budget_left_drops(proposal, programme, province_staff, company_rep):
    match = services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=50_000_000)
    services.match_accept(user=company_rep, match=match, note="Siap.")
    proposal.refresh_from_db()
    assert proposal.state == "accepted"
    assert Programme.objects.with_budget().get(pk=programme.pk).budget_left == Decimal(50_000_000)
    assert "bersedia mendanai Rp 50.000.000" in proposal.events.last().note


def test_accepting_rechecks_the_budget_after_the_programme_shrank(proposal, programme, province_staff, company_rep):
    match = services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=50_000_000)
    # Budget lowered behind the services' back (e.g. a manual correction): accepting must still not overspend.
    Programme.objects.filter(pk=programme.pk).update(budget=40_000_000)
    with pytest.raises(ValidationError, match="Sisa anggaran program hanya Rp 40.000.000"):
        services.match_accept(user=company_rep, match=match)
    match.refresh_from_db()
    assert match.state == MatchState.CONFIRMED


def test_another_company_cannot_decide(proposal, make_programme, companies, province_staff, company_rep):
    theirs = make_programme(company=companies.other)
    match = services.match_confirm(user=province_staff, proposal=proposal, programme=theirs, amount=1_000)
    with pytest.raises(PermissionDenied):
        services.match_accept(user=company_rep, match=match)


def test_declining_needs_a_reason_the_proposer_sees(proposal, programme, province_staff, company_rep):
    match = services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=1_000)
    with pytest.raises(ValidationError, match="alasan penolakan"):
        services.match_decline(user=company_rep, match=match, reason="  ")
    services.match_decline(user=company_rep, match=match, reason="Kuota habis.")
    proposal.refresh_from_db()
    assert proposal.state == "declined"
    assert proposal.events.last().note.endswith("menolak: Kuota habis.")


def test_a_declined_match_frees_the_budget_and_cannot_be_accepted(proposal, programme, province_staff, company_rep):
    match = services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=1_000)
    services.match_decline(user=company_rep, match=match, reason="Tidak sesuai.")
    with pytest.raises(ValidationError, match="tidak lagi menunggu"):
        services.match_accept(user=company_rep, match=match)
    assert Programme.objects.with_budget().get(pk=programme.pk).reserved == 0


def test_a_closed_programme_cannot_be_matched(proposal, make_programme, province_staff):
    programme = make_programme(status="closed")
    with pytest.raises(ValidationError, match="tidak sedang dibuka"):
        services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=1_000)


def test_a_draft_proposal_cannot_be_matched(make_proposal, programme, province_staff):
    draft = make_proposal(state="draft")
    with pytest.raises(ValidationError, match="tidak dapat dicocokkan"):
        services.match_confirm(user=province_staff, proposal=draft, programme=programme, amount=1_000)
