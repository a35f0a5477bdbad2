"""Anonymous and signed-in users reach the public pages, downloads, feed and API; caching headers;
no personal data; and no family row read to answer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opendata.models import Dataset, Release
from poverty_data import services as poverty_services
from poverty_data.models import Family, Member

pytestmark = pytest.mark.django_db


def _public_paths() -> list[str]:
    return [
        reverse("opendata:map"),
        reverse("opendata:map") + "?sektor=education&tahun=2026",
        reverse("opendata:map_data"),
        reverse("opendata:map_data") + "?tingkat=desa&induk=65.01.01",
        reverse("opendata:area", args=["65"]),
        reverse("opendata:area", args=["65.01.01"]),
        reverse("opendata:area", args=["65.01.01.2005"]),
        reverse("opendata:datasets"),
        reverse("opendata:feed"),
        *(reverse("opendata:download", args=[d, f]) for d in ("areas", "indicators", "csr") for f in ("csv", "xlsx")),
        reverse("opendata_api:areas"),
        reverse("opendata_api:area", args=["65.01"]),
        reverse("opendata_api:indicators"),
        reverse("opendata_api:csr"),
        reverse("opendata_api:rounds"),
        reverse("opendata_api:datasets"),
    ]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_anonymous_users_get_every_public_answer_cacheable_with_validators(published):
    client = Client()
    for path in _public_paths():
        response = client.get(path)
        assert response.status_code == 200, path
        expected = "public, max-age=300" if "/api/" in path or "/unduh/" in path or "feed" in path else None
        assert response["Cache-Control"] == (expected or "public, max-age=0, must-revalidate"), path
        assert response["ETag"] and response["Last-Modified"], path


def test_a_harvester_polling_with_the_validators_gets_not_modified(published):
    client = Client()
    for path in (reverse("opendata_api:indicators"), reverse("opendata:map"), reverse("opendata:feed")):
        first = client.get(path)
        again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, path
        since = client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304, path


def test_signed_in_users_reach_the_same_pages_never_cached(published, province_staff, officer):
    for user in (province_staff, officer):
        client = Client()
        client.force_login(user)
        for path in _public_paths():
            response = client.get(path)
            assert response.status_code == 200, path
            assert response["Cache-Control"] == "private, no-store", path


def test_the_english_page_is_one_click_away_and_has_its_own_etag(published):
    client = Client()
    indonesian = client.get(reverse("opendata:map"))
    assert b"Peta kebutuhan dan CSR" in indonesian.content
    assert reverse("set_language").encode() in indonesian.content
    client.post(reverse("set_language"), {"language": "en", "next": reverse("opendata:map")})
    english = client.get(reverse("opendata:map"))
    assert b"Map of needs and CSR" in english.content
    assert english["ETag"] != indonesian["ETag"]
    assert "Cookie" in english["Vary"]


def test_public_answers_read_only_the_published_tables(published):
    client = Client()
    for path in _public_paths():
        with CaptureQueriesContext(connection) as queries:
            _body(client.get(path))
        tables = " ".join(q["sql"] for q in queries.captured_queries)
        for private in ("poverty_data_", "csr_", "organisations_", "regions_region"):
            assert f'"{private}' not in tables, f"{path} read {private}"
        # A fixed handful: the validators, the rounds, the rows (the area page: its parts, its children),
        # and for a stored answer the look-up, the publication number and the INSERT.
        extra = 0 if "/unduh/" in path else 3
        assert len(queries.captured_queries) <= 10 + extra, (path, len(queries.captured_queries))


def test_no_personal_data_reaches_any_public_answer(demo_data):
    client = Client()
    names = set(Member.objects.values_list("name", flat=True)[:2000])
    numbers = set(Member.objects.values_list("nik", flat=True)[:2000]) | set(
        Family.objects.values_list("no_kk", flat=True)
    )
    streets = {s for s in Family.objects.values_list("street", flat=True) if len(s) > 8}
    assert names and numbers
    codes = ["65", "65.01.01.2005"]
    paths = _public_paths()[:4] + [reverse("opendata:area", args=[c]) for c in codes] + _public_paths()[7:]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        text = _body(response).decode("utf-8", errors="replace")
        assert not any(n in text for n in numbers), path
        assert not any(n in text for n in names if len(n) > 6), path
        assert not any(s in text for s in streets), path


def test_closing_a_round_publishes_it_after_commit(published, province_staff, django_capture_on_commit_callbacks):
    rnd = poverty_services.round_open(
        user=province_staff,
        name="2026-II",
        period_start=published.round.period_end,
        period_end=published.round.period_end.replace(month=12, day=31),
        submit_deadline=published.round.period_end.replace(month=9),
        verify_deadline=published.round.period_end.replace(month=10),
        approve_deadline=published.round.period_end.replace(month=11),
        finalise_deadline=published.round.period_end.replace(month=12),
    )
    before = Dataset.objects.get(key="indicators").version
    with django_capture_on_commit_callbacks(execute=True):
        poverty_services.round_close(user=province_staff, round=rnd)
    assert Release.objects.filter(round_id=rnd.pk).exists()
    assert Dataset.objects.get(key="indicators").version == before + 1
    feed = Client().get(reverse("opendata:feed")).content.decode()
    assert "2026-II" in feed


def test_a_map_of_an_unknown_or_malformed_area_is_not_found(published):
    client = Client()
    for parent in ("99.99", "65\x00", "x" * 300):
        assert client.get(reverse("opendata:map_data"), {"induk": parent}).status_code == 404
    kecamatan = client.get(reverse("opendata:map_data"), {"induk": "65.01.01", "tingkat": "desa"}).json()
    assert {f["c"] for f in kecamatan["features"]} == {"65.01.01.1001", "65.01.01.2005"}
