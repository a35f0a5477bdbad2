"""Reads about users and roles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import policy
from .models import PersonalDataAccess, Role, RoleAssignment


@dataclass(frozen=True)
class RoleSummary:
    role: str
    label: str
    scope: str


def role_summaries(*, user: Any) -> list[RoleSummary]:
    """The user's active roles with a readable scope, for the home page (one query)."""
    if not user.is_authenticated:
        return []
    rows = (
        RoleAssignment.objects.active()
        .filter(user=user)
        .select_related("region", "company")
        .order_by("role", "region__code")
    )
    summaries = [
        RoleSummary(
            role=r.role,
            label=r.get_role_display(),
            scope=r.region.display_name if r.region else (r.company.name if r.company else ""),
        )
        for r in rows
    ]
    if user.is_superuser and not any(s.role == Role.ADMINISTRATOR for s in summaries):
        summaries.append(RoleSummary(role=Role.ADMINISTRATOR, label=str(Role.ADMINISTRATOR.label), scope=""))
    return summaries


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


PERSONAL_DATA_ACCESS_HEADER = ["at", "username", "name", "action", "subject", "record", "region_code", "rows"]


def personal_data_access_rows(qs: QuerySet[PersonalDataAccess]):
    """Export rows of the audit log (who, when, what record: never the personal data itself)."""
    for entry in qs.iterator(chunk_size=2000):
        yield [
            entry.at,
            entry.user.username,
            entry.user.get_full_name(),
            entry.get_action_display(),
            entry.subject_label,
            entry.object_id,
            entry.region_code,
            entry.rows,
        ]
