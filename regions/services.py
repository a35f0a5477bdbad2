"""Writes to the region tree: the import of the official Kemendagri list and of region boundaries."""

from __future__ import annotations

import csv
import io
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from .geometry import centroid_of, encode_outline
from .models import CODE_RE, Region, kind_of, level_of, parent_code_of

MAX_ERRORS_LISTED = 200


class RegionImportError(Exception):
    """The file was refused; ``errors`` names each bad line. Nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class RegionRow:
    line: int
    code: str
    name: str
    # The centroid, when the file has lat,lng columns (kaltara_centroids.csv has).
    lat: float | None = None
    lng: float | None = None


@dataclass
class LevelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    located: int = 0


@dataclass
class RegionImportResult:
    counts: dict[int, LevelCounts] = field(default_factory=lambda: defaultdict(LevelCounts))

    @property
    def total(self) -> int:
        return sum(c.created + c.updated + c.unchanged for c in self.counts.values())

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated + c.located for c in self.counts.values())


def regions_parse_csv(stream: BinaryIO) -> list[RegionRow]:
    """Read ``kode,nama`` rows (extra columns ignored; UTF-8 with or without BOM).

    Raises RegionImportError naming every malformed line, duplicate code and missing column.
    """
    raw = stream.read()
    if not raw.strip():
        raise RegionImportError([_("The file is empty.")])
    if b"\x00" in raw:
        raise RegionImportError([_("The file is not a CSV text file.")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RegionImportError(
            [
                _("The file is not UTF-8 text (first wrong byte on line %(line)d); save it as CSV UTF-8.")
                % {"line": line}
            ]
        ) from None

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise RegionImportError([_("The file is empty.")]) from None
    columns = [h.strip().lower() for h in header]
    missing = [c for c in ("kode", "nama") if c not in columns]
    if missing:
        raise RegionImportError(
            [
                _("Line 1: the header lacks the column(s) %(columns)s; expected kode,nama.")
                % {"columns": ", ".join(missing)}
            ]
        )
    code_at, name_at = columns.index("kode"), columns.index("nama")
    lat_at = columns.index("lat") if "lat" in columns and "lng" in columns else None
    lng_at = columns.index("lng") if lat_at is not None else None

    rows: list[RegionRow] = []
    errors: list[str] = []
    first_line: dict[str, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) <= max(code_at, name_at):
                errors.append(_("Line %(line)d: too few columns.") % {"line": line})
                continue
            code, name = record[code_at].strip(), record[name_at].strip()
            if not CODE_RE.match(code):
                errors.append(
                    _("Line %(line)d: the code “%(code)s” is not a Kemendagri region code.")
                    % {"line": line, "code": code[:30]}
                )
                continue
            if not name:
                errors.append(_("Line %(line)d: the region %(code)s has no name.") % {"line": line, "code": code})
                continue
            if len(name) > Region._meta.get_field("name").max_length:
                errors.append(_("Line %(line)d: the name of %(code)s is too long.") % {"line": line, "code": code})
                continue
            if code in first_line:
                errors.append(
                    _("Line %(line)d: the code %(code)s appears again (first on line %(first)d).")
                    % {"line": line, "code": code, "first": first_line[code]}
                )
                continue
            lat = lng = None
            if lat_at is not None and (record[lat_at : lat_at + 1] or [""])[0].strip():
                lat, lng = _coordinate(record, lat_at, 90), _coordinate(record, lng_at, 180)
                if lat is None or lng is None:
                    errors.append(
                        _("Line %(line)d: the lat,lng of %(code)s are not coordinates in degrees.")
                        % {"line": line, "code": code}
                    )
                    continue
            first_line[code] = line
            rows.append(RegionRow(line=line, code=code, name=name, lat=lat, lng=lng))
    except csv.Error as exc:
        errors.append(_("Line %(line)d: the CSV is malformed (%(detail)s).") % {"line": reader.line_num, "detail": exc})
    if not rows and not errors:
        errors.append(_("The file has a header but no regions."))
    if errors:
        raise RegionImportError(errors[:MAX_ERRORS_LISTED] + _more(errors))
    return rows


def _coordinate(record: list[str], at: int | None, limit: float) -> float | None:
    try:
        value = float(record[at].strip()) if at is not None and at < len(record) else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) and -limit <= value <= limit else None


def _more(errors: list[str]) -> list[str]:
    extra = len(errors) - MAX_ERRORS_LISTED
    return [_("… and %(count)d more errors.") % {"count": extra}] if extra > 0 else []


@transaction.atomic
def regions_import(*, rows: list[RegionRow]) -> RegionImportResult:
    """Create or rename regions from parsed rows; all or nothing.

    Idempotent: a second import of the same rows changes nothing. A row whose parent is
    neither in the file nor already in the portal is an orphan, and the whole file is refused.
    """
    existing: dict[str, tuple[int, str]] = {
        code: (pk, name) for code, pk, name in Region.objects.values_list("code", "pk", "name")
    }
    located = {
        code: (float(lat), float(lng))
        for code, lat, lng in Region.objects.filter(centroid_lat__isnull=False).values_list(
            "code", "centroid_lat", "centroid_lng"
        )
    }
    in_file = {row.code for row in rows}
    orphans = [
        _("Line %(line)d: the region %(code)s has no parent %(parent)s in the file or in the portal.")
        % {"line": row.line, "code": row.code, "parent": parent_code_of(row.code)}
        for row in rows
        if (parent := parent_code_of(row.code)) and parent not in in_file and parent not in existing
    ]
    if orphans:
        raise RegionImportError(orphans[:MAX_ERRORS_LISTED] + _more(orphans))

    result = RegionImportResult()
    ids = {code: pk for code, (pk, _name) in existing.items()}
    by_level: dict[int, list[RegionRow]] = defaultdict(list)
    for row in rows:
        by_level[level_of(row.code)].append(row)

    for level in sorted(by_level):
        counts = result.counts[level]
        to_create: list[Region] = []
        to_rename: list[Region] = []
        to_locate: list[Region] = []
        for row in by_level[level]:
            if row.code in existing and row.lat is not None and located.get(row.code) != _rounded(row):
                to_locate.append(Region(pk=existing[row.code][0], centroid_lat=row.lat, centroid_lng=row.lng))
                counts.located += 1
            if row.code in existing:
                pk, old_name = existing[row.code]
                if old_name == row.name:
                    counts.unchanged += 1
                else:
                    to_rename.append(Region(pk=pk, name=row.name))
                    counts.updated += 1
            else:
                parent = parent_code_of(row.code)
                to_create.append(
                    Region(
                        code=row.code,
                        name=row.name,
                        level=level,
                        kind=kind_of(row.code),
                        parent_id=ids[parent] if parent else None,
                        centroid_lat=_rounded(row)[0] if row.lat is not None else None,
                        centroid_lng=_rounded(row)[1] if row.lat is not None else None,
                    )
                )
        created = Region.objects.bulk_create(to_create, batch_size=2000)
        counts.created += len(created)
        for region in created:
            ids[region.code] = region.pk
        if any(region.pk is None for region in created):  # a backend that returns no ids
            ids.update(Region.objects.filter(level=level).values_list("code", "pk"))
        Region.objects.bulk_update(to_rename, ["name"], batch_size=2000)
        Region.objects.bulk_update(to_locate, ["centroid_lat", "centroid_lng"], batch_size=2000)
    return result


def _rounded(row: RegionRow) -> tuple[float, float]:
    return round(row.lat, 6), round(row.lng, 6)


# ---------------------------------------------------------------------------- boundaries

GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class BoundaryRow:
    code: str
    outline: list
    lat: float
    lng: float


@dataclass
class BoundaryImportResult:
    updated: int = 0
    unchanged: int = 0
    by_level: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def _is_position(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) >= 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value[:2])
        and -180 <= value[0] <= 180
        and -90 <= value[1] <= 90
    )


def _polygons_of(geometry: object) -> list | None:
    """The MultiPolygon coordinates of a Polygon or MultiPolygon geometry, or None when malformed."""
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        return None
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return None
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return None
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4 or not all(_is_position(p) for p in ring):
                return None
    return polygons


def boundaries_parse_geojson(stream: BinaryIO, *, codes: set[str] | None = None) -> list[BoundaryRow]:
    """Read a GeoJSON FeatureCollection whose features carry the region code in ``properties.kode``.

    Each outline is simplified and quantised (regions.geometry); the centroid is the ``lat``/``lng``
    properties when present, else computed from the outline. Raises RegionImportError naming every
    bad feature; nothing is written here. ``codes``, when given, keeps only those regions' features
    (the light demo stores a few outlines without simplifying the whole province).
    """
    raw = stream.read()
    if not raw.strip():
        raise RegionImportError([_("The file is empty.")])
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise RegionImportError([_("The file is not UTF-8 text; save the GeoJSON as UTF-8.")]) from None
    except ValueError as exc:
        raise RegionImportError(
            [_("The file is not valid GeoJSON (line %(line)d: %(detail)s).") % {"line": exc.lineno, "detail": exc.msg}]
            if isinstance(exc, json.JSONDecodeError)
            else [_("The file is not valid GeoJSON.")]
        ) from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise RegionImportError([_("The file is not a GeoJSON FeatureCollection.")])
    if not features:
        raise RegionImportError([_("The file has no features.")])

    rows: list[BoundaryRow] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = str(properties.get("kode", "")).strip() if isinstance(properties, dict) else ""
        if not CODE_RE.match(code):
            errors.append(
                _("Feature %(number)d: the property kode “%(code)s” is not a Kemendagri region code.")
                % {"number": number, "code": code[:30]}
            )
            continue
        if code in seen:
            errors.append(
                _("Feature %(number)d: the code %(code)s appears again (first in feature %(first)d).")
                % {"number": number, "code": code, "first": seen[code]}
            )
            continue
        seen[code] = number
        if codes is not None and code not in codes:
            continue
        polygons = _polygons_of(feature.get("geometry"))
        if polygons is None:
            errors.append(
                _("Feature %(number)d (%(code)s): the geometry is not a Polygon or MultiPolygon of [lng, lat] points.")
                % {"number": number, "code": code}
            )
            continue
        lat, lng = properties.get("lat"), properties.get("lng")
        if not (_is_position([lng, lat])):
            centre = centroid_of(polygons)
            if centre is None:
                errors.append(
                    _("Feature %(number)d (%(code)s): the outline has no area.") % {"number": number, "code": code}
                )
                continue
            lat, lng = centre
        outline = encode_outline(polygons, level=level_of(code))
        if not outline:
            errors.append(
                _("Feature %(number)d (%(code)s): the outline has no area.") % {"number": number, "code": code}
            )
            continue
        rows.append(BoundaryRow(code=code, outline=outline, lat=round(float(lat), 6), lng=round(float(lng), 6)))
    if errors:
        raise RegionImportError(errors[:MAX_ERRORS_LISTED] + _more(errors))
    return rows


@transaction.atomic
def boundaries_import(*, rows: list[BoundaryRow]) -> BoundaryImportResult:
    """Store each region's outline and centroid; all or nothing. Every code must already be in the portal."""
    regions = {r.code: r for r in Region.objects.filter(code__in=[row.code for row in rows])}
    unknown = [row.code for row in rows if row.code not in regions]
    if unknown:
        raise RegionImportError(
            [
                _("The region %(code)s is not in the portal; import the region list first (import_regions).")
                % {"code": code}
                for code in unknown[:MAX_ERRORS_LISTED]
            ]
            + _more(unknown)
        )
    result = BoundaryImportResult()
    changed: list[Region] = []
    for row in rows:
        region = regions[row.code]
        lat, lng = region.centroid_lat, region.centroid_lng
        same = region.outline == row.outline and lat is not None and (float(lat), float(lng)) == (row.lat, row.lng)
        if same:
            result.unchanged += 1
            continue
        region.outline, region.centroid_lat, region.centroid_lng = row.outline, row.lat, row.lng
        changed.append(region)
        result.updated += 1
        result.by_level[region.level] += 1
    Region.objects.bulk_update(changed, ["outline", "centroid_lat", "centroid_lng"], batch_size=500)
    return result
