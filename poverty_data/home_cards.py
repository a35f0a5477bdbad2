"""Home-page cards of the poverty data: submissions waiting for me, my village's round deadline."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy
from kaltara_portal import home

from . import selectors
from .models import SubmissionState


@home.register
def submissions_waiting(user: Any) -> home.Card | None:
    """Reviewers: how many submissions wait for their step (one query)."""
    if not any(policy.can(user, a) for a in ("submission.verify", "submission.approve", "submission.finalise")):
        return None
    count = selectors.review_queue(user=user).count()
    lines = []
    if count:
        lines.append(
            home.CardLine(
                _("Submissions waiting for my step"), url=reverse("poverty_data:queue"), badge=count, tone="warning"
            )
        )
    return home.Card(
        title=_("Poverty data: review"),
        lines=lines,
        empty_text=_("No submission is waiting for you."),
        link_url=reverse("poverty_data:queue"),
        link_text=_("Open the review queue"),
        order=20,
    )


@home.register
def my_village_round(user: Any) -> home.Card | None:
    """Pokja members: their village's draft in the open round and its deadline (one query)."""
    if not policy.can(user, "submission.edit"):
        return None
    drafts = list(selectors.drafts_for(user=user)[:5])
    today = timezone.localdate()
    lines = []
    for draft in drafts:
        days = (draft.round.submit_deadline - today).days
        tone = "danger" if days < 0 else ("warning" if days <= 7 else "secondary")
        lines.append(
            home.CardLine(
                _("%(village)s: submit by %(date)s")
                % {"village": draft.village.display_name, "date": draft.round.submit_deadline.strftime("%d-%m-%Y")},
                url=reverse("poverty_data:submission", args=[draft.pk]),
                badge=str(SubmissionState(draft.state).label),
                tone=tone,
            )
        )
    return home.Card(
        title=_("Poverty data: my village"),
        lines=lines,
        empty_text=_("No draft of your Pokja is open."),
        link_url=reverse("poverty_data:villages"),
        link_text=_("Open the poverty data"),
        order=21,
    )
