"""Tasks used by the job tests (module-level, as Django tasks must be)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.tasks import task

from jobs.models import Job
from jobs.services import job_finish, job_progress, job_run


@task
def count_to_three(job_id: str) -> None:
    def work(job):
        for n in range(1, 4):
            job_progress(job=job, done=n, total=3)
        job_finish(job=job, message="Selesai menghitung.", file=ContentFile(b"1,2,3\n"), file_name="hitungan.csv")

    job_run(job_id, work)


@task
def explode(job_id: str) -> None:
    def work(job):
        raise RuntimeError("6501014107900003 must never reach the page")  # personal data in an exception

    job_run(job_id, work)


@task
def flaky(job_id: str) -> None:
    """Fails at its first step while the job's params say the file is missing (a test then fixes that)."""

    def work(job):
        job_progress(job=job, done=0, total=1, message="Membaca berkas")
        if Job.objects.get(pk=job.pk).params.get("missing"):
            raise FileNotFoundError("/media/impor/6501014107900003.xlsx")  # a path with personal data
        job_finish(job=job, message="Selesai.")

    job_run(job_id, work)
