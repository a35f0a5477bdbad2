"""A family's page: its members and its history, identity numbers shown in full on request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import policy
from accounts.models import PersonalDataAccess
from accounts.services import personal_data_access_log

from .. import selectors


def log_full_view(request: HttpRequest, *, subject: str, object_id: Any, region_code: str) -> None:
    """A page showing full NIK / No. KK is a view of personal data: record who, when and which record."""
    personal_data_access_log(
        user=request.user,
        action=PersonalDataAccess.Action.VIEW,
        subject=subject,
        object_id=object_id,
        region_code=region_code,
    )


@login_required
def family_detail(request: HttpRequest, pk: int) -> HttpResponse:
    family = selectors.family_get_for_user(user=request.user, pk=pk)
    reveal = request.method == "POST"
    if reveal:
        policy.require(request.user, "family.view_identity", family)
        log_full_view(request, subject="poverty_data.family", object_id=family.pk, region_code=family.village_code)
    return render(
        request,
        "poverty_data/family_detail.html",
        {
            "family": family,
            "members": selectors.family_members(family=family),
            "reveal": reveal,
            "can_reveal": policy.can(request.user, "family.view_identity", family),
            "timeline": selectors.family_history(family=family, reveal=reveal),
            "draft": selectors.draft_for_editing(user=request.user, village=family.village),
        },
    )
