"""The region browser (/wilayah/): the Kemendagri tree, level by level, with counts.

It lives here, above every app, rather than in ``regions``: it asks the access policy
(``accounts.policy``), and the policy reads ``regions`` (a grant's scope is a region), so ``regions``
itself stays free of anything above it (docs/architecture.md).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.views_support import allowed
from regions.models import Level
from regions.selectors import region_breadcrumbs, region_by_code, region_children_with_counts


@allowed("region.view")
def region_browse(request: HttpRequest, code: str | None = None) -> HttpResponse:
    region = None
    if code is not None:
        region = region_by_code(code)
        if region is None:
            raise Http404
    rows = region_children_with_counts(parent=region)
    child_level = Level.PROVINCE if region is None else region.level + 1
    return render(
        request,
        "regions/region_browse.html",
        {
            "region": region,
            "rows": rows,
            "breadcrumbs": region_breadcrumbs(region=region) if region else [],
            "child_level": Level(child_level) if child_level <= Level.DESA_KELURAHAN else None,
            "show_kabupaten": child_level == Level.PROVINCE,
            "show_kecamatan": child_level <= Level.KABUPATEN_KOTA,
            "show_villages": child_level <= Level.KECAMATAN,
        },
    )
