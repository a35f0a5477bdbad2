"""The synchronisation board's map: poor villages no open programme reaches, and each open
programme's target area. JSON for static/js/maps.js (regions.maps); asks the policy for
``csr.board`` as the board does; region names, counts and programme titles only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.views_support import allowed
from regions import maps
from regions.selectors import kabupaten_kota, regions_with_codes

from .. import selectors


@login_required  # then the method, then the policy: a signed-in POST answers 405
@require_GET
@allowed("csr.board")
def board_map(request: HttpRequest) -> JsonResponse:
    data = selectors.board_map(user=request.user)
    unreached = {r["village"].code: r for r in data["board"].unreached}
    features = []
    for code, shape in maps.shapes(data["villages"]).items():
        row = unreached.get(code)
        if row is None:
            features.append({**shape, "k": "other"})
            continue
        kecamatan = row["kecamatan"].name if row["kecamatan"] else ""
        features.append(
            {
                **shape,
                "k": "unreached",
                "cells": [
                    kecamatan,
                    f"{maps.number(row['poor'])} / {maps.number(row['families'])}",
                    f"{row['share']}%",
                ],
            }
        )
    targets = {code for p in data["programmes"] for code in p["targets"]}
    # A programme for the whole province is drawn as the province's kabupaten/kota.
    kabupaten = kabupaten_kota(province=data["scope"][:2])
    kabupaten_codes = list(kabupaten.values_list("code", flat=True))
    areas = maps.shapes(regions_with_codes((targets - {"65"}) | set(kabupaten_codes)))
    return JsonResponse(
        maps.payload(
            legend={
                "title": _("Poor villages no open programme reaches"),
                "items": [
                    {"k": "unreached", "label": _("Poor, not reached"), "color": maps.CATEGORY_COLOURS["vermillion"]},
                    {"k": "other", "label": _("Reached or no poor families"), "color": maps.CATEGORY_COLOURS["grey"]},
                    {"k": "target", "label": _("Target area of the chosen programme"), "color": "outline"},
                ],
            },
            columns=[_("Village"), _("Kecamatan"), _("Poor families"), _("Share poor %")],
            features=features,
            background=[areas[c] for c in kabupaten_codes if c in areas],
            programmes=[
                {**p, "targets": [c for t in p["targets"] for c in (kabupaten_codes if t == "65" else [t])]}
                for p in data["programmes"]
            ],
            areas=areas,
        )
    )
