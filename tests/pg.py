"""The URL of the database the tests run on, for the scripts and processes a test starts."""

from __future__ import annotations

from django.db import connection


def database_url(name: str | None = None) -> str:
    """A libpq URL for ``name`` (default: the test database) on the server the tests use."""
    s = connection.settings_dict
    name = name or s["NAME"]
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    if s["HOST"].startswith("/"):  # a Unix socket (the private PostgreSQL of local_postgres)
        return f"postgresql://{auth}@/{name}?host={s['HOST']}"
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"
