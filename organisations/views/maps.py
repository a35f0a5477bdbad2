"""The registry dashboard's map: villages with a registered Karang Taruna and a current term.

JSON for static/js/maps.js (regions.maps); asks the policy for ``registry.dashboard`` as the page does;
region names and yes/no per village only.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.views_support import allowed
from regions import maps
from regions.selectors import kabupaten_kota, villages_with_codes

from .. import selectors


@login_required  # then the method, then the policy: a signed-in POST answers 405
@require_GET
@allowed("registry.dashboard")
def dashboard_map(request: HttpRequest) -> JsonResponse:
    status = selectors.registry_map(user=request.user)
    legend = [
        ("term", _("Karang Taruna with a current term"), maps.CATEGORY_COLOURS["blue"]),
        ("registered", _("Registered, no current term"), maps.CATEGORY_COLOURS["orange"]),
        ("none", _("No Karang Taruna registered"), maps.CATEGORY_COLOURS["grey"]),
    ]
    labels = {key: label for key, label, _colour in legend}
    features = []
    for code, shape in maps.shapes(villages_with_codes(status)).items():
        row = status[code]
        key = "term" if row["with_term"] else "registered" if row["registered"] else "none"
        features.append({**shape, "k": key, "cells": [labels[key]]})
    return JsonResponse(
        maps.payload(
            legend={
                "title": _("Karang Taruna per village"),
                "items": [{"k": key, "label": label, "color": colour} for key, label, colour in legend],
            },
            columns=[_("Village"), _("Status")],
            features=features,
            background=maps.shapes(kabupaten_kota()).values(),
        )
    )
