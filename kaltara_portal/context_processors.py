from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from accounts import policy
from core import navigation


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        nav_sections = []
    else:
        # The entries whose action the user may perform somewhere (no extra queries: grants are cached).
        visible = [item for item in navigation.items() if policy.can(user, item.action)]
        nav_sections = navigation.sections(visible, request.path)
    return {
        "nav_sections": nav_sections,
        "user_roles": sorted({g.role for g in policy.grants(user)}) if user is not None else [],
        "admin_url": f"/{settings.ADMIN_URL}",
        "show_admin_link": bool(user is not None and user.is_authenticated and user.is_staff),
    }
