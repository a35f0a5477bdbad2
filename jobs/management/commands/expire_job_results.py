"""Delete background jobs' result files older than JOB_RESULT_DAYS (run hourly by
deploy/systemd/kaltara-expire-results.timer)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from jobs.services import job_results_expire


class Command(BaseCommand):
    help = "Delete result files of background jobs older than JOB_RESULT_DAYS days."

    def handle(self, *args, **options) -> None:
        expired = job_results_expire()
        self.stdout.write(f"{expired} result file(s) older than {settings.JOB_RESULT_DAYS} days deleted.")
