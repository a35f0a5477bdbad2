"""Background jobs the user can follow: imports, exports, recomputation.

A ``Job`` row is what the browser shows (state, progress, result file); the work itself
runs as a Django task (django-tasks-db worker in production, immediately in tests).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


@dataclass(frozen=True)
class ResultAccess:
    """A kind of job whose result file holds personal data of one region.

    The file is handed out only while its owner may still do ``action`` in that region
    (``params[region_param]``), and each download is logged as ``subject`` in the personal-data log.
    """

    action: str
    region_param: str
    subject: str


RESULT_ACCESS: dict[str, ResultAccess] = {
    # poverty_imports.services.export_start
    "poverty_export": ResultAccess(action="family.export", region_param="region", subject="poverty_members"),
}


class JobQuerySet(models.QuerySet):
    def visible_to(self, user) -> JobQuerySet:
        """A job is seen by the person who started it (and administrators)."""
        return policy.scoped(self, user, "job.view")

    def unfinished(self) -> JobQuerySet:
        return self.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])

    def results_expired(self, *, now: dt.datetime | None = None) -> JobQuerySet:
        """Jobs still holding a result file older than ``JOB_RESULT_DAYS``."""
        cutoff = (now or timezone.now()) - dt.timedelta(days=settings.JOB_RESULT_DAYS)
        return self.exclude(result_file="").filter(finished_at__lte=cutoff)


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.TextField(_("message"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The Django task that runs the job (its module path): what "Try again" enqueues once more.
    task = models.CharField(_("task"), max_length=200, blank=True)
    result_file = models.FileField(_("result"), upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField(_("result file name"), max_length=200, blank=True)
    detail_url = models.CharField(_("where to see the outcome"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    policy_owner_field = "owner_id"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        # The "my jobs" list: the owner's newest first.
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_created_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def policy_owner_id(self) -> int:
        return self.owner_id

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def retryable(self) -> bool:
        """A failed job whose task is known can be tried again (``jobs.services.job_retry``)."""
        return self.status == JobStatus.FAILED and bool(self.task)

    @property
    def result_access(self) -> ResultAccess | None:
        return RESULT_ACCESS.get(self.kind)

    @property
    def result_region_code(self) -> str:
        access = self.result_access
        return str(self.params.get(access.region_param, "")) if access else ""

    @property
    def result_expires_at(self) -> dt.datetime | None:
        if not (self.result_name and self.finished_at):
            return None
        return self.finished_at + dt.timedelta(days=settings.JOB_RESULT_DAYS)

    @property
    def result_expired(self) -> bool:
        """The job had a result file, and it is (or is due to be) deleted."""
        expires = self.result_expires_at
        return expires is not None and (timezone.now() >= expires or not self.result_file)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, int(self.done * 100 / self.total))


class WorkerHeartbeat(models.Model):
    """The last sign of life of each task worker (``manage.py worker`` writes it every few seconds).

    The readiness check (/readyz) reads the newest one: no recent heartbeat means no worker is
    running, so imports and exports would wait forever.
    """

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last seen"), db_index=True)  # the readiness check's "newest beat"

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
