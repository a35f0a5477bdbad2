"""Update rounds: opened and closed by the province."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import policy

from .. import signals, stats
from ..models import Round


@transaction.atomic
def round_open(
    *,
    user: Any,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    submit_deadline: dt.date,
    verify_deadline: dt.date,
    approve_deadline: dt.date,
    finalise_deadline: dt.date,
) -> Round:
    """Open an update round; its deadlines must follow one another."""
    policy.require(user, "round.manage", "65")
    if period_end < period_start:
        raise ValidationError(_("The period ends before it starts."))
    if not (submit_deadline <= verify_deadline <= approve_deadline <= finalise_deadline):
        raise ValidationError(_("Each deadline must be on or after the one before it."))
    return Round.objects.create(
        name=name,
        period_start=period_start,
        period_end=period_end,
        submit_deadline=submit_deadline,
        verify_deadline=verify_deadline,
        approve_deadline=approve_deadline,
        finalise_deadline=finalise_deadline,
        created_by=user,
    )


@transaction.atomic
def round_close(*, user: Any, round: Round) -> Round:  # noqa: A002 - the domain word
    """Close the round; villages without a finalised submission get their current figures as the round's."""
    policy.require(user, "round.manage", "65")
    round.is_open = False
    round.save(update_fields=["is_open"])
    stats.village_round_stats_record(round=round)
    signals.round_closed_on_commit(round=round)
    return round
