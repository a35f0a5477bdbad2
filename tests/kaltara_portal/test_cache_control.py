"""Pages for a signed-in user never stay in a browser's or a proxy's cache.

A village office shares one PC: a page with full NIK left in the browser's cache or history could be
read by the next person. Every answer to a signed-in user says ``Cache-Control: private, no-store``;
anonymous public pages keep their own caching, and static files are not touched.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from jobs.models import JobStatus
from tests.factories import JobFactory


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize(
    "url",
    ["/", "/data-kemiskinan/dasbor/", "/organisasi/", "/csr/katalog/", "/tugas/", "/bantuan/", "/tidak-ada/"],
)
def test_every_page_for_a_signed_in_user_is_private_and_never_stored(client, province_staff, url):
    client.force_login(province_staff)
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert _cache_control(response) == {"private", "no-store"}


def test_a_downloaded_result_file_is_not_stored_either(client, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = JobFactory(owner=officer, title="Hitungan", status=JobStatus.DONE, result_name="hitungan.csv")
    job.result_file.save("hitungan.csv", ContentFile(b"1,2,3\n"))
    client.force_login(officer)
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200
    assert _cache_control(response) == {"private", "no-store"}


def test_anonymous_public_pages_keep_their_own_caching(client, db):
    assert "no-store" not in _cache_control(client.get("/csr/katalog/"))
    # The login page keeps Django's own never_cache answer.
    assert {"no-cache", "no-store", "must-revalidate", "private"} <= _cache_control(client.get("/akun/masuk/"))


def test_static_files_are_left_alone(client, province_staff):
    client.force_login(province_staff)
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert "no-store" not in _cache_control(response)
