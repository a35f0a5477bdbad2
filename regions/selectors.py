"""Reads of the region tree for the region browser."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from .models import CODE_RE, Kind, Level, Region

CODE_LENGTH = {Level.PROVINCE: 2, Level.KABUPATEN_KOTA: 5, Level.KECAMATAN: 8, Level.DESA_KELURAHAN: 13}


@dataclass
class ChildRow:
    region: Region
    kabupaten_kota: int = 0
    kecamatan: int = 0
    desa: int = 0
    kelurahan: int = 0
    counts: dict = field(default_factory=dict)

    @property
    def villages(self) -> int:
        return self.desa + self.kelurahan


def region_by_code(code: str) -> Region | None:
    """The region of a code typed into a URL or chosen in a form (None when there is none or it is no code)."""
    if not CODE_RE.match(code):
        return None
    return Region.objects.filter(code=code).first()


def region_children_with_counts(*, parent: Region | None) -> list[ChildRow]:
    """The children of ``parent`` (provinces when None) with the number of regions beneath each.

    Two queries whatever the size of the tree: the children, then one grouped count of
    their descendants by the children's code prefix.
    """
    child_level = Level.PROVINCE if parent is None else parent.level + 1
    if child_level > Level.DESA_KELURAHAN:
        return []
    children = Region.objects.filter(level=child_level)
    descendants = Region.objects.filter(level__gt=child_level)
    if parent is not None:
        children = children.below(parent.code)
        descendants = descendants.below(parent.code)
    rows = {r.code: ChildRow(region=r) for r in children.order_by("code")}
    if not rows or child_level == Level.DESA_KELURAHAN:
        return list(rows.values())
    grouped = (
        descendants.annotate(prefix=Substr("code", 1, CODE_LENGTH[child_level]))
        .values("prefix", "level", "kind")
        .annotate(n=Count("pk"))
    )
    for g in grouped:
        row = rows.get(g["prefix"])
        if row is None:
            continue
        if g["level"] == Level.KABUPATEN_KOTA:
            row.kabupaten_kota += g["n"]
        elif g["level"] == Level.KECAMATAN:
            row.kecamatan += g["n"]
        elif g["kind"] == Kind.KELURAHAN:
            row.kelurahan += g["n"]
        else:
            row.desa += g["n"]
    return list(rows.values())


def region_breadcrumbs(*, region: Region) -> list[Region]:
    """The region's ancestors from the province down (one query)."""
    codes = region.ancestor_codes()
    return list(Region.objects.filter(code__in=codes).order_by("level")) if codes else []


# ---------------------------------------------------------------------------- maps (regions.maps draws them)


def map_region(pk: str) -> Region | None:
    """A region a map may open on (the province, a kabupaten/kota or a kecamatan; never a village),
    from a pk typed into a URL: None when it is no such region or no number."""
    try:
        return Region.objects.filter(pk=int(pk), level__lt=Level.DESA_KELURAHAN).first()
    except ValueError:
        return None


def kabupaten_kota(*, province: str = "65") -> QuerySet[Region]:
    """The kabupaten/kota of a province (the background of every map)."""
    return Region.objects.filter(level=Level.KABUPATEN_KOTA, code__startswith=f"{province}.")


def regions_with_codes(codes: Iterable[str]) -> QuerySet[Region]:
    return Region.objects.filter(code__in=list(codes))


def villages_with_codes(codes: Iterable[str]) -> QuerySet[Region]:
    return Region.objects.villages().filter(code__in=list(codes))
