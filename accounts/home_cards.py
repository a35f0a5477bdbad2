"""Home-page cards of the accounts part: the areas of the user's roles, and what an administrator should look at."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import home_cards as home

from . import policy
from .models import User


@home.register
def users_without_role(user: Any) -> home.Card | None:
    if not policy.can(user, "user.manage"):
        return None
    counts = User.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        without_role=Count("pk", filter=Q(is_active=True, is_superuser=False) & ~policy.holders_q()),
    )
    lines = []
    if counts["without_role"]:
        lines.append(home.CardLine(_("Active users without a role"), badge=counts["without_role"], tone="warning"))
    return home.Card(
        title=_("Users"),
        lines=lines,
        empty_text=_("Every active user has a role."),
        link_url=reverse("admin:accounts_user_changelist"),
        link_text=_("Manage users in the admin"),
        order=90,
    )


@home.register
def my_areas(user: Any) -> home.Card | None:
    """The regions of the user's grants (named by the policy's scope names, shared with the role badges)."""
    codes = sorted({g.region_code for g in policy.grants(user) if g.region_code})
    if not codes:
        return None
    names = policy.scope_names(user)
    return home.Card(
        title=_("My area"),
        lines=[
            home.CardLine(text=names.get(code, code), url=reverse("regions:detail", args=[code]), badge=code)
            for code in codes
        ],
        order=95,
    )
