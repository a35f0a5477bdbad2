"""Reads of the published tables, for the public pages, the downloads and the API (a fixed, small
number of queries each, whatever the number of families: they never leave ``opendata``'s tables)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from csr.models import Sector

from .models import Area, AreaCsr, AreaFigures, Dataset, FeedEntry, Release
from .publish import min_count

CODE = re.compile(r"65(?:\.[0-9]{2}){0,2}(?:\.[0-9]{4})?")
LEVEL_NAMES = {1: "province", 2: "kabupaten_kota", 3: "kecamatan", 4: "desa_kelurahan"}
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHER = "Dinas Sosial Provinsi Kalimantan Utara"


@dataclass(frozen=True)
class DatasetInfo:
    key: str
    title: str
    description: str
    source: str
    columns: tuple[tuple[str, str], ...]


DATASETS: dict[str, DatasetInfo] = {
    "areas": DatasetInfo(
        "areas",
        _("Areas and Karang Taruna"),
        _(
            "The regions of Kalimantan Utara (province, kabupaten/kota, kecamatan, desa/kelurahan) with their Karang Taruna."
        ),
        _("Kemendagri region codes (with the BPS code beside them); the Karang Taruna registry of the portal."),
        (
            ("code", _("Kemendagri region code")),
            ("bps_code", _("BPS region code (empty where not recorded)")),
            ("name", _("Region name")),
            ("level", _("province, kabupaten_kota, kecamatan or desa_kelurahan")),
            ("parent_code", _("Kemendagri code of the region above")),
            ("karang_taruna", _("An active Karang Taruna is registered for the region")),
            ("karang_taruna_class", _("Its class at the latest assessment: tumbuh, berkembang, maju, percontohan")),
        ),
    ),
    "indicators": DatasetInfo(
        "indicators",
        _("Poor families per area and round"),
        _("Families and poor families (desil 1-4) per area at each finalised (closed) update round."),
        _("Village poverty data updated by the villages and finalised by the province (per-round village summaries)."),
        (
            ("round_id", _("Update round")),
            ("round", _("Update round name")),
            ("code", _("Kemendagri region code")),
            ("bps_code", _("BPS region code")),
            ("name", _("Region name")),
            ("level", _("Region level")),
            ("families", _("Active families at the round (empty when suppressed)")),
            ("families_status", _("shown, small (below the threshold) or secondary (hidden to protect a small count)")),
            ("poor", _("Poor families, desil 1-4 (empty when suppressed)")),
            ("poor_status", _("shown, small or secondary")),
            ("poor_share", _("Poor families as a percentage of families (only when both are shown)")),
        ),
    ),
    "csr": DatasetInfo(
        "csr",
        _("CSR realised per area, sector and year"),
        _("Money reported spent by CSR programmes in the villages of each area, per year of the report and sector."),
        _(
            "Realisation reports of accepted CSR matches (the larger of the company's and the proposer's report per match and year)."
        ),
        (
            ("code", _("Kemendagri region code")),
            ("bps_code", _("BPS region code")),
            ("name", _("Region name")),
            ("level", _("Region level")),
            ("year", _("Year of the realisation reports")),
            ("sector", _("CSR sector code")),
            ("programmes", _("CSR programmes with realised money there")),
            ("spent", _("Money realised (Rp)")),
        ),
    ),
}


def sectors() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Sector.choices]


# Validators -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Freshness:
    """The datasets' versions and last change: the ETag and Last-Modified of everything public."""

    versions: dict[str, int]
    updated: dict[str, dt.datetime]

    def etag(self, *keys: str) -> str:
        return "-".join(f"{k}{self.versions.get(k, 0)}" for k in keys or sorted(self.versions))

    def last_modified(self, *keys: str) -> dt.datetime | None:
        dates = [self.updated[k] for k in keys or self.updated if k in self.updated]
        return max(dates) if dates else None


def freshness() -> Freshness:
    rows = list(Dataset.objects.values_list("key", "version", "updated_at"))
    return Freshness({k: v for k, v, _u in rows}, {k: u for k, _v, u in rows})


# Rounds and areas -------------------------------------------------------------------------------


def releases() -> list[Release]:
    return list(Release.objects.all())


def release_chosen(all_releases: list[Release], value: str | None) -> Release | None:
    """The round asked for (by its id), else the latest published one; None before any."""
    for release in all_releases:
        if value and str(release.round_id) == value:
            return release
    return all_releases[0] if all_releases else None


def area_get(code: str) -> Area | None:
    """The published area of a region code; None for anything else (a malformed code included)."""
    if not CODE.fullmatch(code):
        return None
    return Area.plain.filter(code=code).first()


@dataclass
class AreaRow:
    area: Area
    figures: AreaFigures | None = None
    programmes: int = 0
    spent: Decimal = Decimal(0)


@dataclass
class AreaTable:
    rows: list[AreaRow]
    years: list[int] = field(default_factory=list)


def area_table(
    *, q: Q, release: Release | None, sector: str = "", year: int | None = None, outlines: bool = False
) -> AreaTable:
    """The areas matching ``q`` with their figures at ``release`` and CSR realised (filtered): three queries.
    Outlines (kilobytes each) only for a map."""
    areas = list((Area.objects if outlines else Area.plain).filter(q).order_by("code"))
    rows = {a.pk: AreaRow(area=a) for a in areas}
    if release is not None:
        for fig in AreaFigures.objects.filter(release=release, area_id__in=rows):
            rows[fig.area_id].figures = fig
    csr = AreaCsr.objects.filter(area_id__in=rows)
    if sector:
        csr = csr.filter(sector=sector)
    if year:
        csr = csr.filter(year=year)
    for area_id, programmes, spent in (
        csr.order_by().values("area_id").annotate(p=Sum("programmes"), s=Sum("spent")).values_list("area_id", "p", "s")
    ):
        rows[area_id].programmes = programmes
        rows[area_id].spent = spent
    return AreaTable(rows=list(rows.values()))


def map_rows(
    *, level: int, release: Release | None, parent: str = "", sector: str = "", year: int | None = None
) -> list[AreaRow]:
    """The areas of ``level`` (beneath ``parent``) that have an outline, with their figures and CSR (three queries)."""
    q = Q(level=level, outline__isnull=False)
    if parent:
        q &= Q(code__startswith=f"{parent}.")
    return area_table(q=q, release=release, sector=sector, year=year, outlines=True).rows


def csr_years() -> list[int]:
    return list(AreaCsr.objects.filter(area__level=1).values_list("year", flat=True).distinct().order_by("-year"))


def area_history(area: Area) -> list[AreaFigures]:
    return list(AreaFigures.objects.filter(area=area).select_related("release").order_by("-release__period_end"))


def area_csr(area: Area) -> list[tuple[AreaCsr, str]]:
    """The area's CSR realised, newest year first, each row with its sector's label."""
    labels = dict(sectors())
    return [
        (row, labels.get(row.sector, row.sector))
        for row in AreaCsr.objects.filter(area=area).order_by("-year", "sector")
    ]


def ancestors(area: Area) -> list[Area]:
    codes = []
    code = area.code
    while "." in code:
        code = code.rsplit(".", 1)[0]
        codes.append(code)
    return list(Area.plain.filter(code__in=codes).order_by("code"))


def feed_entries(limit: int = 50) -> list[FeedEntry]:
    return list(FeedEntry.objects.all()[:limit])


# Rows of the downloads and the API (one query each, plain values) -------------------------------


def status_of(flag: str) -> str:
    return flag or "shown"


def area_rows(*, level: int | None = None, parent: str = "", code: str = "") -> list[dict]:
    qs = Area.plain.order_by("code")
    if code:
        qs = qs.filter(code=code)
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_code=parent)
    return [_area_dict(a) for a in qs]


def _area_dict(a: Area) -> dict:
    return {
        "code": a.code,
        "bps_code": a.bps_code,
        "name": a.name,
        "level": LEVEL_NAMES[a.level],
        "parent_code": a.parent_code,
        "karang_taruna": a.karang_taruna,
        "karang_taruna_class": a.karang_taruna_class,
    }


def indicator_rows(
    *, release: Release | None = None, level: int | None = None, code: str = "", parent: str = ""
) -> list[dict]:
    qs = (
        AreaFigures.objects.select_related("release", "area")
        .defer("area__outline")
        .order_by("-release__period_end", "area__code")
    )
    if release is not None:
        qs = qs.filter(release=release)
    if level:
        qs = qs.filter(area__level=level)
    if code:
        qs = qs.filter(area__code=code)
    if parent:
        qs = qs.filter(area__parent_code=parent)
    return [
        {
            "round_id": f.release.round_id,
            "round": f.release.name,
            "code": f.area.code,
            "bps_code": f.area.bps_code,
            "name": f.area.name,
            "level": LEVEL_NAMES[f.area.level],
            "families": f.families,
            "families_status": status_of(f.families_flag),
            "poor": f.poor,
            "poor_status": status_of(f.poor_flag),
            "poor_share": f.poor_share,
        }
        for f in qs
    ]


def csr_rows(*, level: int | None = None, code: str = "", sector: str = "", year: int | None = None) -> list[dict]:
    qs = AreaCsr.objects.select_related("area").defer("area__outline").order_by("area__code", "-year", "sector")
    if level:
        qs = qs.filter(area__level=level)
    if code:
        qs = qs.filter(area__code=code)
    if sector:
        qs = qs.filter(sector=sector)
    if year:
        qs = qs.filter(year=year)
    return [
        {
            "code": r.area.code,
            "bps_code": r.area.bps_code,
            "name": r.area.name,
            "level": LEVEL_NAMES[r.area.level],
            "year": r.year,
            "sector": r.sector,
            "programmes": r.programmes,
            "spent": int(r.spent),
        }
        for r in qs
    ]


def metadata(key: str, fresh: Freshness, release: Release | None = None) -> dict:
    """The metadata of a dataset (Satu Data: source, round, date, definitions, licence)."""
    info = DATASETS[key]
    updated = fresh.updated.get(key)
    return {
        "dataset": key,
        "title": str(info.title),
        "description": str(info.description),
        "source": str(info.source),
        "publisher": PUBLISHER,
        "round": release.name if release is not None else None,
        "updated": updated.isoformat() if updated else None,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "region_codes": "Kemendagri (Permendagri 72/2019), BPS code beside",
        "suppression": suppression_rule(),
        "columns": {name: str(text) for name, text in info.columns},
    }


def suppression_rule() -> str:
    n = min_count()
    return str(
        _(
            "Counts from 1 to %(m)s are not published (shown as < %(n)s); where such a count could be recovered "
            "by subtraction from a total, another count is hidden too (status secondary)."
        )
        % {"m": n - 1, "n": n}
    )
