"""Reports: plan vs realisation, the synchronisation board, impact, the allocation planner and the
public catalogue."""

from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.views_support import allowed
from core.db_router import use_replica
from core.lists import list_page

from .. import forms, lists, selectors, services

CHART_GROUPS = 15


@allowed("match.view")
def plan_vs_realisation(request: HttpRequest) -> HttpResponse:
    group = forms.PlanGroupForm(request.GET or None).group()
    tables = selectors.plan_vs_realisation(matches_qs=selectors.match_list(user=request.user))
    spec = dataclasses.replace(lists.PLAN_VS_REALISATION, filename=f"rencana-realisasi-{group}")
    if export := list_page(request, spec, rows=tables[group]).export:
        return export
    rows = tables[group][:CHART_GROUPS]
    chart = {
        "labels": [r.label for r in rows],
        "committed": [int(r.committed) for r in rows],
        "spent": [int(r.spent) for r in rows],
        "committed_label": _("Committed"),
        "spent_label": _("Spent"),
    }
    return render(request, "csr/plan_vs_realisation.html", {"tables": tables, "group": group, "chart": chart})


@allowed("csr.board")
@use_replica()
def board(request: HttpRequest) -> HttpResponse:
    data = selectors.sync_board(user=request.user, scope_code=selectors.board_scope(user=request.user))
    listing = list_page(request, lists.UNREACHED_VILLAGES, rows=data.unreached)
    return listing.export or render(request, "csr/board.html", {**listing.context, "board": data})


def catalogue(request: HttpRequest) -> HttpResponse:
    """Public, no login: open programmes and aggregate realisation, no personal data."""
    tables = selectors.plan_vs_realisation(matches_qs=selectors.all_matches())
    return render(
        request,
        "csr/catalogue.html",
        {"programmes": selectors.catalogue(), "by_sector": tables["sector"], "by_kabupaten": tables["kabupaten"]},
    )


@allowed("csr.plan")
def planner(request: HttpRequest) -> HttpResponse:
    """Suggested allocation (max poor families reached) next to first come; staff turn pairs into matches."""
    if request.method == "POST":
        return _planner_apply(request)
    allocation = selectors.allocation_plan(user=request.user)
    listing = list_page(request, lists.ALLOCATION_PLAN, rows=allocation.rows)
    return listing.export or render(
        request,
        "csr/planner.html",
        {
            **listing.context,
            "plan": allocation.plan,
            "greedy": allocation.greedy,
            "has_poverty_data": allocation.has_poverty_data,
            "offers": allocation.offers,
            "needs": allocation.needs,
        },
    )


def _planner_apply(request: HttpRequest) -> HttpResponse:
    pairs = forms.PlannerApplyForm(request.POST).pairs()
    suggestions = selectors.planner_pairs(user=request.user, pairs=pairs)
    made, refusals = services.match_confirm_suggestions(user=request.user, pairs=suggestions)
    for refusal in refusals:
        messages.error(request, refusal)
    if made:
        messages.success(
            request, _("%(n)s matches confirmed; the companies will accept or decline them.") % {"n": made}
        )
    return redirect("csr:planner")


@allowed("csr.board")
def impact(request: HttpRequest) -> HttpResponse:
    data = selectors.impact(user=request.user)
    listing = list_page(request, lists.IMPACT, rows=data["villages"])
    return listing.export or render(request, "csr/impact.html", {**data, **listing.context})
