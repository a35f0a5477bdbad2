"""Public open-data pages (no login): the map of needs and CSR, area pages, datasets, downloads, feed.

Thin: parse, call selectors, render. Everything comes from the published tables (``opendata.models``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.exports import export_response
from regions import maps

from . import caching, selectors
from .caching import public
from .forms import MapFilter
from .models import Release
from .publish import min_count
from .xlsx import workbook_response

DOWNLOADS = ("areas", "indicators", "csr")


@dataclass
class Filters:
    """The filters of a public page: only their valid values count (a bad one is dropped and said so)."""

    form: MapFilter  # bound to the valid values: the page shows what it applied, whatever the query said
    invalid: bool
    releases: list[Release]
    release: Release | None
    sector: str
    year: int | None
    params: dict[str, str]  # the valid values, non-empty: the canonical query of the page

    @property
    def query(self) -> str:
        return urlencode(sorted(self.params.items()))


def _filters(request: HttpRequest) -> Filters:
    releases = selectors.releases()
    years = selectors.csr_years()
    asked = MapFilter(request.GET, releases=releases, years=years)
    asked.is_valid()
    data = asked.cleaned_data
    params = {name: str(data[name]) for name in ("putaran", "sektor", "tahun") if data.get(name) not in (None, "")}
    return Filters(
        form=MapFilter(QueryDict(urlencode(params)), releases=releases, years=years),
        invalid=bool(asked.errors),
        releases=releases,
        release=selectors.release_chosen(releases, params.get("putaran", "")),
        sector=data.get("sektor") or "",
        year=data.get("tahun") or None,
        params=params,
    )


def _context(request: HttpRequest, filters: Filters | None = None, **more) -> dict:
    """The context of a public page: written from the valid filter values only (never from the raw query
    string), so an answer depends on its stored key alone (``caching``)."""
    n = min_count()
    context = {"min_count": n, "small_label": f"< {n}", **more}
    if filters is not None:
        context.update(form=filters.form, filters_invalid=filters.invalid, map_query=filters.query)
        context["language_next"] = request.path + (f"?{filters.query}" if filters.query else "")
        if not filters.invalid:
            caching.answer_params(request, **filters.params)
    else:
        context["language_next"] = request.path
        caching.answer_params(request)
    return context


@require_safe
@public(page=True)
def map_page(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    table = selectors.area_table(q=Q(level__lte=3), release=filters.release, sector=filters.sector, year=filters.year)
    return render(
        request,
        "opendata/map.html",
        _context(
            request,
            filters,
            release=filters.release,
            releases=filters.releases,
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
    filters = _filters(request)
    level = 4 if request.GET.get("tingkat") == "desa" else 3
    parent = request.GET.get("induk", "")
    if parent and selectors.area_get(parent) is None:
        raise Http404
    if not filters.invalid:
        caching.answer_params(request, **filters.params, tingkat="desa" if level == 4 else None, induk=parent)
    rows = selectors.map_rows(
        level=level, release=filters.release, parent=parent, sector=filters.sector, year=filters.year
    )
    features = []
    for row in rows:
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
    filters = _filters(request)
    children = selectors.area_table(
        q=Q(parent_code=area.code), release=filters.release, sector=filters.sector, year=filters.year
    )
    return render(
        request,
        "opendata/area.html",
        _context(
            request,
            # A village has no areas within: the filters change nothing on its page, and its answer is
            # stored without them (a filtered address of a village is answered, not stored).
            filters if children.rows else None,
            area=area,
            release=filters.release,
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
@public(store=False)  # streamed: never stored
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


_news_feed = NewsFeed()


@require_safe
@public()
def feed(request: HttpRequest) -> HttpResponse:
    caching.answer_params(request)  # takes no parameter
    return _news_feed(request)
