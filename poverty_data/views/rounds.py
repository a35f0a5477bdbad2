"""Rounds (open, close, how far each region is) and the review queue of the steps waiting for the user."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts import policy
from accounts.views_support import add_service_errors, allowed
from core.exports import export_format, export_response, paginate
from regions.models import Level, Region

from .. import selectors, services
from ..forms import QuickReturnForm, RegionForm, RoundForm
from ..models import SubmissionState

COUNTS = ("villages", "missing", "submitted", "verified", "approved", "finalised", "on_time", "late")
PROVINCE = "65"


@allowed("submission.view")
def review_queue(request: HttpRequest) -> HttpResponse:
    queue = selectors.review_queue(user=request.user)
    drafts = selectors.drafts_for(user=request.user)
    return render(
        request,
        "poverty_data/review_queue.html",
        {"page_obj": paginate(request, queue), "drafts": list(drafts[:20]), "return_form": QuickReturnForm()},
    )


@allowed("round.view")
def round_list(request: HttpRequest) -> HttpResponse:
    can_manage = policy.can(request.user, "round.manage", PROVINCE)
    form = RoundForm(request.POST or None)
    if request.method == "POST":
        policy.require(request.user, "round.manage", PROVINCE)
        if form.is_valid():
            try:
                round_ = services.round_open(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The round is open."))
                return redirect("poverty_data:round", round_.pk)
    return render(
        request,
        "poverty_data/round_list.html",
        {"page_obj": paginate(request, selectors.rounds()), "form": form, "can_manage": can_manage},
        status=400 if request.method == "POST" else 200,
    )


def region_param(request: HttpRequest) -> Region | None:
    """``?wilayah=<id>``, a region above the villages; 404 for anything else."""
    form = RegionForm(request.GET)
    if not form.is_valid():
        raise Http404
    return form.cleaned_data["wilayah"]


def _overview_export(fmt: str, round_: Any, rows: list[selectors.OverviewRow]) -> HttpResponse:
    header = [
        _("Code"), _("Region"), _("Villages"), _("Missing"), _("Submitted"), _("Verified"), _("Approved"),
        _("Finalised"), _("On time"), _("Late"),
    ]  # fmt: skip
    return export_response(
        fmt=fmt,
        filename=f"periode-{round_.pk}",
        header=header,
        rows=([r.code, r.region.name if r.region else "", *(getattr(r, key) for key in COUNTS)] for r in rows),
    )


def _late_rows(round_: Any, user: Any) -> tuple[list[dict[str, Any]], int]:
    """The first hundred villages behind a deadline, each with its sentence, and how many there are."""
    late = selectors.late_villages(round=round_, user=user) if round_.is_open else []
    reminded = selectors.round_reminded(round=round_)
    # One sentence per step (its label and deadline are the same for every village behind it).
    behind: dict[str, str] = {}
    for row in late[:100]:
        row["reminded"] = (row["pk"], row["step"]) in reminded
        if row["step"] not in behind:
            behind[row["step"]] = mark_safe(  # noqa: S308 - a translated sentence around two escaped values
                _('behind the "%(step)s" deadline of %(deadline)s')
                % {
                    "step": escape(SubmissionState(row["step"]).label),
                    "deadline": escape(date_format(row["deadline"], "j F Y")),
                }
            )
        row["behind"] = behind[row["step"]]
    return late[:100], len(late)


@login_required
def round_overview(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, pk=pk)
    parent = region_param(request)
    if parent is not None and not policy.can_reach(request.user, "round.view", parent.code):
        raise Http404
    rows = selectors.round_overview(round=round_, user=request.user, parent=parent)
    if request.method == "POST" and "close" in request.POST:
        services.round_close(user=request.user, round=round_)
        messages.success(request, _("The round is closed."))
        return redirect("poverty_data:round", round_.pk)
    if fmt := export_format(request):
        return _overview_export(fmt, round_, rows)
    late, late_count = _late_rows(round_, request.user)
    return render(
        request,
        "poverty_data/round_overview.html",
        {
            "round": round_,
            "parent": parent,
            "rows": rows,
            "totals": {key: sum(getattr(r, key) for r in rows) for key in COUNTS},
            "late": late,
            "late_count": late_count,
            "village_level": parent is not None and parent.level == Level.KECAMATAN,
            "can_manage": policy.can(request.user, "round.manage", PROVINCE),
        },
    )
