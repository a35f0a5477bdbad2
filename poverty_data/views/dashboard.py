"""The poverty dashboard: families by desil, the poor by region, families changed per round."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.views_support import allowed
from core.db_router import use_replica

from .. import selectors
from .rounds import region_param


@allowed("poverty.dashboard")
@use_replica()
def dashboard(request: HttpRequest) -> HttpResponse:
    region = region_param(request)
    stats = selectors.dashboard(user=request.user, region=region)
    chart = {
        "desil": {
            "labels": [str(r["desil"]) for r in stats["by_desil"]],
            "values": [r["families"] for r in stats["by_desil"]],
        },
        "poor": {
            "labels": [r["name"] for r in stats["poor"]],
            "poor4": [r["poor4"] for r in stats["poor"]],
            "poor5": [r["poor5"] for r in stats["poor"]],
        },
        "changed": {
            "labels": [r["submission__round__name"] for r in stats["changed"]],
            "values": [r["families"] for r in stats["changed"]],
        },
        "labels": {
            "families": _("Families"),
            "poor4": _("Desil 1-4"),
            "poor5": _("Desil 1-5"),
            "changed": _("Families changed"),
        },
    }
    return render(request, "poverty_data/dashboard.html", {"stats": stats, "chart": chart, "region": region})
