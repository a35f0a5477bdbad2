"""Writes to jobs: create and enqueue, report progress, finish or fail, try a failed job again."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import PersonalDataAccess
from accounts.services import personal_data_access_log

from .models import Job, JobStatus, WorkerHeartbeat

logger = logging.getLogger(__name__)


def job_start(*, owner: Any, kind: str, title: str, task: Any, params: dict | None = None) -> Job:
    """Create a job and enqueue ``task`` (a Django task taking ``job_id``) once the transaction commits.

    The title is cut to fit its column: it often quotes a file name, and those can be long.
    """
    title = title[: Job._meta.get_field("title").max_length]
    job = Job.objects.create(owner=owner, kind=kind, title=title, params=params or {}, task=task.module_path)
    transaction.on_commit(lambda: task.enqueue(job_id=str(job.pk)))
    return job


@transaction.atomic
def job_retry(*, user: Any, job: Job) -> Job:
    """Enqueue a failed job's task once more, for the same job (its page follows it again).

    Only its owner (or an administrator) may; the task runs as the owner and checks the policy
    itself, as the first time.
    """
    policy.require(user, "job.retry", job)
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.FAILED:
        raise ValidationError(_("Only a failed job can be tried again."))
    if not job.task:
        raise ValidationError(_("This job cannot be tried again here: start it again where you started it."))
    task = import_string(job.task)
    job.status, job.done, job.message, job.started_at, job.finished_at = JobStatus.QUEUED, 0, "", None, None
    job.save(update_fields=["status", "done", "message", "started_at", "finished_at"])
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
    except Exception as exc:
        logger.exception("job failed kind=%s job=%s", job.kind, job.pk)
        job.refresh_from_db(fields=["message"])
        job_fail(job=job, message=failure_message(job=job, error=exc))
        return
    job.refresh_from_db(fields=["status"])
    if not job.finished:
        job_finish(job=job)


def failure_message(*, job: Job, error: Exception) -> str:
    """What a failed job tells its owner, in plain words: which job, at which step, what kind of
    trouble, and what to do. Never the error's own text (it may quote personal data) nor a traceback."""
    if isinstance(error, FileNotFoundError):
        cause = _("a file it needs is missing from the portal's storage")
    elif isinstance(error, OSError):
        cause = _("the portal could not read or write a file")
    elif isinstance(error, DatabaseError):
        cause = _("the database did not answer in time or refused the change")
    else:
        cause = _("an unexpected error in the portal")
    step = job.message.strip()
    if step:
        what = _("“%(title)s” stopped during the step “%(step)s”, because of %(cause)s.") % {
            "title": job.title, "step": step, "cause": cause,
        }  # fmt: skip
    else:
        what = _("“%(title)s” stopped before it began its work, because of %(cause)s.") % {
            "title": job.title, "cause": cause,
        }  # fmt: skip
    advice = _("Nothing was changed. Press “Try again”; if it fails again, tell the administrator.")
    return f"{what} {advice}"


def worker_heartbeat_record(*, worker_id: str, hostname: str, pid: int, started_at: Any) -> None:
    """Record that a worker is alive now, and forget workers silent for a day."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"hostname": hostname, "pid": pid, "started_at": started_at, "seen_at": now}
    )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timezone.timedelta(days=1)).delete()
