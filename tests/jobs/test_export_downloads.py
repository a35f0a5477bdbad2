"""A finished export's file: downloadable only while its owner may still export that region, every
download logged in the personal-data access log, and gone after JOB_RESULT_DAYS (default 7)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import PersonalDataAccess, Role, RoleAssignment
from accounts.services import role_assign, role_revoke
from jobs.models import Job, JobStatus
from poverty_imports.services import export_start
from tests.poverty_data.conftest import make_families

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def export_job(kabupaten_staff, region_tree, media, django_capture_on_commit_callbacks) -> Job:
    make_families(region_tree.village, 2)
    with django_capture_on_commit_callbacks(execute=True):
        job = export_start(user=kabupaten_staff, region=region_tree.bulungan, fmt="csv")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result_file
    return job


def download(client, job):
    return client.get(reverse("jobs:download", args=[job.pk]))


def finished_days_ago(job: Job, days: float) -> None:
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=days))
    job.refresh_from_db()


def test_the_owner_downloads_the_export_and_each_download_is_logged(client, kabupaten_staff, export_job):
    client.force_login(kabupaten_staff)
    for _ in range(2):
        response = download(client, export_job)
        assert response.status_code == 200 and b"Warga 1-0" in b"".join(response.streaming_content)
    downloads = PersonalDataAccess.objects.filter(user=kabupaten_staff, action="download")
    assert downloads.count() == 2
    entry = downloads.first()
    assert (entry.subject, entry.object_id, entry.region_code, entry.rows) == (
        "poverty_members",
        str(export_job.pk),
        "65.01",
        4,
    )


def test_the_audit_log_shows_a_download_in_indonesian(client, kabupaten_staff, province_staff, export_job):
    client.force_login(kabupaten_staff)
    download(client, export_job)
    client.force_login(province_staff)
    html = client.get(reverse("accounts:personal_data_access") + "?action=download").content.decode()
    assert "mengunduh" in html and "kabupaten" in html


def test_a_kabupaten_officer_moved_to_another_region_can_no_longer_download(
    client, kabupaten_staff, region_tree, export_job
):
    role_revoke(assignment=RoleAssignment.objects.get(user=kabupaten_staff, region=region_tree.bulungan))
    role_assign(user=kabupaten_staff, role=Role.KABUPATEN_STAFF, region=region_tree.nunukan)
    client.force_login(kabupaten_staff)
    assert download(client, export_job).status_code == 404
    page = client.get(reverse("jobs:detail", args=[export_job.pk])).content.decode()
    assert reverse("jobs:download", args=[export_job.pk]) not in page
    assert not PersonalDataAccess.objects.filter(action="download").exists()


def test_an_expired_result_says_so_in_indonesian_and_its_file_is_deleted(client, kabupaten_staff, export_job):
    path = Path(export_job.result_file.path)
    finished_days_ago(export_job, 7.1)
    client.force_login(kabupaten_staff)
    response = download(client, export_job)
    assert response.status_code == 410
    html = response.content.decode()
    assert "kedaluwarsa" in html and "7 hari" in html
    assert not path.exists()
    export_job.refresh_from_db()
    assert not export_job.result_file
    assert "kedaluwarsa" in client.get(reverse("jobs:detail", args=[export_job.pk])).content.decode()
    assert not PersonalDataAccess.objects.filter(action="download").exists()


def test_how_long_results_are_kept_is_a_setting(client, kabupaten_staff, export_job, settings):
    finished_days_ago(export_job, 2)
    client.force_login(kabupaten_staff)
    assert download(client, export_job).status_code == 200
    settings.JOB_RESULT_DAYS = 1
    response = download(client, export_job)
    assert response.status_code == 410 and "1 hari" in response.content.decode()


def test_the_cleanup_command_deletes_expired_results_and_keeps_recent_ones(
    kabupaten_staff, export_job, region_tree, django_capture_on_commit_callbacks, capsys
):
    with django_capture_on_commit_callbacks(execute=True):
        recent = export_start(user=kabupaten_staff, region=region_tree.bulungan, fmt="xlsx")
    recent.refresh_from_db()
    old_path, recent_path = Path(export_job.result_file.path), Path(recent.result_file.path)
    finished_days_ago(export_job, 8)
    call_command("expire_job_results")
    assert not old_path.exists() and recent_path.exists()
    assert "1" in capsys.readouterr().out
    export_job.refresh_from_db()
    assert not export_job.result_file and export_job.result_name


def test_the_deployment_runs_the_cleanup_every_hour():
    service = (ROOT / "deploy/systemd/kaltara-expire-results.service").read_text()
    timer = (ROOT / "deploy/systemd/kaltara-expire-results.timer").read_text()
    assert "manage.py expire_job_results" in service and "/srv/kaltara/media" in service
    assert "OnCalendar=hourly" in timer
    assert "kaltara-expire-results.timer" in (ROOT / "docs/deployment.md").read_text()
