"""Home-page card of the regions part: the areas the user's roles cover, one click away."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import policy
from core import home_cards as home


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
