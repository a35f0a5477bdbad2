"""The open-data JSON API, ``/api/terbuka/v1/``, with its OpenAPI description (django-ninja).

Region codes (Kemendagri, with the BPS code beside) are the key; every list comes with its
dataset's metadata; every answer is public with an ETag and Last-Modified (``caching.public``), and
stored for anonymous callers under the validated parameters each endpoint names (``answer_params``)
when they name something published (a region code of no area, a year without CSR: answered, not stored).
Reads only the published tables (``selectors``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import StringConstraints

from . import selectors
from .caching import answer_params, public

Level = Literal["province", "kabupaten_kota", "kecamatan", "desa_kelurahan"]
Shown = Literal["shown", "small", "secondary"]
SectorCode = Literal[
    "education", "health", "entrepreneurship", "socio_economic", "environment", "infrastructure", "other"
]
Code = Annotated[str, StringConstraints(pattern=r"^65(\.[0-9]{2}){0,2}(\.[0-9]{4})?$")]
LEVEL_NUMBERS = {name: number for number, name in selectors.LEVEL_NAMES.items()}

api = NinjaAPI(
    title="Data Terbuka Kalimantan Utara",
    version="1",
    description=(
        "Open data of the Kaltara Karang Taruna portal: poor families (desil 1-4) per area at each finalised "
        "round, Karang Taruna per area, CSR money realised per area, sector and year. Aggregates only; small "
        "counts are suppressed. Licence: CC BY 4.0."
    ),
    urls_namespace="opendata_api",
    docs_url=None,
)


class Error(Schema):
    detail: str


class Metadata(Schema):
    dataset: str
    title: str
    description: str
    source: str
    publisher: str
    round: str | None
    updated: str | None
    licence: str
    licence_url: str
    region_codes: str
    suppression: str
    columns: dict[str, str]


class AreaOut(Schema):
    code: str
    bps_code: str
    name: str
    level: Level
    parent_code: str
    karang_taruna: bool
    karang_taruna_class: str


class IndicatorOut(Schema):
    round_id: int
    round: str
    code: str
    bps_code: str
    name: str
    level: Level
    families: int | None
    families_status: Shown
    poor: int | None
    poor_status: Shown
    poor_share: float | None


class CsrOut(Schema):
    code: str
    bps_code: str
    name: str
    level: Level
    year: int
    sector: SectorCode
    programmes: int
    spent: int


class RoundOut(Schema):
    round_id: int
    name: str
    period_start: dt.date
    period_end: dt.date
    published_at: dt.datetime


class AreaList(Schema):
    metadata: Metadata
    data: list[AreaOut]


class IndicatorList(Schema):
    metadata: Metadata
    data: list[IndicatorOut]


class CsrList(Schema):
    metadata: Metadata
    data: list[CsrOut]


class AreaDetail(Schema):
    area: AreaOut
    indicators: list[IndicatorOut]
    csr: list[CsrOut]
    metadata: list[Metadata]


@api.exception_handler(NinjaValidationError)
def bad_parameters(request: HttpRequest, exc: NinjaValidationError):
    fields = sorted({str(e.get("loc", ["?"])[-1]) for e in exc.errors})
    message = _("Invalid parameter: %(fields)s.") % {"fields": ", ".join(fields)}
    return api.create_response(request, {"detail": message}, status=400)


def _published(code: str | None) -> bool:
    """A region code given as a filter names a published area: only then is the answer stored (any code
    of the right shape is a valid filter, and would otherwise grow the stored answers without end)."""
    return not code or selectors.area_get(code) is not None


def _fresh(request: HttpRequest) -> selectors.Freshness:
    return getattr(request, "_opendata_fresh", None) or selectors.freshness()


@api.get("/wilayah", response=AreaList, url_name="areas", summary="Areas (regions) and their Karang Taruna")
@decorate_view(public("areas"))
def areas(request: HttpRequest, level: Level | None = None, parent: Code | None = None):
    if _published(parent):
        answer_params(request, level=level, parent=parent)
    return {
        "metadata": selectors.metadata("areas", _fresh(request)),
        "data": selectors.area_rows(level=LEVEL_NUMBERS.get(level or ""), parent=parent or ""),
    }


@api.get(
    "/wilayah/{code}",
    response={200: AreaDetail, 404: Error},
    url_name="area",
    summary="One area: its Karang Taruna, figures at every published round, CSR realised",
)
@decorate_view(public())
def area(request: HttpRequest, code: str):
    found = selectors.area_get(code)
    if found is None:
        return Status(404, {"detail": _("No such region code.")})
    answer_params(request)
    fresh = _fresh(request)
    return Status(
        200,
        {
            "area": selectors.area_rows(code=found.code)[0],
            "indicators": selectors.indicator_rows(code=code),
            "csr": selectors.csr_rows(code=code),
            "metadata": [selectors.metadata(key, fresh) for key in selectors.DATASETS],
        },
    )


@api.get(
    "/indikator",
    response={200: IndicatorList, 404: Error},
    url_name="indicators",
    summary="Families and poor families (desil 1-4) per area and published round",
)
@decorate_view(public("indicators", "areas"))
def indicators(request: HttpRequest, round: int | None = None, level: Level | None = None, parent: Code | None = None):  # noqa: A002
    release = None
    if round is not None:
        release = selectors.release_chosen(selectors.releases(), str(round))
        if release is None or release.round_id != round:
            return Status(404, {"detail": _("No published round with this id.")})
    if _published(parent):
        answer_params(request, round=round, level=level, parent=parent)
    return Status(
        200,
        {
            "metadata": selectors.metadata("indicators", _fresh(request), release),
            "data": selectors.indicator_rows(
                release=release, level=LEVEL_NUMBERS.get(level or ""), parent=parent or ""
            ),
        },
    )


@api.get("/csr", response=CsrList, url_name="csr", summary="CSR money realised per area, sector and year")
@decorate_view(public("csr", "areas"))
def csr(
    request: HttpRequest,
    level: Level | None = None,
    code: Code | None = None,
    sector: SectorCode | None = None,
    year: int | None = None,
):
    if _published(code) and (year is None or year in selectors.csr_years()):
        answer_params(request, level=level, code=code, sector=sector, year=year)
    return {
        "metadata": selectors.metadata("csr", _fresh(request)),
        "data": selectors.csr_rows(
            level=LEVEL_NUMBERS.get(level or ""), code=code or "", sector=sector or "", year=year
        ),
    }


@api.get("/putaran", response=list[RoundOut], url_name="rounds", summary="Published (finalised) update rounds")
@decorate_view(public("indicators"))
def rounds(request: HttpRequest):
    answer_params(request)
    return selectors.releases()


@api.get("/dataset", response=list[Metadata], url_name="datasets", summary="The datasets and their metadata")
@decorate_view(public())
def datasets(request: HttpRequest):
    answer_params(request)
    fresh = _fresh(request)
    return [selectors.metadata(key, fresh) for key in selectors.DATASETS]
