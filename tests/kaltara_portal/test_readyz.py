"""/readyz: 200 when the database, a task worker and disk space are fine; 503 naming what is not."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from jobs.models import WorkerHeartbeat
from jobs.services import worker_heartbeat_record

READYZ = "/readyz"


@pytest.fixture
def ready(db, settings, tmp_path):
    """Everything fine: a fresh heartbeat, an existing media directory with room, a 1 MB threshold."""
    settings.MEDIA_ROOT = tmp_path
    settings.READY_MIN_FREE_MB = 1
    worker_heartbeat_record(worker_id="w1", hostname="worker-1", pid=1234, started_at=timezone.now())


def _answer(client) -> tuple[int, dict]:
    response = client.get(READYZ)
    return response.status_code, response.json()


def test_it_answers_ok_when_everything_is_fine(client, ready):
    status, body = _answer(client)
    assert status == 200
    assert body == {
        "status": "ok",
        "failed": [],
        "checks": {"database": "ok", "worker": "ok", "disk_media": "ok", "disk_tmp": "ok"},
    }


def test_it_is_not_ready_before_any_worker_has_started(client, ready):
    WorkerHeartbeat.objects.all().delete()
    status, body = _answer(client)
    assert (status, body["failed"], body["checks"]["worker"]) == (503, ["worker"], "no heartbeat")


def test_it_is_not_ready_when_the_last_heartbeat_is_too_old(client, ready, settings):
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(seconds=settings.READY_WORKER_MAX_AGE + 5))
    status, body = _answer(client)
    assert (status, body["checks"]["worker"]) == (503, "heartbeat stale")


def _task(enqueued_minutes_ago: int, *, run_after=None) -> DBTaskResult:
    result = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"job_id": "x"}},
        task_path="poverty_imports.tasks.run_export",
        queue_name="default",
        backend_name="default",
        run_after=run_after or get_date_max(),
    )
    DBTaskResult.objects.filter(pk=result.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=enqueued_minutes_ago)
    )
    return result


def test_it_is_not_ready_when_a_task_has_waited_too_long_although_the_worker_beats(client, ready, settings):
    settings.READY_QUEUE_MAX_WAIT = 600
    _task(enqueued_minutes_ago=11)
    status, body = _answer(client)
    assert (status, body["checks"]["worker"]) == (503, "queue stuck")


def test_a_task_waiting_briefly_or_scheduled_for_later_is_no_problem(client, ready, settings):
    settings.READY_QUEUE_MAX_WAIT = 600
    _task(enqueued_minutes_ago=2)
    _task(enqueued_minutes_ago=60, run_after=timezone.now() - timedelta(minutes=1))
    assert _answer(client)[0] == 200


def test_it_is_not_ready_when_the_database_fails_and_says_nothing_more(client, ready, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError('connection to server at "10.0.0.5", port 5432 failed: password authentication')

    with monkeypatch.context() as patched:
        patched.setattr(connections["default"], "cursor", broken_cursor)
        response = client.get(READYZ)
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"
    assert b"10.0.0.5" not in response.content and b"password" not in response.content


def test_it_is_not_ready_when_disk_space_runs_low(client, ready, settings):
    settings.READY_MIN_FREE_MB = 1024 * 1024 * 1024  # a petabyte: no disk here has that free
    status, body = _answer(client)
    assert (status, body["failed"]) == (503, ["disk_media", "disk_tmp"])
    assert body["checks"]["disk_media"] == "low"


def test_it_is_not_ready_when_the_media_directory_is_missing(client, ready, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "not-mounted"
    status, body = _answer(client)
    assert (status, body["checks"]["disk_media"]) == (503, "missing")
    assert str(tmp_path) not in str(body)


# Transactional: the worker closes and reopens connections between tasks, as it does in production.
@pytest.mark.django_db(transaction=True)
def test_the_worker_command_records_the_heartbeat_that_makes_the_portal_ready(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.READY_MIN_FREE_MB = 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    assert _answer(client)[1]["checks"]["worker"] == "no heartbeat"
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "--heartbeat", "60", verbosity=0)
    beat = WorkerHeartbeat.objects.get()
    assert beat.pid == os.getpid()
    assert _answer(client) == (200, {"status": "ok", "failed": [], "checks": _all_ok()})


def _all_ok() -> dict[str, str]:
    return {"database": "ok", "worker": "ok", "disk_media": "ok", "disk_tmp": "ok"}


def test_a_heartbeat_forgets_workers_silent_for_a_day(db):
    worker_heartbeat_record(worker_id="old", hostname="h", pid=1, started_at=timezone.now())
    WorkerHeartbeat.objects.filter(pk="old").update(seen_at=timezone.now() - timedelta(days=2))
    worker_heartbeat_record(worker_id="new", hostname="h", pid=2, started_at=timezone.now())
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["new"]
