"""Signals poverty_data sends, for the apps above it (opendata) to follow without poverty_data knowing them.

``round_closed`` is sent after the transaction that closed a round commits: its figures per village
(``VillageRoundStats``) are then complete and final.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# Sent with ``round`` (the closed ``Round``), after commit.
round_closed = Signal()


def round_closed_on_commit(*, round) -> None:  # noqa: A002 - the domain word
    transaction.on_commit(lambda: round_closed.send(sender=type(round), round=round))
