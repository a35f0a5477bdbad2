"""Signals csr sends, for the apps above it (opendata) to follow without csr knowing them.

``realisation_recorded`` is sent after the transaction that recorded a realisation report commits.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# Sent with ``realisation`` (the new ``Realisation``), after commit.
realisation_recorded = Signal()


def realisation_recorded_on_commit(*, realisation) -> None:
    transaction.on_commit(lambda: realisation_recorded.send(sender=type(realisation), realisation=realisation))
