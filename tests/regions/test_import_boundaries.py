"""python manage.py import_boundaries FILE.geojson, and the centroids of import_regions."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from regions.demo import BOUNDARIES, CENTROIDS, REGION_LIST
from regions.geometry import decode_ring
from regions.models import Region

DATA = REGION_LIST.parent


def square(x: float, y: float, size: float = 0.1) -> list:
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def feature(code: str, geometry: dict, **properties) -> dict:
    return {"type": "Feature", "properties": {"kode": code, **properties}, "geometry": geometry}


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def run(tmp_path: Path, content: bytes | str | dict) -> tuple[str, str]:
    if isinstance(content, dict):
        content = json.dumps(content)
    path = tmp_path / "batas.geojson"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_boundaries", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def kaltara(db):
    call_command("import_regions", str(REGION_LIST), stdout=io.StringIO())


def test_the_shipped_boundaries_give_every_region_of_kaltara_an_outline_and_its_centroid(kaltara):
    for path in BOUNDARIES:
        out = io.StringIO()
        call_command("import_boundaries", str(path), stdout=out)
    assert "482 batas wilayah dibaca, 482 berubah." in out.getvalue()
    assert Region.objects.filter(level__gt=1, outline__isnull=True).count() == 0
    # The centroid is the file's own lat/lng; the outline lies around it, in the same degrees.
    shipped = json.loads((DATA / "kaltara_desa.geojson").read_text())["features"][0]
    region = Region.objects.get(code=shipped["properties"]["kode"])
    assert (region.centroid_lat, region.centroid_lng) == (
        Decimal(str(shipped["properties"]["lat"])),
        Decimal(str(shipped["properties"]["lng"])),
    )
    ring = decode_ring(region.outline[0][0])
    assert ring[0] == ring[-1]
    lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
    assert min(lngs) <= float(region.centroid_lng) <= max(lngs) and min(lats) <= float(region.centroid_lat) <= max(lats)
    original = shipped["geometry"]["coordinates"][0][0]
    assert len(ring) < len(original)  # simplified
    assert abs(min(lngs) - min(p[0] for p in original)) < 0.002  # and still where it was

    # A second import of the same file changes nothing.
    again = io.StringIO()
    call_command("import_boundaries", str(BOUNDARIES[-1]), stdout=again)
    assert "482 batas wilayah dibaca, 0 berubah." in again.getvalue()


def test_import_regions_stores_the_centroids_of_a_file_with_lat_lng_columns(kaltara):
    out = io.StringIO()
    call_command("import_regions", str(CENTROIDS), stdout=out)
    assert "Desa/kelurahan: 482 titik tengah disimpan" in out.getvalue()
    bulungan = Region.objects.get(code="65.01")
    assert (bulungan.centroid_lat, bulungan.centroid_lng) == (Decimal("2.797482"), Decimal("117.031984"))


def test_a_polygon_without_lat_lng_gets_the_centroid_of_its_outline(kaltara, tmp_path):
    run(tmp_path, collection(feature("65.04", {"type": "Polygon", "coordinates": square(117.0, 3.0, 0.2)})))
    region = Region.objects.get(code="65.04")
    assert (region.centroid_lat, region.centroid_lng) == (Decimal("3.1"), Decimal("117.1"))
    assert decode_ring(region.outline[0][0])[2] == pytest.approx((117.2, 3.2))


GOOD = feature("65.04", {"type": "MultiPolygon", "coordinates": [square(117.0, 3.0)]})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "Berkas kosong."),
        ("{bukan json", "Berkas bukan GeoJSON yang sah (baris 1:"),
        (b"\xff\xfe\x00{", "Berkas bukan teks UTF-8; simpan GeoJSON sebagai UTF-8."),
        ({"type": "Feature"}, "Berkas bukan GeoJSON FeatureCollection."),
        ([1, 2], "Berkas bukan GeoJSON FeatureCollection."),
        (collection(), "Berkas tidak berisi fitur apa pun."),
        (
            collection(GOOD, feature("65.4", GOOD["geometry"])),
            "Fitur 2: properti kode “65.4” bukan kode wilayah Kemendagri.",
        ),
        (collection(GOOD, GOOD), "Fitur 2: kode 65.04 muncul lagi (pertama di fitur 1)."),
        (
            collection(feature("65.04", {"type": "Point", "coordinates": [117.0, 3.0]})),
            "Fitur 1 (65.04): geometrinya bukan Polygon atau MultiPolygon",
        ),
        (
            collection(feature("65.04", {"type": "Polygon", "coordinates": square(190.0, 3.0)})),
            "Fitur 1 (65.04): geometrinya bukan Polygon atau MultiPolygon",
        ),
        (
            collection(
                feature("65.04", {"type": "Polygon", "coordinates": [[[117, 3], [117, 3], [117, 3], [117, 3]]]})
            ),
            "Fitur 1 (65.04): batas wilayahnya tidak memiliki luas.",
        ),
        (
            collection(feature("65.09", GOOD["geometry"])),
            "Wilayah 65.09 belum ada di portal; impor daftar wilayah lebih dulu (import_regions).",
        ),
    ],
    ids=[
        "empty",
        "not-json",
        "not-utf8",
        "a-feature",
        "a-list",
        "no-features",
        "bad-code",
        "duplicate",
        "point",
        "out-of-range",
        "no-area",
        "unknown-region",
    ],
)
def test_a_bad_file_stores_nothing_and_says_why_in_indonesian(kaltara, tmp_path, content, message):
    run(tmp_path, collection(feature("65.01", {"type": "Polygon", "coordinates": square(117.0, 2.5)})))
    before = list(Region.objects.order_by("code").values_list("code", "outline", "centroid_lat"))
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        path = tmp_path / "rusak.geojson"
        path.write_bytes(
            content
            if isinstance(content, bytes)
            else (content if isinstance(content, str) else json.dumps(content)).encode()
        )
        call_command("import_boundaries", str(path), stdout=io.StringIO(), stderr=err)
    assert "Tidak ada yang diimpor" in str(info.value)
    assert message in err.getvalue()
    assert list(Region.objects.order_by("code").values_list("code", "outline", "centroid_lat")) == before


def test_a_missing_file_is_a_clear_error(kaltara, tmp_path):
    with pytest.raises(CommandError, match="Tidak dapat membaca"):
        call_command("import_boundaries", str(tmp_path / "tidak-ada.geojson"))
