"""The maps of the poverty pages: JSON for static/js/maps.js (regions.maps), no personal data.

Each endpoint asks the access policy what its page asks: the dashboard map ``poverty.dashboard``,
the village locator what the village page asks (``family.view`` on the village).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.views_support import allowed
from regions import maps
from regions.models import Level
from regions.selectors import kabupaten_kota, map_region, regions_with_codes

from .. import selectors


@login_required  # then the method, then the policy: a signed-in POST answers 405
@require_GET
@allowed("poverty.dashboard")
def dashboard_map(request: HttpRequest) -> JsonResponse:
    """The share of poor families (desil 1-4) per kecamatan, or per village below a kabupaten."""
    region = None
    if region_param := request.GET.get("wilayah"):
        region = map_region(region_param)
        if region is None:
            raise Http404
    data = selectors.dashboard_map(user=request.user, region=region)
    pks = dict(data["regions"].values_list("code", "pk"))
    features = []
    for code, shape in maps.shapes(data["regions"]).items():
        row = data["figures"].get(code)
        families, poor = (row["total"], row["poor4"]) if row else (0, 0)
        share = maps.percent(poor, families)
        if data["level"] == Level.KECAMATAN:
            href = f"{reverse('poverty_data:dashboard')}?wilayah={pks[code]}"
        else:
            href = reverse("poverty_data:village", args=[pks[code]])
        features.append(
            {
                **shape,
                "k": maps.share_class(share) if families else "none",
                "cells": [maps.number(families), maps.number(poor), f"{maps.number(share, 1)}%"],
                "href": href,
            }
        )
    background = maps.shapes(kabupaten_kota()).values() if region is None else ()
    return JsonResponse(
        maps.payload(
            legend=maps.share_legend(_("Share of poor families (desil 1-4)")),
            columns=[
                str(Level(data["level"]).label),
                _("Families"),
                _("Desil 1-4"),
                _("Share poor %"),
            ],
            features=features,
            background=background,
        )
    )


@login_required
@require_GET
def village_map(request: HttpRequest, pk: int) -> JsonResponse:
    """Where the village lies: its outline among the kabupaten/kota of the province."""
    village = selectors.village_get_for_user(user=request.user, pk=pk)
    data = selectors.village_locator(village=village)
    kabupaten = maps.shapes(data["kabupaten"])
    here = maps.shapes(regions_with_codes([village.code]))
    parent = village.parent
    features = [
        {
            **shape,
            "k": "here",
            "cells": [parent.name if parent else "", kabupaten.get(data["own"], {}).get("n", "")],
        }
        for shape in here.values()
    ]
    lat, lng = village.centroid_lat, village.centroid_lng
    return JsonResponse(
        maps.payload(
            legend={
                "title": _("Location"),
                "items": [{"k": "here", "label": village.display_name, "color": maps.CATEGORY_COLOURS["vermillion"]}],
            },
            columns=[_("Village"), _("Kecamatan"), _("Kabupaten/kota")],
            features=features,
            background=kabupaten.values(),
            marker=(float(lat), float(lng)) if lat is not None else None,
            fit=[data["own"]],
        )
    )
