"""Home cards of the CSR part: each asks the policy and keeps a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Window
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import policy
from core.home_cards import Card, CardLine, register
from core.navigation import NavItem
from core.navigation import register as register_nav

from . import selectors
from .csr_tones import state_tone
from .money import rupiah

SHOW = 5


@register
def proposals_waiting_for_my_decision(user) -> Card | None:
    if not policy.can(user, "proposal.review"):
        return None
    # The first few and how many there are in all, in one query (the count is taken before the limit).
    rows = list(
        selectors.proposals_waiting_for_decision(user=user)
        .select_related("village")
        .annotate(total=Window(Count("pk")))[:SHOW]
    )
    total = rows[0].total if rows else 0
    lines = [
        CardLine(
            text=f"{p.title} · {p.village.display_name}",
            url=reverse("csr:proposal_detail", args=[p.pk]),
            badge=p.get_state_display(),
            tone="info",
        )
        for p in rows
    ]
    return Card(
        title=_("CSR proposals waiting for a decision (%(n)s)") % {"n": total},
        lines=lines,
        link_url=reverse("csr:proposal_list") + "?state=submitted",
        link_text=_("All proposals"),
        empty_text=_("No proposal is waiting."),
        order=60,
    )


@register
def matches_waiting_for_my_company(user) -> Card | None:
    if not policy.can(user, "match.decide") or not any(g.company_id for g in policy.grants(user)):
        return None
    rows = selectors.matches_waiting_for_company(user=user)
    total = rows.count()
    lines = [
        CardLine(
            text=f"{m.proposal.title} · {m.programme.title}",
            url=reverse("csr:proposal_detail", args=[m.proposal_id]),
            badge=rupiah(m.amount),
            tone="warning",
        )
        for m in rows[:SHOW]
    ]
    return Card(
        title=_("Matches waiting for my company (%(n)s)") % {"n": total},
        lines=lines,
        link_url=reverse("csr:match_list") + "?state=confirmed",
        link_text=_("All matches"),
        empty_text=_("No match is waiting for your company."),
        order=61,
    )


@register
def my_proposals(user) -> Card | None:
    if not policy.can(user, "proposal.edit") or policy.can(user, "proposal.review"):
        return None
    lines = [
        CardLine(text=label, url=reverse("csr:proposal_list") + f"?state={state}", badge=n, tone=state_tone(state))
        for state, label, n in selectors.my_proposals_by_state(user=user)
    ]
    return Card(
        title=_("My CSR proposals"),
        lines=lines,
        link_url=reverse("csr:proposal_create"),
        link_text=_("New proposal"),
        empty_text=_("No proposals yet."),
        order=62,
    )


register_nav(
    NavItem(label=_("CSR proposals"), url_name="csr:proposal_list", action="proposal.view", order=60, section=_("CSR"))
)
register_nav(
    NavItem(
        label=_("CSR programmes"), url_name="csr:programme_list", action="programme.edit", order=61, section=_("CSR")
    )
)
register_nav(NavItem(label=_("CSR board"), url_name="csr:board", action="csr.board", order=62, section=_("CSR")))
