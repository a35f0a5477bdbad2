"""Where a page's CPU goes: render the key pages in this process and profile them.

Usage (PostgreSQL; the database must hold the demo, e.g. the load benchmark's):

    .venv/bin/python bench/profile_pages.py [--database-url postgres://postgres@127.0.0.1:5432/kaltara_load]
        [--runs 50] [--only "home:provinsi,organisation page"] [--profile] [--top 30] [--sort tottime]

Production settings as ``bench/load.py`` serves them (DEBUG off, cached template loader), one
request at a time through Django's WSGI handler (the test client, without the test environment's
template instrumentation), each user signed in once. Prints per page the CPU this process spent per
request (``time.process_time``: Python, templates, the database driver; not PostgreSQL's own
work) and the SQL queries of one request. With ``--profile`` it also prints the cProfile listing of
the runs of each page, sorted by ``--sort``: the functions that cost the most.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/kaltara_load")
    parser.add_argument("--runs", type=int, default=50, help="requests per page (after 3 warm-up requests)")
    parser.add_argument("--only", help="comma-separated page labels (as bench/load.py names them)")
    parser.add_argument("--profile", action="store_true", help="print the cProfile listing of each page")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime", help="cProfile sort key: tottime, cumulative, ...")
    args = parser.parse_args()
    static_root = tempfile.mkdtemp(prefix="kaltara-static-")
    os.environ.update(
        STATIC_ROOT=static_root,
        DJANGO_SETTINGS_MODULE="kaltara_portal.settings",
        DATABASE_URL=args.database_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS="0",
        CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
    )
    try:
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, check=True)
        return profile(args)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


def profile(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from load import resolve_pages

    from accounts.models import User

    pages = [p for p in resolve_pages() if p.user is not None or p.label == "healthz"]
    if args.only:
        wanted = {label.strip() for label in args.only.split(",")}
        pages = [p for p in pages if p.label in wanted]
    clients: dict[str | None, Client] = {None: Client(SERVER_NAME="127.0.0.1")}
    for page in pages:
        if page.user not in clients:
            clients[page.user] = Client(SERVER_NAME="127.0.0.1")
            clients[page.user].force_login(User.objects.get(username=page.user))
    print(f"{'page':<24} {'status':>6} {'queries':>7} {'CPU ms/req':>10} {'wall ms/req':>11}")
    for page in pages:
        client = clients[page.user]
        for _ in range(3):
            response = client.get(page.path)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page.path)
        queries = len(ctx.captured_queries)  # now: the next request empties the log
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(args.runs):
            client.get(page.path)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"{page.label:<24} {response.status_code:>6} {queries:>7} "
            f"{cpu * 1000 / args.runs:>10.2f} {wall * 1000 / args.runs:>11.2f}",
            flush=True,
        )
        if args.profile:  # a separate pass: the profiler's own overhead stays out of the figures above
            profiler = cProfile.Profile(time.process_time)  # CPU, as the figures above
            profiler.enable()
            for _ in range(args.runs):
                client.get(page.path)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
