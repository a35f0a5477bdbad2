"""The background task that refreshes the published tables (enqueued by ``receivers``)."""

from __future__ import annotations

from django.tasks import task

from . import publish


@task
def summaries_refresh_task() -> dict:
    summary = publish.summaries_refresh()
    return {"areas": summary.areas, "rounds": summary.releases, "suppressed": summary.suppressed}
