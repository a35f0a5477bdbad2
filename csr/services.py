"""Every write of the CSR part: keyword-only services that check the policy and the rules.

A refused rule raises ``ValidationError`` with an Indonesian message (through gettext) and
changes nothing; a refused permission raises ``PermissionDenied``. Money rules are checked
inside the transaction with the programme row locked (``select_for_update``), so two staff
confirming or two representatives accepting at once can never overspend a programme.

Rows are locked in one order, programme -> match -> proposal, and each lock takes only its own
row (``of=("self",)``): a lock reaching through ``select_related`` into the programme or the
proposal made an accept and a decline of the same match deadlock each other.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy

from . import signals
from .files import checked_upload
from .matching import Context, remaining_need, score
from .models import (
    INCOME_SECTORS,
    LIVE_MATCH_STATES,
    MATCHABLE_STATES,
    Attachment,
    Company,
    CompanyRepresentative,
    Forum,
    ForumMembership,
    Match,
    MatchState,
    Programme,
    ProgrammeStatus,
    ProgrammeTarget,
    Proposal,
    ProposalEvent,
    ProposalState,
    Realisation,
    ReporterSide,
)
from .money import rupiah

# Who may move a proposal along which edge (the services below check the policy action).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    # name: (from states, to state)
    "submit": ((ProposalState.DRAFT,), ProposalState.SUBMITTED),
    "review": ((ProposalState.SUBMITTED,), ProposalState.UNDER_REVIEW),
    "withdraw": (
        (ProposalState.DRAFT, ProposalState.SUBMITTED, ProposalState.UNDER_REVIEW, ProposalState.MATCHED),
        ProposalState.WITHDRAWN,
    ),
    "start": ((ProposalState.ACCEPTED,), ProposalState.IN_PROGRESS),
    "complete": ((ProposalState.IN_PROGRESS,), ProposalState.REALISED),
}
TRANSITION_ACTION = {
    "submit": "proposal.edit",
    "withdraw": "proposal.edit",
    "review": "proposal.review",
    "start": "proposal.edit",
    "complete": "proposal.review",
}


def _money(value, *, field: str) -> Decimal:
    try:
        amount = Decimal(value)
    except (TypeError, ValueError, ArithmeticError):
        raise ValidationError({field: _("Enter an amount in rupiah.")}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    if amount != amount.to_integral_value():
        raise ValidationError({field: _("Enter whole rupiah.")})
    if amount >= Decimal(10) ** 15:
        raise ValidationError({field: _("The amount is too large.")})
    return amount


def _event(*, proposal: Proposal, actor, from_state: str, to_state: str, note: str = "") -> ProposalEvent:
    return ProposalEvent.objects.create(
        proposal=proposal, actor=actor, from_state=from_state, to_state=to_state, note=note.strip()
    )


def _set_state(*, proposal: Proposal, user, to_state: str, note: str = "") -> None:
    from_state = proposal.state
    proposal.state = to_state
    fields = ["state"]
    if to_state == ProposalState.SUBMITTED and proposal.submitted_at is None:
        proposal.submitted_at = timezone.now()
        fields.append("submitted_at")
    proposal._change_reason = note[:100]
    proposal.save(update_fields=fields)
    _event(proposal=proposal, actor=user, from_state=from_state, to_state=to_state, note=note)


# Programmes -------------------------------------------------------------------------------------


def _check_programme(*, company: Company, budget, starts_on: dt.date, ends_on: dt.date, targets) -> Decimal:
    amount = _money(budget, field="budget")
    if amount <= 0:
        raise ValidationError({"budget": _("The budget must be more than zero.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The period ends before it starts.")})
    if not targets:
        raise ValidationError({"target_regions": _("Choose at least one target region.")})
    return amount


@transaction.atomic
def programme_create(
    *,
    user,
    company: Company,
    title: str,
    sector: str,
    budget,
    starts_on: dt.date,
    ends_on: dt.date,
    target_regions,
    description: str = "",
    beneficiary_target: int = 0,
    accepts: str = "any",
) -> Programme:
    """A draft programme of ``company``."""
    policy.require(user, "programme.edit", company)
    amount = _check_programme(
        company=company, budget=budget, starts_on=starts_on, ends_on=ends_on, targets=target_regions
    )
    programme = Programme.objects.create(
        company=company,
        title=title,
        sector=sector,
        budget=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        description=description,
        beneficiary_target=beneficiary_target,
        accepts=accepts,
    )
    ProgrammeTarget.objects.bulk_create([ProgrammeTarget(programme=programme, region=r) for r in target_regions])
    return programme


@transaction.atomic
def programme_update(*, user, programme: Programme, target_regions=None, **fields) -> Programme:
    """Change a programme; the budget may never fall below what matches already hold."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    policy.require(user, "programme.edit", programme)
    if "budget" in fields:
        fields["budget"] = _money(fields["budget"], field="budget")
        held = programme.matches.filter(state__in=LIVE_MATCH_STATES).aggregate(t=Sum("amount"))["t"] or 0
        if fields["budget"] < held:
            raise ValidationError(
                {"budget": _("The budget cannot be less than the %(held)s already matched.") % {"held": rupiah(held)}}
            )
    for name, value in fields.items():
        setattr(programme, name, value)
    _check_programme(
        company=programme.company,
        budget=programme.budget,
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
        targets=target_regions if target_regions is not None else [True],
    )
    programme.save()
    if target_regions is not None:
        programme.targets.all().delete()
        ProgrammeTarget.objects.bulk_create([ProgrammeTarget(programme=programme, region=r) for r in target_regions])
    return programme


@transaction.atomic
def programme_set_status(*, user, programme: Programme, status: str) -> Programme:
    """Open (publish) or close a programme; a closed one may reopen."""
    policy.require(user, "programme.edit", programme)
    if status not in (ProgrammeStatus.OPEN, ProgrammeStatus.CLOSED):
        raise ValidationError(_("Unknown programme status."))
    programme.status = status
    programme.save(update_fields=["status"])
    return programme


# Proposals --------------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    user,
    village,
    proposer_kind: str,
    sector: str,
    title: str,
    description: str,
    amount_requested,
    beneficiaries: int = 0,
) -> Proposal:
    """A draft proposal of ``village`` (its Karang Taruna or its government)."""
    policy.require(user, "proposal.edit", village.code)
    if village.level != 4:
        raise ValidationError({"village": _("Choose a village (desa/kelurahan).")})
    amount = _money(amount_requested, field="amount_requested")
    proposal = Proposal.objects.create(
        village=village,
        proposer_kind=proposer_kind,
        sector=sector,
        title=title,
        description=description,
        amount_requested=amount,
        beneficiaries=beneficiaries,
        created_by=user,
    )
    _event(proposal=proposal, actor=user, from_state="", to_state=ProposalState.DRAFT, note=_("Draft created."))
    return proposal


@transaction.atomic
def proposal_update(*, user, proposal: Proposal, **fields) -> Proposal:
    """Edit a draft (a proposal already sent is frozen: the reviewers saw that version)."""
    policy.require(user, "proposal.edit", proposal)
    if proposal.state != ProposalState.DRAFT:
        raise ValidationError(_("Only a draft can be edited."))
    if "amount_requested" in fields:
        fields["amount_requested"] = _money(fields["amount_requested"], field="amount_requested")
    for name, value in fields.items():
        setattr(proposal, name, value)
    proposal.save()
    return proposal


@transaction.atomic
def proposal_transition(*, user, proposal: Proposal, name: str, note: str = "") -> Proposal:
    """Move a proposal along one of ``TRANSITIONS`` with a note the proposer sees."""
    if name not in TRANSITIONS:
        raise ValidationError(_("Unknown step."))
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("village").get(pk=proposal.pk)
    policy.require(user, TRANSITION_ACTION[name], proposal)
    sources, target = TRANSITIONS[name]
    if proposal.state not in sources:
        raise ValidationError(
            _("This step is not possible while the proposal is %(state)s.") % {"state": proposal.get_state_display()}
        )
    if name == "submit" and proposal.amount_requested <= 0:
        raise ValidationError(_("Enter the amount requested before submitting."))
    if name == "withdraw":
        for match in proposal.matches.filter(state=MatchState.CONFIRMED):
            match.state = MatchState.DECLINED
            match.reason = _("The proposer withdrew the proposal.")
            match.decided_by, match.decided_at = user, timezone.now()
            match.save(update_fields=["state", "reason", "decided_by", "decided_at"])
    _set_state(proposal=proposal, user=user, to_state=target, note=note)
    return proposal


def proposal_allowed_steps(*, user, proposal: Proposal) -> list[str]:
    """The transition names ``user`` may apply now (for the buttons on the page)."""
    return [
        name
        for name, (sources, _target) in TRANSITIONS.items()
        if proposal.state in sources and policy.can(user, TRANSITION_ACTION[name], proposal)
    ]


@transaction.atomic
def attachment_add(*, user, proposal: Proposal, upload, realisation=None) -> Attachment:
    """Store a checked file with ``proposal`` (or as evidence of one of its realisations)."""
    if realisation is None:
        policy.require(user, "proposal.edit", proposal)
    else:
        policy.require(user, "realisation.report", realisation.match)
    kind, content = checked_upload(upload)
    attachment = Attachment(
        proposal=proposal,
        realisation=realisation,
        name=(upload.name or "lampiran")[-200:],
        kind=kind,
        size=upload.size,
        uploaded_by=user,
    )
    attachment.file.save(f"{kind}-{proposal.pk}.{kind}", content, save=False)
    attachment.save()
    return attachment


# Matches ----------------------------------------------------------------------------------------


@transaction.atomic
def match_confirm(*, user, proposal: Proposal, programme: Programme, amount, note: str = "") -> Match:
    """Staff confirm that ``programme`` funds ``amount`` of ``proposal``; it then waits for the company.

    Refused (nothing changes) when the programme is not open, the village lies outside its target
    regions, the amount is not positive, more than the proposal still needs, or more than the
    programme has left after accepted and waiting matches. The programme row is locked first.
    """
    policy.require(user, "match.confirm", proposal)
    amount = _money(amount, field="amount")
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("village").get(pk=proposal.pk)
    if programme.status != ProgrammeStatus.OPEN:
        raise ValidationError(_("The programme is not open."))
    if proposal.state not in MATCHABLE_STATES:
        raise ValidationError(
            _("A proposal that is %(state)s cannot be matched.") % {"state": proposal.get_state_display()}
        )
    if not programme.covers(proposal.village.code):
        raise ValidationError(_("The village lies outside the programme's target regions."))
    if not programme.accepts_kind(proposal.proposer_kind):
        raise ValidationError(_("The programme does not fund proposals from this kind of proposer."))
    if proposal.matches.filter(programme=programme, state__in=LIVE_MATCH_STATES).exists():
        raise ValidationError(_("This programme is already matched to the proposal."))
    pledged = proposal.matches.filter(state__in=LIVE_MATCH_STATES).aggregate(t=Sum("amount"))["t"] or Decimal(0)
    still_needed = proposal.amount_requested - pledged
    if amount > still_needed:
        raise ValidationError(
            {"amount": _("The proposal needs only %(need)s more.") % {"need": rupiah(max(still_needed, 0))}}
        )
    held = programme.matches.filter(state__in=LIVE_MATCH_STATES).aggregate(t=Sum("amount"))["t"] or Decimal(0)
    free = programme.budget - held
    if amount > free:
        raise ValidationError({"amount": _("The programme has only %(free)s left.") % {"free": rupiah(max(free, 0))}})
    scored = score(
        Programme.objects.with_budget().prefetch_related("target_regions").get(pk=programme.pk),
        Proposal.objects.with_funding().select_related("village").get(pk=proposal.pk),
        Context.load([proposal.village.code]),
    )
    match = Match.objects.create(
        programme=programme,
        proposal=proposal,
        amount=amount,
        score=Decimal(str(scored.score)),
        note=note.strip(),
        confirmed_by=user,
        confirmed_at=timezone.now(),
    )
    message = _("Matched with %(programme)s (%(company)s) for %(amount)s; waiting for the company.") % {
        "programme": programme.title,
        "company": programme.company.name,
        "amount": rupiah(amount),
    }
    if note.strip():
        message = f"{message} {note.strip()}"
    if proposal.state in (ProposalState.SUBMITTED, ProposalState.UNDER_REVIEW, ProposalState.DECLINED):
        _set_state(proposal=proposal, user=user, to_state=ProposalState.MATCHED, note=message)
    else:
        _event(proposal=proposal, actor=user, from_state=proposal.state, to_state=proposal.state, note=message)
    return match


@transaction.atomic
def match_accept(*, user, match: Match, note: str = "") -> Match:
    """The company accepts: the amount is committed, rechecked against the locked programme."""
    policy.require(user, "match.decide", match)
    programme = Programme.objects.select_for_update().get(pk=match.programme_id)
    match = Match.objects.select_for_update(of=("self",)).select_related("proposal__village").get(pk=match.pk)
    if match.state != MatchState.CONFIRMED:
        raise ValidationError(_("This match is no longer waiting for the company."))
    committed = programme.matches.filter(state=MatchState.ACCEPTED).aggregate(t=Sum("amount"))["t"] or Decimal(0)
    if committed + match.amount > programme.budget:
        raise ValidationError(
            _("The programme has only %(free)s left.") % {"free": rupiah(max(programme.budget - committed, 0))}
        )
    match.state = MatchState.ACCEPTED
    match.reason = note.strip()
    match.decided_by, match.decided_at = user, timezone.now()
    match.save(update_fields=["state", "reason", "decided_by", "decided_at"])
    proposal = Proposal.objects.select_for_update().get(pk=match.proposal_id)
    message = _("%(company)s accepted to fund %(amount)s.") % {
        "company": programme.company.name,
        "amount": rupiah(match.amount),
    }
    if note.strip():
        message = f"{message} {note.strip()}"
    if proposal.state in (ProposalState.MATCHED, ProposalState.DECLINED):
        _set_state(proposal=proposal, user=user, to_state=ProposalState.ACCEPTED, note=message)
    else:
        _event(proposal=proposal, actor=user, from_state=proposal.state, to_state=proposal.state, note=message)
    return match


@transaction.atomic
def match_decline(*, user, match: Match, reason: str) -> Match:
    """The company declines with a reason the proposer sees; the money is released."""
    policy.require(user, "match.decide", match)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for declining: the proposer will read it.")})
    match = Match.objects.select_for_update(of=("self",)).select_related("programme__company").get(pk=match.pk)
    if match.state != MatchState.CONFIRMED:
        raise ValidationError(_("This match is no longer waiting for the company."))
    match.state = MatchState.DECLINED
    match.reason = reason.strip()
    match.decided_by, match.decided_at = user, timezone.now()
    match.save(update_fields=["state", "reason", "decided_by", "decided_at"])
    proposal = Proposal.objects.select_for_update().get(pk=match.proposal_id)
    message = _("%(company)s declined: %(reason)s") % {
        "company": match.programme.company.name,
        "reason": reason.strip(),
    }
    others = proposal.matches.filter(state__in=LIVE_MATCH_STATES).exists()
    if proposal.state == ProposalState.MATCHED and not others:
        _set_state(proposal=proposal, user=user, to_state=ProposalState.DECLINED, note=message)
    else:
        _event(proposal=proposal, actor=user, from_state=proposal.state, to_state=proposal.state, note=message)
    return match


def match_confirm_suggestions(*, user, pairs) -> tuple[int, list[str]]:
    """Confirm the allocation planner's suggestions, each for what its proposal still needs.

    ``pairs``: (proposal, programme), None where a suggestion named an unknown one. A refused or
    unknown suggestion is skipped and told; the others are confirmed. Returns (confirmed, messages).
    """
    made, refusals = 0, []
    for proposal, programme in pairs:
        if proposal is None or programme is None:
            refusals.append(_("A suggestion refers to an unknown proposal or programme."))
            continue
        try:
            match_confirm(
                user=user,
                proposal=proposal,
                programme=programme,
                amount=remaining_need(proposal),
                note=_("From the allocation planner."),
            )
        except ValidationError as exc:
            refusals.extend(f"{proposal.title}: {message}" for message in exc.messages)
        else:
            made += 1
    return made, refusals


def realisation_side(*, user, match: Match) -> str | None:
    """Which side ``user`` reports for on ``match``: the company's or the proposer's (None: neither)."""
    grants = policy.grants_for(user, "realisation.report")
    if any(g.company_id == match.programme.company_id for g in grants):
        return ReporterSide.COMPANY
    if any(g.region_code and g.covers(region_code=match.proposal.village.code, company_id=None) for g in grants):
        return ReporterSide.PROPOSER
    if any(g.is_global for g in grants):
        return ReporterSide.COMPANY
    return None


@transaction.atomic
def realisation_report(
    *,
    user,
    match: Match,
    amount_spent,
    beneficiaries_reached: int,
    note: str = "",
    income_before=None,
    income_after=None,
    files=(),
):
    """Report what was done with an accepted match; the proposal moves to in progress."""
    policy.require(user, "realisation.report", match)
    side = realisation_side(user=user, match=match)
    if side is None:
        raise PermissionDenied("realisation.report")
    match = Match.objects.select_related("programme", "proposal__village").get(pk=match.pk)
    if match.state != MatchState.ACCEPTED:
        raise ValidationError(_("Only an accepted match can be reported on."))
    spent = _money(amount_spent, field="amount_spent")
    if spent > match.amount:
        raise ValidationError(
            {"amount_spent": _("More than the %(amount)s accepted for this match.") % {"amount": rupiah(match.amount)}}
        )
    before = after = None
    if match.programme.sector in INCOME_SECTORS:
        before = _money(income_before, field="income_before") if income_before not in (None, "") else None
        after = _money(income_after, field="income_after") if income_after not in (None, "") else None
    realisation = Realisation.objects.create(
        match=match,
        side=side,
        amount_spent=spent,
        beneficiaries_reached=beneficiaries_reached,
        income_before=before,
        income_after=after,
        note=note.strip(),
        reported_by=user,
    )
    for upload in files:
        attachment_add(user=user, proposal=match.proposal, upload=upload, realisation=realisation)
    proposal = Proposal.objects.select_for_update().get(pk=match.proposal_id)
    message = _("Realisation reported by the %(side)s: %(spent)s spent, %(n)s beneficiaries reached.") % {
        "side": ReporterSide(side).label.lower(),
        "spent": rupiah(spent),
        "n": beneficiaries_reached,
    }
    if proposal.state == ProposalState.ACCEPTED:
        _set_state(proposal=proposal, user=user, to_state=ProposalState.IN_PROGRESS, note=message)
    else:
        _event(proposal=proposal, actor=user, from_state=proposal.state, to_state=proposal.state, note=message)
    signals.realisation_recorded_on_commit(realisation=realisation)
    return realisation


# Companies --------------------------------------------------------------------------------------


@transaction.atomic
def company_update(*, user, company: Company, forum: str = "tjslbu", forum_years=None, **fields) -> Company:
    """Edit a company's profile; ``forum_years`` replaces its membership years of ``forum``."""
    policy.require(user, "company.edit", company)
    if forum not in Forum.values:
        raise ValidationError({"forum": _("Unknown forum.")})
    for name, value in fields.items():
        setattr(company, name, value)
    company.save()
    if forum_years is not None:
        years = sorted(set(forum_years))
        if any(y < 2000 or y > 2100 for y in years):
            raise ValidationError({"forum_years": _("Enter years between 2000 and 2100.")})
        company.forum_memberships.filter(forum=forum).exclude(year__in=years).delete()
        have = set(company.forum_memberships.filter(forum=forum).values_list("year", flat=True))
        ForumMembership.objects.bulk_create(
            [ForumMembership(company=company, forum=forum, year=y) for y in years if y not in have]
        )
    return company


# Company representatives ----------------------------------------------------------------------


@transaction.atomic
def company_representative_assign(*, user, company: Company) -> CompanyRepresentative:
    """Make ``user`` a representative of ``company`` (the company-representative role, scoped to it).
    Like ``accounts.services.role_assign``, for the admin, the demo and the tests: no acting user."""
    representative, _created = CompanyRepresentative.objects.get_or_create(user=user, company=company)
    if not representative.active:
        representative.active = True
        representative.save(update_fields=["active"])
    policy.forget(user)
    return representative


@transaction.atomic
def company_representative_revoke(*, representative: CompanyRepresentative) -> None:
    representative.active = False
    representative.save(update_fields=["active"])
    policy.forget(representative.user)
