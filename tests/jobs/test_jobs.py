"""Background jobs: started, followed with a progress bar, the result downloaded; only by their owner."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jobs.models import Job, JobStatus
from jobs.services import job_start
from tests.factories import JobFactory

from .tasks_for_tests import count_to_three, explode, flaky


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def start(user, task, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(owner=user, kind="test", title="Menghitung sampai tiga", task=task)
    job.refresh_from_db()
    return job


def test_a_job_runs_reports_progress_and_keeps_its_result(officer, media, django_capture_on_commit_callbacks):
    job = start(officer, count_to_three, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.DONE and (job.done, job.total, job.percent) == (3, 3, 100)
    assert job.result_name == "hitungan.csv" and job.started_at and job.finished_at


def test_the_owner_follows_the_job_and_downloads_the_result(client, officer, media, django_capture_on_commit_callbacks):
    job = start(officer, count_to_three, django_capture_on_commit_callbacks)
    client.force_login(officer)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Menghitung sampai tiga" in html and "Selesai menghitung." in html and 'value="100"' in html
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"1,2,3\n"
    assert "attachment" in response["Content-Disposition"]
    assert "Menghitung sampai tiga" in client.get(reverse("jobs:list")).content.decode()


def test_a_running_job_page_polls_and_stops_polling_when_done(client, officer):
    job = JobFactory(owner=officer, total=10, done=4, status=JobStatus.RUNNING)
    client.force_login(officer)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in html and 'value="40"' in html
    partial = client.get(reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE)
    assert client.get(reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true").status_code == 286


def test_a_failed_job_says_so_without_leaking_what_went_wrong(
    client, officer, media, django_capture_on_commit_callbacks
):
    job = start(officer, explode, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    client.force_login(officer)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "“Menghitung sampai tiga” berhenti sebelum mulai bekerja karena galat tak terduga di portal." in html
    assert "Tidak ada yang berubah." in html and "Traceback" not in html and "RuntimeError" not in html
    assert "6501014107900003" not in html


def start_flaky(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(owner=user, kind="test", title="Impor daftar.xlsx", task=flaky, params={"missing": True})
    job.refresh_from_db()
    return job


def test_a_failed_job_says_which_step_failed_and_why_and_offers_to_try_again(
    client, officer, media, django_capture_on_commit_callbacks
):
    job = start_flaky(officer, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED and job.retryable
    client.force_login(officer)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert (
        "“Impor daftar.xlsx” berhenti pada tahap “Membaca berkas” karena berkas yang dibutuhkannya tidak ada"
        " di penyimpanan portal." in html
    )
    assert "6501014107900003" not in html and "FileNotFoundError" not in html
    assert f'action="{reverse("jobs:retry", args=[job.pk])}"' in html and "Coba lagi" in html


def test_the_owner_tries_a_failed_job_again_and_the_same_job_runs(
    client, officer, media, django_capture_on_commit_callbacks
):
    job = start_flaky(officer, django_capture_on_commit_callbacks)
    Job.objects.filter(pk=job.pk).update(params={"missing": False})  # the cause is fixed
    client.force_login(officer)
    assert client.get(reverse("jobs:retry", args=[job.pk])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs:retry", args=[job.pk]), follow=True)
    assert "Tugas masuk antrean lagi." in response.content.decode()
    job.refresh_from_db()
    assert Job.objects.count() == 1 and job.status == JobStatus.DONE and job.message == "Selesai."
    assert "Coba lagi" not in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()


def test_only_the_owner_tries_again_and_only_a_failed_job(
    client, officer, other_officer, media, django_capture_on_commit_callbacks
):
    failed = start_flaky(officer, django_capture_on_commit_callbacks)
    client.force_login(other_officer)
    assert client.post(reverse("jobs:retry", args=[failed.pk])).status_code == 404
    failed.refresh_from_db()
    assert failed.status == JobStatus.FAILED
    done = start(officer, count_to_three, django_capture_on_commit_callbacks)
    client.force_login(officer)
    response = client.post(reverse("jobs:retry", args=[done.pk]), follow=True)
    assert "Hanya tugas yang gagal yang dapat dicoba lagi." in response.content.decode()
    done.refresh_from_db()
    assert done.status == JobStatus.DONE and done.result_name == "hitungan.csv"


@pytest.mark.parametrize("view", ["jobs:detail", "jobs:download"])
def test_someone_elses_job_does_not_exist_for_you(
    client, officer, other_officer, media, view, django_capture_on_commit_callbacks
):
    job = start(officer, count_to_three, django_capture_on_commit_callbacks)
    client.force_login(other_officer)
    assert client.get(reverse(view, args=[job.pk])).status_code == 404
    assert "Menghitung" not in client.get(reverse("jobs:list")).content.decode()


@pytest.mark.parametrize("view", ["jobs:detail", "jobs:download"])
def test_anonymous_visitors_are_sent_to_log_in(client, officer, view):
    job = JobFactory(owner=officer)
    response = client.get(reverse(view, args=[job.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_administrator_sees_every_job(client, officer, administrator):
    JobFactory(owner=officer, title="Impor milik pengurus")
    client.force_login(administrator)
    assert "Impor milik pengurus" in client.get(reverse("jobs:list")).content.decode()


def test_a_malformed_job_id_is_a_404(client, officer):
    client.force_login(officer)
    assert client.get("/tugas/bukan-uuid/").status_code == 404
