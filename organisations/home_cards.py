"""Home-page cards of the Karang Taruna registry: my organisation's gaps, terms ending, assessments to do.

Each card asks the policy and costs at most one query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policy
from accounts.models import Role
from core import home_cards as home

from .models import Organisation, TermState, attach_term_state, current_term_q, expiring_q, today

ASSESSMENT_VALID_YEARS = 1


@home.register
def my_organisation(user: Any) -> home.Card | None:
    """For an officer: what is missing from their own Karang Taruna (the one of their grant's region)."""
    codes = [g.region_code for g in policy.grants(user) if g.role == Role.KT_OFFICER and g.region_code]
    if not codes:
        return None
    organisations = attach_term_state(
        list(Organisation.objects.filter(region__code__in=codes).select_related("region")[:5])
    )
    lines: list[home.CardLine] = []
    for org in organisations:
        url = reverse("organisations:detail", args=[org.pk])
        if not org.has_current_term:
            lines.append(home.CardLine(_("%(name)s: no current term") % {"name": org.name}, url, "!", "danger"))
        elif org.term_expiring:
            lines.append(
                home.CardLine(
                    _("%(name)s: the term or its SK ends soon") % {"name": org.name},
                    url,
                    org.current_term_ends_on.strftime("%d-%m-%Y") if org.current_term_ends_on else "!",
                    "warning",
                )
            )
        elif not org.ketua_name:
            lines.append(home.CardLine(_("%(name)s: no Ketua recorded") % {"name": org.name}, url, "!", "warning"))
        missing = org.missing_fields()
        if missing:
            lines.append(
                home.CardLine(
                    _("%(name)s: profile incomplete (%(fields)s)") % {"name": org.name, "fields": ", ".join(missing)},
                    reverse("organisations:edit", args=[org.pk]),
                    len(missing),
                    "secondary",
                )
            )
    if not organisations:
        lines.append(home.CardLine(_("Your Karang Taruna is not registered yet: ask the kabupaten/kota staff.")))
    return home.Card(
        title=gettext_lazy("My Karang Taruna"),
        lines=lines,
        empty_text=gettext_lazy("Your Karang Taruna's data is complete."),
        link_url=reverse("organisations:detail", args=[organisations[0].pk]) if organisations else "",
        link_text=gettext_lazy("Open my Karang Taruna"),
        order=10,
    )


@home.register
def registry_cards(user: Any) -> list[home.Card]:
    """For staff: the terms card and the assessments card, counted in one query when both are
    asked over the same scope (they are for every role today)."""
    terms_scope = (
        policy.scope_q(user, "registry.dashboard", region_field=Organisation.policy_region_field)
        if policy.can(user, "registry.dashboard")
        else None
    )
    assess_scope = (
        policy.scope_q(user, "organisation.assess", region_field=Organisation.policy_region_field)
        if policy.can(user, "organisation.assess")
        else None
    )
    if terms_scope is None and assess_scope is None:
        return []
    # Over the organisations joined to their terms (no subqueries: an Exists per count cost more to
    # build than the whole count takes to run): distinct organisations per condition.
    stale = today() - dt.timedelta(days=365 * ASSESSMENT_VALID_YEARS)
    term_counts = {
        "expiring": Count("pk", distinct=True, filter=expiring_q("terms__")),
        "current": Count("pk", distinct=True, filter=current_term_q("terms__")),
        "organisations": Count("pk", distinct=True),
    }
    assess_counts = {
        "never": Count("pk", distinct=True, filter=Q(classification="")),
        "stale": Count("pk", distinct=True, filter=Q(classified_on__lt=stale) & ~Q(classification="")),
    }
    counts: dict[str, int] = {}
    if terms_scope is not None and terms_scope == assess_scope:
        counts = Organisation.objects.filter(terms_scope).aggregate(**term_counts, **assess_counts)
    else:
        if terms_scope is not None:
            counts |= Organisation.objects.filter(terms_scope).aggregate(**term_counts)
        if assess_scope is not None:
            counts |= Organisation.objects.filter(assess_scope).aggregate(**assess_counts)
    if terms_scope is not None:
        counts["without"] = counts.pop("organisations") - counts.pop("current")
    cards = []
    if terms_scope is not None:
        cards.append(_terms_card(counts))
    if assess_scope is not None:
        cards.append(_assessments_card(counts))
    return cards


def _terms_card(counts: dict[str, int]) -> home.Card:
    """Terms ending within 90 days and organisations without a current term, in the user's scope."""
    url = reverse("organisations:list")
    lines = []
    if counts["expiring"]:
        lines.append(
            home.CardLine(
                _("Terms or SK ending within 90 days"),
                f"{url}?term_state={TermState.EXPIRING}",
                counts["expiring"],
                "warning",
            )
        )
    if counts["without"]:
        lines.append(
            home.CardLine(
                _("Karang Taruna without a current term"),
                f"{url}?term_state={TermState.NONE}",
                counts["without"],
                "danger",
            )
        )
    return home.Card(
        title=gettext_lazy("Karang Taruna terms"),
        lines=lines,
        empty_text=gettext_lazy("Every Karang Taruna has a current term."),
        link_url=reverse("organisations:dashboard"),
        link_text=gettext_lazy("Registry dashboard"),
        order=20,
    )


def _assessments_card(counts: dict[str, int]) -> home.Card:
    """Organisations never assessed, or last assessed over a year ago, in the user's scope."""
    url = reverse("organisations:list")
    lines = []
    if counts["never"]:
        lines.append(home.CardLine(_("Never assessed"), f"{url}?classification=none", counts["never"], "warning"))
    if counts["stale"]:
        lines.append(home.CardLine(_("Last assessed over a year ago"), url, counts["stale"], "secondary"))
    return home.Card(
        title=gettext_lazy("Classification assessments to do"),
        lines=lines,
        empty_text=gettext_lazy("Every Karang Taruna has a recent assessment."),
        link_url=f"{url}?classification=none",
        link_text=gettext_lazy("Karang Taruna to assess"),
        order=30,
    )
