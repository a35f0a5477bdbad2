"""Load benchmark: the pages staff use most, through gunicorn, at 20 concurrent connections.

Usage (PostgreSQL only; wrk must be installed: apt-get install wrk):

    .venv/bin/python bench/load.py [--database-url postgres://postgres@127.0.0.1:5432/kaltara_load]
        [--scale 50] [--duration 20] [--connections 20] [--workers 2*cores+1] [--only home:provinsi,healthz]

1. Migrates the database and, unless it already holds the demo at that scale, runs
   ``seed_demo --scale N`` (about a million families at 50: ~11 minutes on 2 cores).
2. Collects the static files into a temporary STATIC_ROOT and serves the portal with gunicorn
   on 127.0.0.1 with production settings (DEBUG off, a SECRET_KEY, ALLOWED_HOSTS=127.0.0.1,
   persistent database connections: CONN_MAX_AGE, health checks on), sync workers.
3. Logs the demo users in through the login form (password demo12345) and keeps their session
   cookies.
4. Counts the SQL queries of one request per page (Django test client in this process, same
   database and session, CaptureQueriesContext): nothing is added to the served portal. For the
   pages the page cache keeps (kaltara_portal.pagecache) it counts a rendering and a cached answer.
5. Drives each page with wrk for a bounded time (a short warm-up first), loopback only, and
   ``/healthz`` (one request through the whole stack, one query) before and after as the floor.

Prints per page: requests/s, p50, p95, non-2xx responses (+ socket errors), SQL queries per
request, the CPU the gunicorn workers spent per request (user + system, from /proc: unlike
latency it barely depends on what else the machine runs), and the throughput as a share of
/healthz; then whether the targets hold (no errors, p95 < 150 ms, every page >= 30% of
/healthz). Not a test: it measures the machine it runs on, with its load average.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PASSWORD = "demo12345"  # noqa: S105 - the demo users' documented password
USERS = ["provinsi", "kabupaten", "pengurus", "kades", "perusahaan"]
FAMILIES_PER_SCALE = 19_800  # seed_demo: 330 families per demo village, 60 villages

# wrk counts non-2xx per thread in response(); done() sums them over the threads.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"non2xx": %d, "socket_errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, b, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Page:
    label: str
    user: str | None  # None: anonymous
    path: str = ""
    queries: str | None = None  # rendered, or "rendered / from the page cache"
    status: int | None = None
    bytes: int = 0
    result: dict = field(default_factory=dict)


def sh(cmd: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kwargs)


def machine() -> str:
    nproc = os.cpu_count()
    mem = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return f"{nproc} cores, {mem / 1024 / 1024:.0f} GiB RAM"


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def server_env(args: argparse.Namespace, static_root: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="kaltara_portal.settings",
        DATABASE_URL=args.database_url,
        DEBUG="0",
        SECRET_KEY=args.secret_key,
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS="0",  # plain HTTP on loopback: no redirect to https, cookies not marked Secure
        CONN_MAX_AGE=str(args.conn_max_age),
        STATIC_ROOT=static_root,
        LOG_LEVEL="WARNING",
        PAGE_CACHE_SECONDS=str(args.page_cache_seconds),
    )
    return env


def ensure_seeded(args: argparse.Namespace, env: dict[str, str]) -> None:
    sh([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    from accounts.models import User
    from poverty_data.models import Family

    families = Family.objects.count()
    wanted = FAMILIES_PER_SCALE * args.scale
    if User.objects.filter(username="provinsi").exists() and families >= wanted * 0.95:
        print(f"database already seeded: {families:,} families (scale {args.scale} makes about {wanted:,})")
        return
    print(f"seeding: seed_demo --scale {args.scale} (found {families:,} families) ...", flush=True)
    started = time.perf_counter()
    sh([PYTHON, "manage.py", "seed_demo", "--scale", str(args.scale)], {**env, "DEBUG": "1"})
    print(f"seeded in {time.perf_counter() - started:.0f} s")


def resolve_pages() -> list[Page]:
    """The pages and who asks for them; ids looked up in the seeded database."""
    from django.urls import reverse

    from csr.models import Proposal
    from organisations.models import Organisation
    from poverty_data.models import Round
    from regions.models import Region

    village = Region.objects.get(code="65.01.01.2005")  # Gunung Putih: the demo officer's and village head's
    organisation = Organisation.objects.filter(region=village).order_by("pk").first()
    current = Round.objects.open().order_by("-pk").first()
    proposal = Proposal.objects.filter(state="submitted").order_by("pk").first()
    pages = [Page("healthz", None, reverse("healthz"))]
    pages += [Page(f"home:{user}", user, reverse("home")) for user in USERS]
    pages += [
        Page("organisation list", "provinsi", reverse("organisations:list")),
        Page("organisation page", "provinsi", reverse("organisations:detail", args=[organisation.pk])),
        Page("village page", "provinsi", reverse("poverty_data:village", args=[village.pk])),
        Page("review queue", "provinsi", reverse("poverty_data:queue")),
        Page("round overview", "provinsi", reverse("poverty_data:round", args=[current.pk])),
        Page("poverty dashboard", "provinsi", reverse("poverty_data:dashboard")),
        Page("matching (proposal)", "provinsi", reverse("csr:proposal_matching", args=[getattr(proposal, "pk", 0)])),
        Page("synchronisation board", "provinsi", reverse("csr:board")),
    ]
    return pages


def login(base: str, username: str) -> dict[str, str]:
    """Logs in through the form like a browser; returns the cookies (session and CSRF)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    url = f"{base}/akun/masuk/"
    html = opener.open(url, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(url, data=data.encode(), headers={"Referer": url})  # noqa: S310 - loopback
    response = opener.open(request, timeout=60)
    cookies = {c.name: c.value for c in jar}
    if response.url.endswith("/akun/masuk/") or "sessionid" not in cookies:
        raise SystemExit(f"login failed for {username}")
    return cookies


def count_queries(pages: list[Page], cookies: dict[str, dict[str, str]]) -> None:
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for page in pages:
        client = Client(SERVER_NAME="127.0.0.1")
        for name, value in cookies.get(page.user, {}).items():
            client.cookies[name] = value
        client.get(page.path)  # the first request of a process loads templates and translations
        caches["default"].clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page.path)  # rendered (a cached page: stored)
        page.queries, page.status, page.bytes = (
            str(len(ctx.captured_queries)),
            response.status_code,
            len(response.content),
        )
        if response.get("X-Page-Cache") == "miss":
            with CaptureQueriesContext(connection) as ctx:
                client.get(page.path)  # served from the page cache
            page.queries += f" / {len(ctx.captured_queries)}"
        if response.status_code != 200:
            raise SystemExit(f"{page.label}: {page.path} answered {response.status_code} to the test client")


def wrk(base: str, page: Page, cookies: dict[str, str], args: argparse.Namespace, script: str, seconds: int) -> dict:
    cmd = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds}s", "--timeout", "10s"]
    cmd += ["-s", script]
    if cookies:
        cmd += ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())]
    out = subprocess.run([*cmd, base + page.path], capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def worker_cpu_seconds(master: int) -> float:
    """CPU time (user + system) used so far by the gunicorn master's worker processes."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


@contextlib.contextmanager
def writer(per_second: float):
    """While the block runs, a committed write ``per_second`` times a second (0: none).

    Each raises the data generation as any change to the portal's data does, so every page the
    page cache holds is rendered again after it: the figures then show the cache under edits.
    """
    if per_second <= 0:
        yield
        return
    from kaltara_portal import pagecache

    stop = threading.Event()

    def run() -> None:
        from django.db import connection

        while not stop.wait(1 / per_second):
            pagecache.bump()
        connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("gunicorn exited")
        try:
            if urllib.request.urlopen(base + "/healthz", timeout=2).status == 200:  # noqa: S310 - loopback
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/kaltara_load")
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--duration", type=int, default=20, help="seconds of load per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each measurement")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--conn-max-age", type=int, default=600)
    parser.add_argument(
        "--page-cache-seconds",
        type=int,
        default=60,
        help="how long the served portal keeps a rendered page (0: every request renders; the settings' default is 60)",
    )
    parser.add_argument(
        "--writes-per-second",
        type=float,
        default=0,
        help="commit a change this often while each page is measured (the page cache renders again after each)",
    )
    parser.add_argument("--only", help="comma-separated page labels (healthz is always measured)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--no-seed", action="store_true", help="never seed (migrate only; fail if the data is missing)")
    args = parser.parse_args()
    args.secret_key = secrets.token_urlsafe(50)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the load benchmark runs on PostgreSQL (persistent connections, production-like)")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    static_root = tempfile.mkdtemp(prefix="kaltara-static-")
    env = server_env(args, static_root)
    os.environ.update(env)  # this process shares the server's settings (the query counts, the data)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    if not args.no_seed:
        ensure_seeded(args, env)
    else:
        sh([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)  # the code's tables, never data
    sh([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    pages = resolve_pages()
    if args.only:
        wanted = {label.strip() for label in args.only.split(",")}
        pages = [p for p in pages if p.label in wanted or p.label == "healthz"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM poverty_data_family")
        families = cursor.fetchone()[0]
    connection.close()

    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "kaltara_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write(WRK_SCRIPT)
    script.close()
    try:
        wait_until_up(base, server)
        cookies = {user: login(base, user) for user in USERS}
        count_queries(pages, cookies)
        connection.close()
        print(
            f"machine: {machine()}; PostgreSQL {pg_version}; {families:,} families; gunicorn {args.workers} sync "
            f"workers; wrk {args.threads} threads, {args.connections} connections, {args.duration} s per page "
            f"(+{args.warmup} s warm-up); page cache {args.page_cache_seconds} s, {args.writes_per_second:g} writes/s; "
            f"load average before: {loadavg()}",
            flush=True,
        )
        healthz = pages[0]
        order = [*pages, Page("healthz (again)", None, healthz.path, healthz.queries, healthz.status, healthz.bytes)]
        for page in order:
            page_cookies = cookies.get(page.user, {})
            if args.warmup:
                wrk(base, page, page_cookies, args, script.name, args.warmup)
            cpu_before = worker_cpu_seconds(server.pid)
            with writer(args.writes_per_second):
                page.result = wrk(base, page, page_cookies, args, script.name, args.duration)
            r = page.result
            r["app_cpu_ms"] = (worker_cpu_seconds(server.pid) - cpu_before) * 1000 / max(r["requests"], 1)
            print(
                f"  {page.label:<24} {r['rps']:8.1f} req/s  p50 {r['p50_us'] / 1000:6.1f} ms  "
                f"p95 {r['p95_us'] / 1000:6.1f} ms  errors {r['non2xx'] + r['socket_errors']}  "
                f"queries {page.queries}  app CPU {r['app_cpu_ms']:.1f} ms/req  (load {loadavg()})",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        os.unlink(script.name)
        shutil.rmtree(static_root, ignore_errors=True)

    floor = (order[0].result["rps"] + order[-1].result["rps"]) / 2
    print(f"\n/healthz floor: {floor:.1f} req/s (mean of the first and last run); load average after: {loadavg()}")
    print("| page | user | req/s | p50 ms | p95 ms | errors | queries | app CPU ms/req | vs /healthz |\n|" + "---|" * 9)
    misses = []
    rows = []
    for page in order:
        r = page.result
        ratio = r["rps"] / floor
        errors = r["non2xx"] + r["socket_errors"]
        print(
            f"| {page.label} | {page.user or '-'} | {r['rps']:,.0f} | {r['p50_us'] / 1000:.1f} | "
            f"{r['p95_us'] / 1000:.1f} | {errors} | {page.queries} | {r['app_cpu_ms']:.1f} | {ratio:.0%} |"
        )
        rows.append({"label": page.label, "user": page.user, "path": page.path, "queries": page.queries, **r})
        if errors:
            misses.append(f"{page.label}: {errors} errors")
        if r["p95_us"] >= 150_000:
            misses.append(f"{page.label}: p95 {r['p95_us'] / 1000:.0f} ms >= 150 ms")
        if not page.label.startswith("healthz") and ratio < 0.30:
            misses.append(f"{page.label}: {ratio:.0%} of /healthz < 30%")
    print("\ntargets: " + ("all met" if not misses else "MISSED: " + "; ".join(misses)))
    if args.json:
        Path(args.json).write_text(
            json.dumps({"machine": machine(), "postgresql": pg_version, "families": families, "pages": rows}, indent=1)
        )
    return 0 if not misses else 1


if __name__ == "__main__":
    sys.exit(main())
