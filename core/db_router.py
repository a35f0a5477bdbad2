"""Reads for dashboards and exports from the read replica, everything else from the primary.

Routing every read to a replica would show a user a page without the change they just saved
(replication lags by a fraction of a second, more under load). So the router sends reads to
the replica only inside ``use_replica`` — a context manager and decorator put around the
dashboard views and the export writers, whose data may be a moment old. Writes always go to
the primary, even inside ``use_replica``.

Access decisions never read from the replica: a role revoked a moment ago must not still open a
dashboard because the replica has not replayed the revocation yet. So the rows the access policy
and authentication rest on — users, role assignments, company representatives, Pokja membership,
sessions, permissions and the login lock-out — are always read from the primary (``PRIMARY_ONLY``).

Without ``DATABASE_REPLICA_URL`` (``settings.REPLICA_DATABASE_ALIAS`` is None) nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import ContextDecorator
from contextvars import ContextVar
from typing import Any

from django.conf import settings

# app_label.model_name of the models an access decision reads (accounts.policy, authentication, axes).
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "axes"})
PRIMARY_ONLY = frozenset(
    {"accounts.user", "accounts.roleassignment", "csr.companyrepresentative", "poverty_data.pokjamember"}
)

_on_replica: ContextVar[bool] = ContextVar("kaltara_on_replica", default=False)


def replica_alias() -> str | None:
    """The alias reads go to inside ``use_replica`` (None: no replica configured)."""
    alias = settings.REPLICA_DATABASE_ALIAS
    return alias if alias and alias in settings.DATABASES else None


class use_replica(ContextDecorator):  # noqa: N801 - reads as a function: `with use_replica():`
    """Within this block (or decorated function), reads go to the replica when there is one."""

    def _recreate_cm(self) -> use_replica:
        # A fresh instance per decorated call: calls in other threads keep their own token.
        return type(self)()

    def __enter__(self) -> use_replica:
        self._token = _on_replica.set(True)
        return self

    def __exit__(self, *exc: object) -> None:
        _on_replica.reset(self._token)


def iterate_on_replica[T](rows: Iterable[T]) -> Iterator[T]:
    """``rows`` consumed lazily, each step inside ``use_replica``.

    For streamed responses: the rows are read after the view has returned, so a decorator on
    the view no longer applies; the flag is set only while a row is produced, never between.
    """
    iterator = iter(rows)
    while True:
        with use_replica():
            try:
                row = next(iterator)
            except StopIteration:
                return
        yield row


def decides_access(model: type) -> bool:
    """Whether reads of ``model`` feed access decisions (and so must see the latest committed state)."""
    meta = model._meta
    return meta.app_label in PRIMARY_ONLY_APPS or meta.label_lower in PRIMARY_ONLY


class ReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if not _on_replica.get() or decides_access(model):
            return None
        return replica_alias()

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Both aliases hold the same data: rows read from the replica relate to rows of the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        # The replica is a physical copy of the primary: migrations run on the primary only.
        return db == "default"
