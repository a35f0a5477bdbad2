"""Home-page cards of the accounts part: what an administrator should look at."""

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
        without_role=Count(
            "pk", filter=Q(is_active=True, is_superuser=False) & ~Q(role_assignments__active=True), distinct=True
        ),
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
