"""Public open-data pages (no login): the map of needs and CSR, area pages, datasets, downloads, feed.

Thin: parse, call selectors, render. Everything comes from the published tables (``opendata.models``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.exports import export_response
from regions import maps

from . import selectors
from .caching import public
from .forms import MapFilter
from .publish import min_count
from .xlsx import workbook_response

DOWNLOADS = ("areas", "indicators", "csr")


def _filters(request: HttpRequest):
    releases = selectors.releases()
    years = selectors.csr_years()
    form = MapFilter(request.GET, releases=releases, years=years)
    form.is_valid()
    if form.errors:
        messages.warning(request, _("Some filter values were not valid and were ignored."))
    data = form.cleaned_data
    release = selectors.release_chosen(releases, str(data.get("putaran") or ""))
    return form, releases, release, data.get("sektor") or "", data.get("tahun") or None


def _context(request: HttpRequest, **more) -> dict:
    n = min_count()
    return {"min_count": n, "small_label": f"< {n}", **more}


@require_safe
@public(page=True)
def map_page(request: HttpRequest) -> HttpResponse:
    form, releases, release, sector, year = _filters(request)
    table = selectors.area_table(q=Q(level__lte=3), release=release, sector=sector, year=year)
    return render(
        request,
        "opendata/map.html",
        _context(
            request,
            form=form,
            release=release,
            releases=releases,
            sector=sector,
            year=year,
            kabupaten=[r for r in table.rows if r.area.level <= 2],
            kecamatan=[r for r in table.rows if r.area.level == 3],
        ),
    )


@require_safe
@public(page=True)
def map_data(request: HttpRequest) -> JsonResponse:
    """The public map (static/js/maps.js, regions.maps): the share of poor families per kecamatan, or per
    village with ``?tingkat=desa``, beneath ``?induk=<code>`` when given, from the published figures: a
    suppressed count leaves the area white."""
    _form, _releases, release, sector, year = _filters(request)
    level = 4 if request.GET.get("tingkat") == "desa" else 3
    parent = request.GET.get("induk", "")
    if parent and selectors.area_get(parent) is None:
        raise Http404
    features = []
    for row in selectors.map_rows(level=level, release=release, parent=parent, sector=sector, year=year):
        fig = row.figures
        share = fig.poor_share if fig is not None else None
        small = f"< {min_count()}"
        features.append(
            {
                "c": row.area.code,
                "n": row.area.name,
                "g": row.area.outline,
                "k": maps.share_class(share) if share is not None else "none",
                "cells": [
                    _shown(fig.families if fig else None, fig.families_flag if fig else "", small),
                    _shown(fig.poor if fig else None, fig.poor_flag if fig else "", small),
                    f"{maps.number(share, 1)}%" if share is not None else "–",
                    maps.number(row.programmes),
                    maps.number(int(row.spent)),
                ],
                "href": reverse("opendata:area", args=[row.area.code]),
            }
        )
    return JsonResponse(
        maps.payload(
            legend=maps.share_legend(_("Share of poor families (desil 1-4)")),
            columns=[
                _("Area"),
                _("Families"),
                _("Poor (desil 1-4)"),
                _("Share poor %"),
                _("CSR programmes"),
                _("CSR realised (Rp)"),
            ],
            features=features,
        )
    )


def _shown(value: int | None, flag: str, small: str) -> str:
    if flag == "small":
        return small
    if flag == "secondary":
        return "×"
    return "–" if value is None else maps.number(value)


@require_safe
@public(page=True)
def area_page(request: HttpRequest, code: str) -> HttpResponse:
    area = selectors.area_get(code)
    if area is None:
        raise Http404
    form, releases, release, sector, year = _filters(request)
    children = selectors.area_table(q=Q(parent_code=area.code), release=release, sector=sector, year=year)
    return render(
        request,
        "opendata/area.html",
        _context(
            request,
            area=area,
            form=form,
            release=release,
            parents=selectors.ancestors(area),
            history=selectors.area_history(area),
            csr=selectors.area_csr(area),
            children=children.rows,
        ),
    )


@require_safe
@public(page=True)
def datasets_page(request: HttpRequest) -> HttpResponse:
    fresh = selectors.freshness()
    datasets = [
        {"info": info, "updated": fresh.updated.get(key), "version": fresh.versions.get(key, 0)}
        for key, info in selectors.DATASETS.items()
    ]
    return render(
        request,
        "opendata/datasets.html",
        _context(
            request,
            datasets=datasets,
            releases=selectors.releases(),
            rule=selectors.suppression_rule(),
            licence=selectors.LICENCE,
            licence_url=selectors.LICENCE_URL,
        ),
    )


def _download_rows(dataset: str) -> tuple[list[str], list[list]]:
    columns = [name for name, _text in selectors.DATASETS[dataset].columns]
    rows = {
        "areas": selectors.area_rows,
        "indicators": selectors.indicator_rows,
        "csr": selectors.csr_rows,
    }[dataset]()
    return columns, [[row[c] for c in columns] for row in rows]


@require_safe
@public()
def download(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    if dataset not in DOWNLOADS or fmt not in ("csv", "xlsx"):
        raise Http404
    columns, rows = _download_rows(dataset)
    filename = f"kaltara-{dataset}"
    if fmt == "csv":
        return export_response(fmt="csv", filename=filename, header=columns, rows=rows)
    meta = selectors.metadata(dataset, selectors.freshness())
    return workbook_response(filename=filename, header=columns, rows=rows, metadata=meta)


class NewsFeed(Feed):
    """Atom: newly published rounds and CSR programmes with realised money."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("Kaltara open data: rounds and CSR realised")

    def link(self) -> str:
        return reverse("opendata:map")

    def subtitle(self) -> str:
        return _("New finalised poverty-data rounds and CSR programmes with realised money in Kalimantan Utara.")

    def items(self):
        return selectors.feed_entries()

    def item_title(self, item) -> str:
        if item.kind == "round":
            return _("Round %(name)s published") % {"name": item.name}
        return _("CSR realised: %(programme)s (%(company)s)") % {"programme": item.name, "company": item.detail}

    def item_description(self, item) -> str:
        if item.kind == "round":
            return _("Poor families per area at the round %(name)s are published.") % {"name": item.name}
        sectors = dict(selectors.sectors())
        return _("Sector: %(sector)s.") % {"sector": sectors.get(item.sector, item.sector)}

    def item_link(self, item) -> str:
        return item.link

    def item_guid(self, item) -> str:
        return f"tag:kaltara-opendata,2026:{item.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


feed = require_safe(public()(NewsFeed()))
