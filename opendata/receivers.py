"""opendata follows the lower apps: a closed round or a recorded CSR realisation refreshes the
published tables, in a background task (``tasks.summaries_refresh_task``) so the request that
closed the round does not wait for it."""

from __future__ import annotations

from django.dispatch import receiver

from csr.signals import realisation_recorded
from poverty_data.signals import round_closed

from .tasks import summaries_refresh_task


@receiver(round_closed, dispatch_uid="opendata.round_closed")
def on_round_closed(sender, round, **kwargs) -> None:  # noqa: A002 - the signal's argument
    summaries_refresh_task.enqueue()


@receiver(realisation_recorded, dispatch_uid="opendata.realisation_recorded")
def on_realisation_recorded(sender, realisation, **kwargs) -> None:
    summaries_refresh_task.enqueue()
