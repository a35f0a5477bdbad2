"""What every map of the portal sends to the browser: region outlines with a class each, a legend, a table.

Each app builds its map from its own figures (a selector at the end of its selectors.py, an
endpoint in its maps.py that asks the access policy for the page's action) and this module puts
them in one form, which ``static/js/maps.js`` draws:

``{"q": quantum, "legend": {...}, "columns": [...], "features": [{"c", "n", "g", "k", "cells", "href"}],
"background": [{"c", "n", "g"}], "marker": [lat, lng] | null, "tiles": {...} | null}``

- ``g`` is the stored outline (regions.geometry: quantised, delta-encoded); ``k`` the legend class;
  ``cells`` the row of the table that repeats the map's figures for screen readers.
- Only region codes, names and counts: never a family, a member or anything personal.
- No tile server unless ``MAP_TILE_URL`` is set (settings; the CSP then allows that origin).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .geometry import QUANTUM
from .models import Level, Region, display_name

# Colour-blind-safe scales: viridis (sequential, light = low, dark = high) and Okabe-Ito (categories).
VIRIDIS_5 = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"]
SHARE_BREAKS = [20, 35, 50, 65]  # percent; five classes
CATEGORY_COLOURS = {
    "blue": "#0072b2",
    "orange": "#e69f00",
    "vermillion": "#d55e00",
    "grey": "#d9d9d9",
    "dark": "#222222",
}


def shapes(regions: Iterable[Region] | Any) -> dict[str, dict[str, Any]]:
    """``{code: {"c", "n", "g"}}`` for the regions of a queryset that have an outline (one query)."""
    rows = regions.filter(outline__isnull=False).values_list("code", "name", "level", "kind", "outline")
    return {
        code: {"c": code, "n": display_name(name=name, level=level, kind=kind), "g": outline}
        for code, name, level, kind, outline in rows.order_by("code")
    }


def shapes_below(code: str | None, level: int) -> dict[str, dict[str, Any]]:
    """The outlines of the regions at ``level`` beneath ``code`` (the whole portal when None)."""
    regions = Region.objects.filter(level=level)
    return shapes(regions.below(code) if code else regions)


def share_class(share: float) -> str:
    """The legend class (0-4) of a share in percent."""
    return str(sum(1 for b in SHARE_BREAKS if share >= b))


def share_legend(title: str) -> dict[str, Any]:
    edges = [0, *SHARE_BREAKS, 100]
    items = []
    for i, colour in enumerate(VIRIDIS_5):
        low, high = edges[i], edges[i + 1]
        label = _("%(high)d%% or more") % {"high": low} if i == len(VIRIDIS_5) - 1 else f"{low}–{high - 1}%"
        if i == 0:
            label = _("under %(high)d%%") % {"high": high}
        items.append({"k": str(i), "label": label, "color": colour})
    items.append({"k": "none", "label": _("no data"), "color": "#ffffff"})
    return {"title": title, "items": items}


def number(value: int | float, digits: int | None = None) -> str:
    return number_format(value, decimal_pos=digits, use_l10n=True, force_grouping=True)


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def tiles() -> dict[str, str] | None:
    url = getattr(settings, "MAP_TILE_URL", "")
    return {"url": url, "attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", "")} if url else None


def payload(
    *,
    legend: dict[str, Any],
    columns: list[str],
    features: list[dict[str, Any]],
    background: Iterable[dict[str, Any]] = (),
    marker: tuple[float, float] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "q": QUANTUM,
        "legend": legend,
        "columns": columns,
        "features": features,
        "background": list(background),
        "marker": list(marker) if marker else None,
        "tiles": tiles(),
        **extra,
    }


def child_level(region: Region | None) -> int:
    """The level a map of ``region`` colours: kecamatan for the province, villages below it."""
    if region is None or region.level == Level.PROVINCE:
        return Level.KECAMATAN
    return Level.DESA_KELURAHAN
