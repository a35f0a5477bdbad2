"""Reads about users and roles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import policy
from .models import PersonalDataAccess, Role


@dataclass(frozen=True)
class RoleSummary:
    role: str
    label: str
    scope: str


def role_summaries(*, user: Any) -> list[RoleSummary]:
    """The user's active roles with a readable scope, for the home page, by role and region code
    (the policy's grants and scope names: at most one query, shared with the "My area" card)."""
    names = policy.scope_names(user)
    return [
        RoleSummary(
            role=g.role,
            label=str(Role(g.role).label),
            scope=names.get(g.region_code or "") or names.get(g.company_id or 0) or "",
        )
        # A superuser's administrator grant comes last, as it did when it was added after the assignments.
        for g in sorted(
            policy.grants(user), key=lambda g: (g.is_global and user.is_superuser, g.role, g.region_code or "")
        )
    ]


def personal_data_accesses(*, user: Any, filters: dict[str, Any]) -> QuerySet[PersonalDataAccess]:
    """The personal-data access log ``user`` may read (``audit.view``: province staff for their
    province, administrators everything), newest first, narrowed by the page's filters:
    ``user`` (part of a username or name), ``action``, ``subject``, ``date_from`` / ``date_to``
    (days in the portal's time zone, both included)."""
    qs = policy.scoped(PersonalDataAccess.objects.all(), user, "audit.view").select_related("user")
    if who := filters.get("user"):
        qs = qs.filter(
            Q(user__username__icontains=who) | Q(user__first_name__icontains=who) | Q(user__last_name__icontains=who)
        )
    if action := filters.get("action"):
        qs = qs.filter(action=action)
    if subject := filters.get("subject"):
        qs = qs.filter(subject=subject)
    if day := filters.get("date_from"):
        qs = qs.filter(at__gte=_start_of(day))
    if day := filters.get("date_to"):
        qs = qs.filter(at__lt=_start_of(day + dt.timedelta(days=1)))
    return qs.order_by("-at", "-pk")


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
