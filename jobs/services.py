"""Writes to jobs: create and enqueue, report progress, finish or fail."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import PersonalDataAccess
from accounts.services import personal_data_access_log

from .models import Job, JobStatus, WorkerHeartbeat

logger = logging.getLogger(__name__)


def job_start(*, owner: Any, kind: str, title: str, task: Any, params: dict | None = None) -> Job:
    """Create a job and enqueue ``task`` (a Django task taking ``job_id``) once the transaction commits.

    The title is cut to fit its column: it often quotes a file name, and those can be long.
    """
    title = title[: Job._meta.get_field("title").max_length]
    job = Job.objects.create(owner=owner, kind=kind, title=title, params=params or {})
    transaction.on_commit(lambda: task.enqueue(job_id=str(job.pk)))
    return job


def job_progress(*, job: Job, done: int, total: int | None = None, message: str | None = None) -> None:
    job.done = done
    fields = ["done"]
    if total is not None:
        job.total, fields = total, [*fields, "total"]
    if message is not None:
        job.message, fields = message, [*fields, "message"]
    Job.objects.filter(pk=job.pk).update(**{f: getattr(job, f) for f in fields})


def job_finish(
    *,
    job: Job,
    message: str = "",
    file: File | None = None,
    file_name: str = "",
    detail_url: str = "",
    done: int | None = None,
) -> None:
    """Mark the job done, with its message and result file; ``done``: how many items it handled in all."""
    job.status, job.finished_at, job.message, job.detail_url = JobStatus.DONE, timezone.now(), message, detail_url
    fields = ["status", "finished_at", "message", "detail_url", "done"]
    job.done = max(job.done if done is None else done, job.total)
    if file is not None:
        job.result_name = file_name or getattr(file, "name", "hasil")
        job.result_file.save(job.result_name, file, save=False)
        fields += ["result_file", "result_name"]
    job.save(update_fields=fields)


def job_result_open(*, job: Job, user: Any) -> File:
    """Open the job's result file for ``user`` to download, logging the download of personal data.

    Raises FileNotFoundError when the file is gone.
    """
    handle = job.result_file.open("rb")
    if access := job.result_access:
        personal_data_access_log(
            user=user,
            action=PersonalDataAccess.Action.DOWNLOAD,
            subject=access.subject,
            object_id=job.pk,
            region_code=job.result_region_code,
            rows=job.done,
        )
    return handle


def job_result_delete(*, job: Job) -> None:
    """Delete the job's result file; the job keeps the file's name, so its page can say it expired."""
    if job.result_file:
        job.result_file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(result_file="")


def job_results_expire() -> int:
    """Delete every result file older than ``JOB_RESULT_DAYS``; returns how many (run hourly:
    ``manage.py expire_job_results``, deploy/systemd/kaltara-expire-results.timer)."""
    expired = 0
    for job in Job.objects.results_expired().only("pk", "result_file").iterator():
        try:
            job_result_delete(job=job)
        except OSError:
            logger.exception("could not delete an expired result job=%s", job.pk)
            continue
        expired += 1
    return expired


def job_fail(*, job: Job, message: str) -> None:
    job.status, job.finished_at, job.message = JobStatus.FAILED, timezone.now(), message
    job.save(update_fields=["status", "finished_at", "message"])


def job_run(job_id: str, work: Callable[[Job], None]) -> None:
    """Run ``work(job)`` for a queued job, marking it running, then done or failed.

    ``work`` calls ``job_finish`` itself (with its file or message); an exception marks
    the job failed with a message that carries no personal data.
    """
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return
    job.status, job.started_at = JobStatus.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    try:
        work(job)
    except Exception:
        logger.exception("job failed kind=%s job=%s", job.kind, job.pk)
        job_fail(
            job=job,
            message=_(
                "The job stopped because of an unexpected error. Nothing was changed; try again or tell the administrator."
            ),
        )
        return
    job.refresh_from_db(fields=["status"])
    if not job.finished:
        job_finish(job=job)


def worker_heartbeat_record(*, worker_id: str, hostname: str, pid: int, started_at: Any) -> None:
    """Record that a worker is alive now, and forget workers silent for a day."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"hostname": hostname, "pid": pid, "started_at": started_at, "seen_at": now}
    )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timezone.timedelta(days=1)).delete()
