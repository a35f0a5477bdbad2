"""Reads about users and roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .models import Role, RoleAssignment


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
