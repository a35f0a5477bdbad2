"""Stored public answers (opendata/caching.py): an anonymous read after the first is one query and the same
bytes; a refresh makes the next read fresh; never a signed-in user; one answer per language; a bad,
unknown or oddly written parameter is answered but not stored."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opendata import caching, publish
from opendata.models import Publication, PublishedAnswer
from poverty_data import services as poverty_services
from poverty_data.models import VillageRoundStats

pytestmark = pytest.mark.django_db

SAME_HEADERS = ("Content-Type", "ETag", "Last-Modified", "Cache-Control", "Vary", "Content-Language")


def _stored_paths() -> list[str]:
    return [
        reverse("opendata:map"),
        reverse("opendata:map") + "?sektor=education",
        reverse("opendata:map_data"),
        reverse("opendata:map_data") + "?induk=65.01.01&tingkat=desa",
        reverse("opendata:area", args=["65"]),
        reverse("opendata:area", args=["65.01.01"]),
        reverse("opendata:datasets"),
        reverse("opendata:feed"),
        reverse("opendata_api:areas") + "?level=kecamatan",
        reverse("opendata_api:area", args=["65.01"]),
        reverse("opendata_api:indicators"),
        reverse("opendata_api:csr") + "?level=kabupaten_kota",
        reverse("opendata_api:rounds"),
        reverse("opendata_api:datasets"),
    ]


def _poor_on_page(html: str, code: str) -> str:
    found = re.search(rf'data-cell="P" data-code="{re.escape(code)}">([^<]*)<', html)
    assert found, f"no poor count of {code} on the page"
    return found.group(1).strip()


def _poor_in_api(client: Client, code: str) -> int | None:
    rows = client.get(reverse("opendata_api:indicators")).json()["data"]
    return next(row["poor"] for row in rows if row["code"] == code)


def test_a_second_anonymous_read_is_the_same_answer_from_one_query(published):
    client = Client()
    for path in _stored_paths():
        first = client.get(path)
        assert first.status_code == 200, path
        with CaptureQueriesContext(connection) as queries:
            again = client.get(path)
        assert len(queries.captured_queries) == 1, (path, [q["sql"][:80] for q in queries.captured_queries])
        assert again.status_code == 200 and again.content == first.content, path
        for header in SAME_HEADERS:
            assert again.get(header) == first.get(header), (path, header)
    assert PublishedAnswer.objects.count() == len(_stored_paths())


def test_a_stored_answer_sets_no_cookie_and_carries_no_csrf_token(published):
    client = Client()
    for path in (reverse("opendata:map"), reverse("opendata:area", args=["65.01"]), reverse("opendata:datasets")):
        fresh = client.get(path)
        stored = client.get(path)
        for response in (fresh, stored):
            assert not response.cookies, path
            assert "csrf" not in response.content.decode().lower(), path


def test_a_harvester_with_the_validators_of_a_stored_answer_gets_not_modified_from_one_query(published):
    client = Client()
    for path in (reverse("opendata:map"), reverse("opendata_api:indicators"), reverse("opendata:feed")):
        first = client.get(path)
        with CaptureQueriesContext(connection) as queries:
            again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
            since = client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert (again.status_code, since.status_code) == (304, 304), path
        assert again["ETag"] == first["ETag"] and len(queries.captured_queries) == 2, path


def test_new_figures_published_show_on_the_next_read_of_the_page_and_the_api(published):
    client = Client()
    page = reverse("opendata:map")
    assert _poor_on_page(client.get(page).content.decode(), "65") == "62"
    assert _poor_in_api(client, "65") == 62
    VillageRoundStats.objects.filter(village_code="65.71.01.1001").update(poor4=40)  # 10 poor families before
    publish.summaries_refresh()
    assert _poor_on_page(client.get(page).content.decode(), "65") == "92"
    assert _poor_in_api(client, "65") == 92


def test_a_round_closed_shows_in_the_feed_and_the_api_read_before_it(
    published, province_staff, django_capture_on_commit_callbacks
):
    client = Client()
    assert "2026-II" not in client.get(reverse("opendata:feed")).content.decode()
    assert "2026-II" not in client.get(reverse("opendata_api:rounds")).content.decode()
    end = published.round.period_end
    rnd = poverty_services.round_open(
        user=province_staff,
        name="2026-II",
        period_start=end,
        period_end=end.replace(month=12, day=31),
        submit_deadline=end.replace(month=9),
        verify_deadline=end.replace(month=10),
        approve_deadline=end.replace(month=11),
        finalise_deadline=end.replace(month=12),
    )
    with django_capture_on_commit_callbacks(execute=True):
        poverty_services.round_close(user=province_staff, round=rnd)
    assert "2026-II" in client.get(reverse("opendata:feed")).content.decode()
    assert "2026-II" in client.get(reverse("opendata_api:rounds")).content.decode()


def test_an_answer_rendered_before_a_refresh_and_stored_after_it_is_never_served(published):
    client = Client()
    path = reverse("opendata_api:rounds")
    fresh = client.get(path)
    old = Publication.objects.get().number
    publish.summaries_refresh()
    # A worker that read the old tables stores its answer only now, under the number it read first.
    stale = HttpResponse(b'{"stale": true}', content_type="application/json")
    caching.answer_store(key=path, language="id", generation=old, response=stale)
    assert client.get(path).content == fresh.content


def test_a_signed_in_user_is_never_served_a_stored_answer_nor_stores_one(published, officer):
    anonymous = Client()
    path = reverse("opendata:map")
    anonymous.get(path)
    assert PublishedAnswer.objects.count() == 1
    signed_in = Client()
    signed_in.force_login(officer)
    for other in (path, reverse("opendata:datasets"), reverse("opendata_api:indicators")):
        response = signed_in.get(other)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store", other
    page = signed_in.get(path).content.decode()
    assert officer.display_name in page and "X-CSRFToken" in page
    assert list(PublishedAnswer.objects.values_list("key", flat=True)) == [path]


def test_two_languages_give_two_answers(published):
    indonesian, english = Client(), Client()
    english.post(reverse("set_language"), {"language": "en", "next": "/"})
    path = reverse("opendata:map")
    for _ in range(2):
        assert "Peta kebutuhan dan CSR" in indonesian.get(path).content.decode()
        assert "Map of needs and CSR" in english.get(path).content.decode()
    assert sorted(PublishedAnswer.objects.values_list("key", "language")) == [(path, "en"), (path, "id")]


def test_a_bad_unknown_repeated_oddly_written_or_unpublished_parameter_is_answered_but_not_stored(published):
    client = Client()
    map_page = reverse("opendata:map")
    bad = client.get(map_page, {"sektor": "nonsense"})
    assert bad.status_code == 200
    assert "Sebagian isian saringan tidak sah dan diabaikan." in bad.content.decode()
    assert client.get(reverse("opendata_api:areas"), {"level": "nonsense"}).status_code == 400
    assert client.get(reverse("opendata_api:indicators"), {"round": f"0{published.round.pk}"}).status_code == 200
    assert client.get(map_page, {"anything": "1"}).status_code == 200
    assert client.get(map_page + "?sektor=education&sektor=health").status_code == 200
    assert client.get(reverse("opendata_api:area", args=["65.99"])).status_code == 404
    # Well-formed values that name nothing published: answered (empty), never stored.
    assert client.get(reverse("opendata_api:areas"), {"parent": "65.99.98"}).json()["data"] == []
    assert client.get(reverse("opendata_api:indicators"), {"parent": "65.98"}).json()["data"] == []
    assert client.get(reverse("opendata_api:csr"), {"code": "65.97.01.1234"}).json()["data"] == []
    assert client.get(reverse("opendata_api:csr"), {"year": 1999}).json()["data"] == []
    assert not PublishedAnswer.objects.exists()


def test_the_same_filters_in_another_order_or_with_blanks_share_one_answer(published):
    client = Client()
    map_page = reverse("opendata:map")
    round_id = published.round.pk
    first = client.get(f"{map_page}?sektor=education&putaran={round_id}")
    with CaptureQueriesContext(connection) as queries:
        again = client.get(f"{map_page}?putaran={round_id}&tahun=&sektor=education")
    assert len(queries.captured_queries) == 1 and again.content == first.content
    # The page is written from the filters it applied, not from the query string it was asked with.
    assert f"?putaran={round_id}&amp;sektor=education" in first.content.decode()
    plain = client.get(map_page)
    PublishedAnswer.objects.filter(key=map_page).delete()
    assert client.get(f"{map_page}?putaran=&sektor=&tahun=").content == plain.content  # rendered again
    assert client.get(map_page).content == plain.content
    assert PublishedAnswer.objects.count() == 2


def test_a_village_page_is_stored_once_whatever_filters_it_is_asked_with(published):
    client = Client()
    village = reverse("opendata:area", args=["65.01.01.2005"])
    plain = client.get(village)
    filtered = client.get(village, {"sektor": "education", "putaran": published.round.pk})
    assert filtered.status_code == 200 and filtered.content == plain.content
    assert list(PublishedAnswer.objects.values_list("key", flat=True)) == [village]


def test_api_filters_naming_published_areas_are_stored(published):
    client = Client()
    for path in (
        reverse("opendata_api:areas") + "?parent=65.01",
        reverse("opendata_api:indicators") + "?parent=65.01.01",
        reverse("opendata_api:csr") + "?code=65.01",
    ):
        first = client.get(path)
        with CaptureQueriesContext(connection) as queries:
            again = client.get(path)
        assert len(queries.captured_queries) == 1 and again.content == first.content, path
    assert PublishedAnswer.objects.count() == 3


def test_an_answer_stored_by_another_deployment_is_not_served(published, monkeypatch):
    """A deployment's answers name its hashed static files: the next deployment renders its own."""
    client = Client()
    path = reverse("opendata:map")
    client.get(path)
    monkeypatch.setattr(caching, "deployment", lambda: "next-deployment")

    with CaptureQueriesContext(connection) as queries:
        again = client.get(path)

    assert again.status_code == 200
    assert len(queries) > 1  # rendered, not read from the store
    assert PublishedAnswer.objects.filter(deployment="next-deployment").count() == 1
    assert PublishedAnswer.objects.count() == 2


def test_the_deployment_changes_with_the_static_files_manifest(settings, tmp_path):
    caching.deployment.cache_clear()
    settings.STATIC_ROOT = tmp_path
    before = caching.deployment()
    (tmp_path / "staticfiles.json").write_text('{"paths": {"css/portal.css": "css/portal.0123abcd.css"}}')
    caching.deployment.cache_clear()
    try:
        assert caching.deployment() != before
    finally:
        caching.deployment.cache_clear()
