"""Reads of jobs that apply the access policy."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from accounts import policy

from .models import Job


def jobs_for_user(*, user: Any) -> Any:
    """The jobs ``user`` follows (their own; an administrator's: all), newest first (the model's order)."""
    return Job.objects.visible_to(user).select_related("owner")


def job_get_for_user(*, user: Any, pk: Any) -> Job:
    """A job its owner (or an administrator) follows; 404 for everyone else."""
    return policy.get_for_user(Job.objects.all(), user, "job.view", pk=pk)


def job_result_allowed(*, user: Any, job: Job) -> bool:
    """May ``user`` still have the job's result file? A file of personal data of a region only while
    they may still do the job's action there (a kabupaten officer moved elsewhere may not)."""
    access = job.result_access
    return access is None or policy.can(user, access.action, job.result_region_code)


def job_result_get_for_user(*, user: Any, pk: Any) -> Job:
    """The job whose result ``user`` asks for: 404 when the job is not theirs, had no result, or
    its result is no longer theirs to have."""
    job = job_get_for_user(user=user, pk=pk)
    if not job.result_name or not job_result_allowed(user=user, job=job):
        raise Http404
    return job
