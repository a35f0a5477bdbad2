"""Home-page card of the regions part: the areas the user's roles cover, one click away."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import policy
from kaltara_portal import home

from .models import Region


@home.register
def my_areas(user: Any) -> home.Card | None:
    codes = sorted({g.region_code for g in policy.grants(user) if g.region_code})
    if not codes:
        return None
    regions = Region.objects.filter(code__in=codes).order_by("code")
    return home.Card(
        title=_("My area"),
        lines=[
            home.CardLine(text=r.display_name, url=reverse("regions:detail", args=[r.code]), badge=r.code)
            for r in regions
        ],
        order=95,
    )
