from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from accounts import policy

from . import navigation


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "nav_sections": navigation.sections_for(user, request.path) if user is not None else [],
        "user_roles": sorted({g.role for g in policy.grants(user)}) if user is not None else [],
        "admin_url": f"/{settings.ADMIN_URL}",
        "show_admin_link": bool(user is not None and user.is_authenticated and user.is_staff),
    }
