"""Whole-page caching for the pages staff open most, invalidated by any committed write.

Why: rendering a dashboard or a list costs 10-40 ms of CPU (templates, navigation, counts); a
stored copy costs a cache read. What keeps it correct:

- **Invalidation by generation.** Every statement the portal sends through Django's database
  layer passes ``watch_writes``. An INSERT, UPDATE, DELETE, TRUNCATE or MERGE on a portal table
  (not sessions, login attempts, the access log or the worker's heartbeat: ``UNWATCHED``) raises
  ``DataGeneration`` by one once its transaction commits (at once in autocommit). Pages are
  stored under the generation they were read at, so a page stored before a commit is never
  served after it. ORM saves, ``update()``, bulk inserts, raw SQL and the admin are all caught,
  because the hook sits below them. A reader that rendered old data while a write committed
  stored it under the old generation, which is already gone.
- **Per person, per session.** The key holds the user, a hash of the CSRF cookie the page's
  forms were signed for, the language, the full path with its query string and what the view
  says it varies on (``vary``: the village search kept in the session). Nothing is shared
  between users, so what a page shows stays what the access policy let that user see: a role
  change is a write, and raises the generation too.
- **Not cached**: anything but a GET; anonymous users; a request without a CSRF cookie (the page
  would sign its forms for a cookie the browser does not hold yet); a request with flash messages
  waiting, or whose view added one; any answer but a 200 HTML page; a request whose own
  transaction has uncommitted writes (it reads what it wrote, others must not).
- **Time.** A stored page lives ``PAGE_CACHE_SECONDS`` (60 by default) at most, so what depends
  on the clock (today's deadlines) and what a dashboard reads from a lagging replica catch up.

Only the views decorated with ``cached_page`` are cached; none of them logs a view of personal
data (those pages are never cached, so every such view is still logged).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

GENERATION_TABLE = "kaltara_portal_datageneration"
GENERATION_NAME = "data"

# Tables whose writes change no page: sessions (the sliding expiry writes once a minute), login
# attempts, the personal-data access log, the worker's heartbeat, the task queue's own rows, the
# import staging tables (temporary ones included) and the counter itself; and the tables of any
# database cache (``cache_tables``), or storing a page would count as a change.
UNWATCHED = re.compile(
    r"^(django_session|axes_\w+|accounts_personaldataaccess|jobs_workerheartbeat|django_tasks_database_\w+"
    r"|poverty_imports_stagedrow|poverty_imports_importissue|import_\w+|" + GENERATION_TABLE + r")$"
)


def cache_tables() -> frozenset[str]:
    return frozenset(
        str(conf.get("LOCATION", "")).lower()
        for conf in settings.CACHES.values()
        if conf.get("BACKEND", "").endswith("DatabaseCache")
    )


_FIRST_WORD = re.compile(r"^\s*(\w+)")
# The table a data-changing statement writes to, anywhere in it (a WITH … INSERT included).
_TARGETS = re.compile(
    r"\b(?:INSERT\s+INTO|DELETE\s+FROM|MERGE\s+INTO|TRUNCATE(?:\s+TABLE)?|UPDATE)\s+(?:ONLY\s+)?\"?(\w+)\"?(?:\.\"?(\w+)\"?)?",
    re.IGNORECASE,
)
_WRITE_WORDS = {"insert", "update", "delete", "truncate", "merge", "with", "replace"}


def written_tables(sql: str) -> list[str]:
    """The tables ``sql`` changes rows of ([] for a read, a DDL statement or a transaction command)."""
    match = _FIRST_WORD.match(sql)
    if not match or match.group(1).lower() not in _WRITE_WORDS:
        return []  # SELECT (FOR UPDATE included), SAVEPOINT, CREATE, ANALYZE, COPY into temp tables…
    tables = []
    for found in _TARGETS.finditer(sql):
        table = (found.group(2) or found.group(1)).lower()
        if table in {"set", "of"}:  # ON CONFLICT DO UPDATE SET, FOR UPDATE OF
            continue
        tables.append(table)
    if not tables and match.group(1).lower() != "with":
        return ["?"]  # a write we could not read the table of: count it
    return tables


def changes_data(sql: str) -> bool:
    return any(not UNWATCHED.match(table) and table not in cache_tables() for table in written_tables(sql))


# ---------------------------------------------------------------------------- the counter


def current_generation() -> int | None:
    """The counter as committed on the primary database (a replica could lag behind it)."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"SELECT value FROM {GENERATION_TABLE} WHERE name = %s", [GENERATION_NAME])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def generation_for(request: HttpRequest) -> int | None:
    """The counter as this request first read it: with its session (kaltara_portal.sessions), or now."""
    value = getattr(getattr(request, "session", None), "data_generation", None)
    return value if value is not None else current_generation()


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise the counter by one (its own statement, after the write it stands for committed)."""
    connection = connections[using]
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {GENERATION_TABLE} SET value = value + 1 WHERE name = %s",  # noqa: S608
                [GENERATION_NAME],
            )
            if cursor.rowcount == 0:
                # A lost row starts again above any value it held (the clock in microseconds), so
                # a page or user kept under an old number is never taken for current.
                cursor.execute(
                    f"INSERT INTO {GENERATION_TABLE} (name, value) VALUES (%s, %s)",  # noqa: S608
                    [GENERATION_NAME, time.time_ns() // 1000],
                )
    except DatabaseError:
        if connection.in_atomic_block or not connection.get_autocommit():
            raise  # inside a transaction the error must end it
        # In autocommit, before the counter's table exists (the first migrations): no page is
        # cached yet either, so there is nothing to invalidate.
        logger.debug("data generation not raised", exc_info=True)


class _Watcher:
    """Installed on every database connection: notes the writes, bumps after they commit."""

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and changes_data(sql):
            note_write(context["connection"])
        return result


watch_writes = _Watcher()


def note_write(connection: Any) -> None:
    """Raise the counter once ``connection``'s transaction commits (at once in autocommit).

    The watcher calls it for every statement; code that writes past Django's cursor (psycopg's
    ``COPY … FROM STDIN``) calls it itself.
    """
    if connection.in_atomic_block:
        if not pending_writes(connection):
            callback = functools.partial(bump, connection.alias)
            callback.kaltara_bump = True
            connection.on_commit(callback, robust=True)  # the data is in: never fail the request after it
    else:
        bump(connection.alias)  # autocommit, or a hand-managed transaction it commits with


def pending_writes(connection: Any) -> bool:
    """True while ``connection``'s open transaction holds a write not yet committed."""
    return any(getattr(item[1], "kaltara_bump", False) for item in connection.run_on_commit)


def install(sender: Any = None, connection: Any = None, **kwargs: Any) -> None:
    if connection is not None and watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def connect() -> None:
    """Called from ``AppConfig.ready``: every connection, present and future, is watched."""
    connection_created.connect(install, dispatch_uid="kaltara_pagecache_watch")
    for connection in connections.all(initialized_only=True):
        install(connection=connection)


# ---------------------------------------------------------------------------- the decorator


def _key(request: HttpRequest, generation: int, varies: str) -> str:
    csrf = request.META.get("CSRF_COOKIE", "")
    raw = "\x1f".join(
        [
            str(request.user.pk),
            csrf,
            getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
            request.get_full_path(),
            varies,
        ]
    )
    return f"page:{generation}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _has_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def cached_page(view: Callable | None = None, *, vary: Callable[..., str] | None = None) -> Callable:
    """Serve ``view``'s page from the cache while nothing was written since it was stored.

    Put it under ``login_required`` (the user is known before the cache is asked). ``vary``
    receives the request and the view's arguments and returns what else, beyond the URL, decides
    what the page shows (e.g. a search term kept in the session).
    """

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable_request(request):
                return func(request, *args, **kwargs)
            generation = generation_for(request)
            if generation is None:
                return func(request, *args, **kwargs)
            key = _key(request, generation, vary(request, *args, **kwargs) if vary else "")
            cache = caches[settings.PAGE_CACHE_ALIAS]
            stored = cache.get(key)
            if stored is not None:
                content, headers = stored
                response = HttpResponse(content, headers=headers)
                response.headers["X-Page-Cache"] = "hit"
                return response
            response = func(request, *args, **kwargs)
            if _cacheable_response(request, response):
                # The headers the view set travel with the page (the middleware adds its own to each answer).
                stored = (response.content, dict(response.headers.items()))
                cache.set(key, stored, settings.PAGE_CACHE_SECONDS)
                response.headers["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorate(view) if view is not None else decorate


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and request.user.is_authenticated
        and bool(request.META.get("CSRF_COOKIE"))
        and not _has_messages(request)
        and not pending_writes(connections[DEFAULT_DB_ALIAS])
    )


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not _has_messages(request)
        and not pending_writes(connections[DEFAULT_DB_ALIAS])
        and not request.session.modified
    )
