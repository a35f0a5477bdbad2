"""Home-page cards of the poverty data: submissions waiting for me, my village's round deadline."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy
from accounts.models import Role
from core import home_cards as home

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


def _tone(deadline: Any, today: Any) -> str:
    days = (deadline - today).days
    return "danger" if days < 0 else ("warning" if days <= 7 else "secondary")


@home.register
def my_village_round(user: Any) -> home.Card | None:
    """Pokja members: their village's draft and its deadline; village heads: their village's
    submission and the verification deadline (three queries)."""
    is_editor = policy.can(user, "submission.edit")
    heads = [g.region_code for g in policy.grants(user) if g.role == Role.VILLAGE_HEAD]
    if not is_editor and not heads:
        return None
    today = timezone.localdate()
    lines = []
    if heads:
        round_ = selectors.current_round()
        if round_ is not None:
            submissions = {
                code: (state, pk)
                for code, state, pk in round_.submissions.filter(village_code__in=heads).values_list(
                    "village_code", "state", "pk"
                )
            }
            names = policy.scope_names(user)  # read once with the role badges of the home page
            for code in heads:
                state, pk = submissions.get(code, (None, None))
                lines.append(
                    home.CardLine(
                        _("%(village)s: verify by %(date)s")
                        % {"village": names.get(code, code), "date": round_.verify_deadline.strftime("%d-%m-%Y")},
                        url=reverse("poverty_data:submission", args=[pk]) if pk else reverse("poverty_data:queue"),
                        badge=str(SubmissionState(state).label) if state else str(_("Not started")),
                        tone=_tone(round_.verify_deadline, today),
                    )
                )
    drafts = list(selectors.drafts_for(user=user)[:5]) if is_editor else []
    for draft in drafts:
        lines.append(
            home.CardLine(
                _("%(village)s: submit by %(date)s")
                % {"village": draft.village.display_name, "date": draft.round.submit_deadline.strftime("%d-%m-%Y")},
                url=reverse("poverty_data:submission", args=[draft.pk]),
                badge=str(SubmissionState(draft.state).label),
                tone=_tone(draft.round.submit_deadline, today),
            )
        )
    empty_text = _("No draft of your Pokja is open.")
    if is_editor and not lines and (missing := selectors.pokja_seats_missing(user=user)):
        # Not on the Pokja: say so, and who can fix it, rather than a bare "no draft".
        names = policy.scope_names(user)
        empty_text = _(
            "You are not on the Pokja of %(villages)s, so no draft is open for you. The village head (%(names)s) can add you."
        ) % {
            "villages": ", ".join(str(names.get(code, code)) for code, _heads in missing),
            "names": ", ".join(name for _code, heads in missing for name in heads) or "—",
        }
    return home.Card(
        title=_("Poverty data: my village"),
        lines=lines,
        empty_text=empty_text,
        link_url=reverse("poverty_data:villages"),
        link_text=_("Open the poverty data"),
        order=21,
    )
