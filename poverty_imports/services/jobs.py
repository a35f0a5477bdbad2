"""The background tasks of imports and exports (run by the django-tasks-db worker).

They live here, beside the services that start them (``upload``), so that the services and the tasks do
not import each other: the tasks call the import (``run``) and the export, which never start a job.
"""

from __future__ import annotations

from django.tasks import task
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from jobs.models import Job
from jobs.services import job_finish, job_progress, job_run
from regions.models import Region

from ..exports import export_write
from ..models import ImportBatch, ImportStatus
from .run import estimate_rows, import_run


@task
def run_import(job_id: str) -> None:
    job_run(job_id, _import)


def _import(job: Job) -> None:
    batch = ImportBatch.objects.select_related("created_by", "round", "village").get(pk=job.params["batch"])
    detail_url = reverse("poverty_imports:detail", args=[batch.pk])
    if batch.status == ImportStatus.IMPORTED:  # tried again after its changes had landed: never write them twice
        job_finish(job=job, message=_("This file was already imported."), detail_url=detail_url)
        return
    with batch.file.open("rb") as handle:
        total = estimate_rows(handle, batch.file_kind)
    job_progress(job=job, done=0, total=total, message=_("Reading the file"))
    batch = import_run(batch=batch, on_progress=lambda done, message: job_progress(job=job, done=done, message=message))
    if batch.status == ImportStatus.IMPORTED:
        message = _("Imported: %(changes)d changes in %(villages)d village submission(s); %(rejected)d rows left out.") % {
            "changes": batch.changes_created, "villages": batch.submissions, "rejected": batch.rows_rejected,
        }  # fmt: skip
    else:
        message = batch.file_error or _("Refused: %(errors)d error(s); nothing was imported.") % {
            "errors": batch.errors
        }
    job_finish(job=job, message=message, detail_url=detail_url)


@task
def run_export(job_id: str) -> None:
    job_run(job_id, _export)


def _export(job: Job) -> None:
    region = Region.objects.get(code=job.params["region"])
    fmt = job.params["format"]
    handle, rows = export_write(
        user=job.owner, region_code=region.code, fmt=fmt,
        progress=lambda done: job_progress(job=job, done=done, message=_("%(count)d rows written") % {"count": done}),
    )  # fmt: skip
    job_finish(
        job=job,
        message=_("%(count)d rows exported.") % {"count": rows},
        done=rows,
        file=handle,
        file_name=f"data-kemiskinan-{slugify(region.name)}-{region.code}.{fmt}",
    )
