"""Browser journeys against a live portal: a throwaway database with the demo data, static files
collected (whitenoise with its compressed manifest storage, as in production), DEBUG off, the
server and the task worker as separate processes, and Debian's Chromium driven by Playwright.

Run them with ``make e2e`` (``make test`` leaves them out). Screenshots go to test-artifacts/e2e/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.pg import database_url

from .browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, Journey

ROOT = Path(__file__).resolve().parents[2]


# The journeys' own database on the server the tests use, made afresh for each run.
E2E_DATABASE = "kaltara_e2e"


def _recreate_e2e_database() -> None:
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(E2E_DATABASE)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(E2E_DATABASE)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    def __init__(self, base_dir: Path):
        self.dir = base_dir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = base_dir / "server.log"
        self.worker_log_path = base_dir / "worker.log"
        self.processes: list[subprocess.Popen] = []
        # The server runs as in production, not as under pytest (which would pick the test settings:
        # immediate tasks, uncompressed static files).
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_SETTINGS_MODULE"))}
        env.update(
            DJANGO_SETTINGS_MODULE="kaltara_portal.settings",
            DATABASE_URL=os.environ.get("E2E_DATABASE_URL") or database_url(E2E_DATABASE),
            SECRET_KEY="e2e-throwaway-" + os.urandom(24).hex(),
            DEBUG="0",
            HTTPS="0",
            ALLOWED_HOSTS="127.0.0.1",
            STATIC_ROOT=str(base_dir / "static"),
            MEDIA_ROOT=str(base_dir / "media"),
            PYTHONUNBUFFERED="1",
            LOG_LEVEL="WARNING",
        )
        self.env = env

    def manage(self, *args: str, debug: bool = False) -> None:
        env = dict(self.env, DEBUG="1" if debug else "0")
        result = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")

    def prepare(self) -> None:
        if not os.environ.get("E2E_DATABASE_URL"):
            _recreate_e2e_database()
        self.manage("migrate", "--noinput", "-v", "0")
        # seed_demo's light variant (what the test suite uses): every kind of record, a small volume.
        # The demo users (known password) are only created with DEBUG on, like `manage.py seed_demo`.
        self.manage(
            "shell",
            "-c",
            "from kaltara_portal.demo import DemoContext, seed_all; seed_all(DemoContext(light=True, log=lambda l: None))",
            debug=True,
        )
        self.manage("collectstatic", "--noinput", "-v", "0")

    def start(self) -> None:
        python = sys.executable
        with self.log_path.open("w") as log:
            self.processes.append(
                subprocess.Popen(  # noqa: S603
                    [python, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        with self.worker_log_path.open("w") as log:
            self.processes.append(
                subprocess.Popen(  # noqa: S603
                    [python, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310 - local
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                self.stop()
                raise RuntimeError(f"the portal did not start:\n{self.log_path.read_text()}")
            time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    def log_offsets(self) -> tuple[int, int]:
        return self.log_path.stat().st_size, self.worker_log_path.stat().st_size

    def server_errors(self, since: tuple[int, int]) -> str:
        """What the server or the worker logged at ERROR level or with a traceback since ``since``."""
        found = []
        for path, offset in zip((self.log_path, self.worker_log_path), since, strict=True):
            with path.open("rb") as log:
                log.seek(offset)
                text = log.read().decode(errors="replace")
            if "Traceback" in text or "level=ERROR" in text:
                found.append(f"{path.name}:\n{text}")
        return "\n".join(found)


class RunningServer:
    """A portal already running (E2E_BASE_URL), for writing a journey: its logs are not watched."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")

    def log_offsets(self) -> tuple[int, int]:
        return 0, 0

    def server_errors(self, since: tuple[int, int]) -> str:
        return ""


@pytest.fixture(scope="session")
def live_portal(tmp_path_factory) -> Iterator[LiveServer | RunningServer]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    if url := os.environ.get("E2E_BASE_URL"):
        yield RunningServer(url)
        return
    server = LiveServer(tmp_path_factory.mktemp("e2e"))
    started = time.monotonic()
    server.prepare()
    server.start()
    print(f"\nportal ready at {server.url} in {time.monotonic() - started:.1f}s")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def fresh_artifacts():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def journey(request, live_portal, chromium) -> Iterator[Journey]:
    log_offset = live_portal.log_offsets()
    journey = Journey(chromium, live_portal.url, request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_"))
    yield journey
    journey.close()
    journey.report()
    errors = live_portal.server_errors(log_offset)
    assert not errors, f"the server logged an error:\n{errors}"
    journey.assert_clean()
