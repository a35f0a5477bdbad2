"""The region browser (/wilayah/): the Kemendagri tree, level by level, with counts.

It lives here, above every app, rather than in ``regions``: it asks the access policy
(``accounts.policy``), and the policy reads ``regions`` (a grant's scope is a region), so ``regions``
itself stays free of anything above it (docs/architecture.md).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import policy
from regions.models import CODE_RE, Level, Region
from regions.selectors import region_breadcrumbs, region_children_with_counts


@login_required
def region_browse(request: HttpRequest, code: str | None = None) -> HttpResponse:
    if not policy.can(request.user, "region.view"):
        raise PermissionDenied
    region = None
    if code is not None:
        if not CODE_RE.match(code):
            raise Http404
        region = Region.objects.filter(code=code).first()
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
