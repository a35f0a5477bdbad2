"""Reads of single records and lists: policy-checked getters, the lists, a page's related rows, home cards, companies."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404

from accounts import policy

from ..models import (
    WAITING_STATES,
    Company,
    CompanyRepresentative,
    Match,
    MatchState,
    Programme,
    Proposal,
    ProposalEvent,
    ProposalState,
    Realisation,
)


def programme_get_for_user(*, user, pk, action: str = "programme.view") -> Programme:
    """404 outside what the user sees (published, or their company's drafts); 403 without ``action``."""
    queryset = Programme.objects.select_related("company").prefetch_related("target_regions")
    view_action = "programme.view" if action != "programme.view" else None
    return policy.get_for_user(queryset, user, action, view_action=view_action, pk=pk)


def proposal_get_for_user(*, user, pk, action: str = "proposal.view", funding: bool = False) -> Proposal:
    """``funding``: with ``funded`` and ``pledged`` (``Proposal.objects.with_funding()``) in the same query."""
    queryset = Proposal.objects.select_related("village__parent__parent", "created_by")
    if funding:
        queryset = queryset.with_funding()
    view_action = "proposal.view" if action != "proposal.view" else None
    return policy.get_for_user(queryset, user, action, view_action=view_action, pk=pk)


def match_get_for_user(*, user, pk, action: str = "match.view") -> Match:
    queryset = Match.objects.select_related("programme__company", "proposal__village")
    view_action = "match.view" if action != "match.view" else None
    return policy.get_for_user(queryset, user, action, view_action=view_action, pk=pk)


def programme_with_budget(*, programme: Programme) -> Programme:
    """``programme`` read again with its budget figures (committed, left) and its target regions."""
    return (
        Programme.objects.with_budget()
        .select_related("company")
        .prefetch_related("target_regions")
        .get(pk=programme.pk)
    )


def programmes_visible(*, user):
    """The programmes ``user`` sees (published ones, and their company's drafts)."""
    return Programme.objects.visible_to(user)


def proposals_visible(*, user):
    return Proposal.objects.visible_to(user)


def attachment_get(*, proposal: Proposal, pk: int):
    """One attachment of ``proposal`` (the proposal was read through the policy); 404 when not its own."""
    attachment = proposal.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment


def company_get_for_user(*, user, pk, action: str = "company.view") -> Company:
    view_action = "company.view" if action != "company.view" else None
    return policy.get_for_user(
        Company.objects.select_related("kabupaten"), user, action, view_action=view_action, pk=pk
    )


def company_of_user(user) -> Company | None:
    """The company a representative acts for (the first of their grants that names one)."""
    ids = [g.company_id for g in policy.grants(user) if g.company_id]
    return Company.objects.filter(pk=ids[0]).first() if ids else None


def company_forum_years(*, company: Company, forum: str = "tjslbu") -> list[int]:
    return sorted(company.forum_memberships.filter(forum=forum).values_list("year", flat=True))


def all_matches():
    """Every match, for the public catalogue's aggregate figures (no personal data)."""
    return Match.objects.all()


def match_list(*, user, state: str = ""):
    rows = Match.objects.visible_to(user).select_related("programme__company", "proposal__village")
    if state:
        rows = rows.filter(state=state)
    return rows


def programme_list(*, user, sector: str = "", status: str = "", q: str = ""):
    rows = Programme.objects.visible_to(user).with_budget().select_related("company").order_by("-created_at", "-pk")
    if sector:
        rows = rows.filter(sector=sector)
    if status:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(company__name__icontains=q))
    return rows


def proposal_list(*, user, state: str = "", sector: str = "", q: str = ""):
    rows = Proposal.objects.visible_to(user).with_funding().select_related("village").order_by("-created_at", "-pk")
    if state:
        rows = rows.filter(state=state)
    if sector:
        rows = rows.filter(sector=sector)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(village__name__icontains=q) | Q(village__code__startswith=q))
    return rows


def proposal_detail(*, proposal: Proposal, user) -> dict:
    """Events (the feedback trail), attachments and matches of one proposal, in three queries."""
    events = list(ProposalEvent.objects.filter(proposal=proposal).select_related("actor"))
    attachments = list(proposal.attachments.select_related("realisation"))
    matches = list(
        Match.objects.visible_to(user)
        .filter(proposal=proposal)
        .select_related("programme__company", "proposal__village")
        .prefetch_related(Prefetch("realisations", queryset=Realisation.objects.select_related("reported_by")))
    )
    return {"events": events, "attachments": attachments, "matches": matches}


def programme_matches(*, programme: Programme, user) -> list[Match]:
    return list(
        Match.objects.visible_to(user)
        .filter(programme=programme)
        .select_related("proposal__village")
        .annotate(spent=Sum("realisations__amount_spent"))
    )


# Home cards -------------------------------------------------------------------------------------


def proposals_waiting_for_decision(*, user):
    """Submitted or under-review proposals in the staff member's scope (oldest first)."""
    return (
        policy.scoped(Proposal.objects.all(), user, "proposal.review")
        .filter(state__in=WAITING_STATES)
        .order_by("submitted_at", "pk")
    )


def matches_waiting_for_company(*, user):
    return (
        policy.scoped(Match.objects.all(), user, "match.decide")
        .filter(state=MatchState.CONFIRMED)
        .select_related("proposal", "programme")
        .order_by("confirmed_at", "pk")
    )


def my_proposals_by_state(*, user) -> list[tuple[str, str, int]]:
    rows = (
        policy.scoped(Proposal.objects.all(), user, "proposal.edit")
        .values("state")
        .annotate(n=Count("pk"))
        .order_by("state")
    )
    labels = dict(ProposalState.choices)
    order = list(labels)
    return sorted(((r["state"], labels[r["state"]], r["n"]) for r in rows), key=lambda r: order.index(r[0]))


# Companies -------------------------------------------------------------------------------------


def company_list(*, user, q: str = ""):
    rows = (
        Company.objects.visible_to(user)
        .select_related("kabupaten")
        .annotate(programme_count=Count("programmes", distinct=True))
        .order_by("name")
    )
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(business_sector__icontains=q))
    return rows


def company_detail(*, company, user) -> dict:
    """Forum years, representatives and the programmes the user may see (three queries)."""
    return {
        "memberships": list(company.forum_memberships.all()),
        "representatives": list(
            CompanyRepresentative.objects.active()
            .filter(company=company)
            .select_related("user")
            .order_by("user__first_name")
        ),
        "programmes": list(
            Programme.objects.visible_to(user).filter(company=company).with_budget().order_by("-created_at")
        ),
    }
