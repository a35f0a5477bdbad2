"""Sessions and signed-in users, each read once per data generation instead of once per request.

Every signed-in request used to cost two queries before the view ran: the session row and the
user row (with the ORM's query building around each, about 1.5 ms of CPU together). Here:

- ``SessionStore`` is Django's database session store, reading the session row and the data
  generation (``kaltara_portal.pagecache``) in one statement. The generation is kept on the
  session object for the page cache, so a cached page costs this one query.
- ``CachedUserMiddleware`` replaces Django's ``AuthenticationMiddleware``. It keeps, per process,
  the user each (user id, backend, session hash) resolved to and the generation it was read at.
  A user is only reused while the generation is unchanged: deactivating a user, changing their
  password, their roles or anything else about them is a committed write and raises it, so the
  next request reads the user afresh through Django's own ``get_user`` (which verifies the
  session hash again). A request whose transaction holds uncommitted writes never uses it. Each
  request gets its own copy, so nothing one request sets on ``request.user`` reaches another.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.backends import db
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from . import pagecache

USER_CACHE_SIZE = 2000


class SessionStore(db.SessionStore):
    """Django's database sessions; the load also reads the data generation (one statement)."""

    data_generation: int | None = None

    def load(self) -> dict[str, Any]:
        if self.session_key is None:
            return {}
        connection = connections[DEFAULT_DB_ALIAS]
        sql = (
            f"SELECT s.session_data, g.value FROM {self.model._meta.db_table} s "  # noqa: S608 - table names
            f"LEFT JOIN {pagecache.GENERATION_TABLE} g ON g.name = %s "
            "WHERE s.session_key = %s AND s.expire_date > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [pagecache.GENERATION_NAME, self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # unknown or expired: a new session, as Django's store does
            return {}
        self.data_generation = row[1]  # None while the counter has no row: nothing is reused then
        return self.decode(row[0])


_users: dict[tuple[Any, ...], tuple[int, Any]] = {}


def cached_user(request: HttpRequest) -> Any:
    session = request.session
    user_id = session.get(auth.SESSION_KEY)  # loads the session (and the generation with it)
    generation = getattr(session, "data_generation", None)
    if user_id is None or generation is None or pagecache.pending_writes(connections[DEFAULT_DB_ALIAS]):
        return auth.get_user(request)
    key = (user_id, session.get(auth.BACKEND_SESSION_KEY), session.get(auth.HASH_SESSION_KEY))
    found = _users.get(key)
    if found is not None and found[0] == generation:
        return copy.copy(found[1])
    user = auth.get_user(request)  # Django's path: the backend, then the session hash verified
    if user.is_authenticated and session.get(auth.HASH_SESSION_KEY) == key[2]:
        if len(_users) >= USER_CACHE_SIZE:
            _users.clear()
        _users[key] = (generation, copy.copy(user))
    return user


def forget_users() -> None:
    _users.clear()


class CachedUserMiddleware(AuthenticationMiddleware):
    """``AuthenticationMiddleware`` whose ``request.user`` comes from ``cached_user``."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: cached_user(request))
