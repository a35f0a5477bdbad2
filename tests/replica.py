"""The tests' streaming replica: started with scripts/replica, waited for, paused and resumed.

``DATABASE_REPLICA_URL`` may name one; otherwise settings point the "replica" alias at
127.0.0.1:5433, where ``scripts/replica start`` makes one from the tests' own server (the machine's
server of DATABASE_URL, or the embedded one). A run that had to start it stops it at its end
(``stop_if_started``, from tests/conftest.py). Replay pauses stop the whole replica, so replica tests
of parallel test workers take turns (a file lock).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
STARTED_BY_TESTS = ROOT / "var" / "replica.started-by-tests"
# Machine-wide, like the replica's port: test runs of checkouts side by side take turns too.
TURNS = Path(tempfile.gettempdir()) / "kaltara-replica-tests.lock"


def _connect(alias: str, dbname: str = "postgres", **extra) -> psycopg.Connection:
    conf = settings.DATABASES[alias]
    return psycopg.connect(
        host=conf["HOST"] or None,
        port=conf["PORT"] or None,
        user=conf["USER"],
        password=conf["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
        **extra,
    )


def ensure_running() -> None:
    """Start the replica unless DATABASE_REPLICA_URL names one; check it replicates the tests' server."""
    if not os.environ.get("DATABASE_REPLICA_URL"):
        done = subprocess.run(  # noqa: S603 - our own script
            [str(ROOT / "scripts" / "replica"), "start"], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"scripts/replica start failed:\n{done.stdout}{done.stderr}")
        if "replica: started" in done.stdout:
            STARTED_BY_TESTS.touch()
    query = "SELECT system_identifier FROM pg_control_system()"
    with _connect("default") as primary, _connect("replica", connect_timeout=10) as replica:
        assert replica.execute("SELECT pg_is_in_recovery()").fetchone()[0], "the replica is not in recovery"
        assert primary.execute(query).fetchone() == replica.execute(query).fetchone(), (
            "the replica does not replicate the tests' server"
        )


def stop_if_started() -> None:
    if STARTED_BY_TESTS.exists():
        subprocess.run([str(ROOT / "scripts" / "replica"), "stop"], capture_output=True, check=False)  # noqa: S603
        STARTED_BY_TESTS.unlink(missing_ok=True)


@contextmanager
def turn() -> Iterator[None]:
    """One replica test at a time across test workers (a paused replay pauses them all)."""
    with TURNS.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def catch_up(timeout: float = 60) -> None:
    """Wait until the replica has replayed everything committed on the primary so far.

    The insert position, not the write position: with synchronous_commit off (the embedded server) a
    commit returns before its WAL is written, and the replica receives it a moment later.
    """
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        lsn = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    with _connect("replica") as replica:
        while not replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()[0]:
            if time.monotonic() > deadline:
                raise TimeoutError("the replica did not catch up with the primary")
            time.sleep(0.05)


@contextmanager
def replay_paused() -> Iterator[None]:
    """The replica stops applying the primary's changes (it lags) until the block ends."""
    with _connect("replica") as replica:
        replica.execute("SELECT pg_wal_replay_pause()")
        while replica.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()[0] != "paused":
            time.sleep(0.02)
        try:
            yield
        finally:
            replica.execute("SELECT pg_wal_replay_resume()")
