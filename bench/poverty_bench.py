"""Benchmark: the round overview and dashboard selectors on a seeded database.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaltara_bench .venv/bin/python bench/poverty_bench.py [--scale N]
Creates a throwaway test database, runs seed_demo at the given scale (timed), then times
each selector as province staff (the widest scope) and as kabupaten staff, best of 5 runs,
with the number of SQL queries each issues.

With ``--existing`` it uses the database of DATABASE_URL as it is (already seeded, e.g. at
``seed_demo --scale 50``: seeding a million families takes longer than one bench run should),
and also times the summary maintenance: rebuilding every village's statistics (the repair
command) and refreshing one village with the villages sharing its NIKs (what a finalisation adds).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaltara_portal.settings")
os.environ.setdefault("DEBUG", "1")


def best_of(fn, runs: int = 5) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    queries = 0
    for _ in range(runs):
        connection.queries_log.clear()  # a full log (9,000 after seeding) would hide the count
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            fn()
            timings.append(time.perf_counter() - started)
        queries = len(ctx.captured_queries)
    return min(timings) * 1000, queries


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--existing", action="store_true", help="use the seeded DATABASE_URL database as it is")
    parser.add_argument(
        "--regions",
        help="a region CSV imported after seeding (e.g. ../shared/data/kaltara_wilayah.csv): all 482 villages",
    )
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from accounts.models import User
    from poverty_data import selectors
    from poverty_data.models import Family, Member, Round, Submission
    from regions.models import Region

    old = None if args.existing else setup_databases(verbosity=0, interactive=False)
    try:
        started = time.perf_counter()
        if not args.existing:
            call_command("seed_demo", "--scale", str(args.scale), stdout=io.StringIO())
        seed_seconds = time.perf_counter() - started
        if args.regions:
            call_command("import_regions", args.regions, stdout=io.StringIO())
        province, kabupaten = User.objects.get(username="provinsi"), User.objects.get(username="kabupaten")
        current = Round.objects.open().get()
        bulungan = Region.objects.get(code="65.01")
        kecamatan = Region.objects.get(code="65.01.01")
        print(
            f"PostgreSQL {connection.pg_version // 10000}; scale {args.scale}: {Family.objects.count():,} families, "
            f"{Member.objects.count():,} members, {Submission.objects.count()} submissions, "
            f"{Region.objects.villages().count()} villages; "
            + ("existing database" if args.existing else f"seed_demo {seed_seconds:.1f} s")
        )
        try:
            from poverty_data import stats
        except ImportError:  # a checkout from before the summaries: selectors only
            stats = None
        if stats is not None and args.existing:
            started = time.perf_counter()
            rows = stats.village_stats_refresh()
            print(f"full rebuild of the village statistics: {time.perf_counter() - started:.1f} s, {rows} villages")
        cases = [
            ("round overview, province, by kabupaten", lambda: selectors.round_overview(round=current, user=province, parent=None)),
            ("round overview, province, kecamatan villages", lambda: selectors.round_overview(round=current, user=province, parent=kecamatan)),
            ("round overview, kabupaten staff", lambda: selectors.round_overview(round=current, user=kabupaten, parent=bulungan)),
            ("late villages, province", lambda: selectors.late_villages(round=current, user=province)),
            ("dashboard, province", lambda: selectors.dashboard(user=province, region=None)),
            ("dashboard, kabupaten staff", lambda: selectors.dashboard(user=kabupaten, region=bulungan)),
            ("review queue, province (count)", lambda: selectors.review_queue(user=province).count()),
            ("village list, province (all rows)", lambda: list(selectors.villages_visible(user=province, round=current))),
        ]  # fmt: skip
        if stats is not None:
            village = Submission.objects.filter(round=current).order_by("village_code").first().village_code
            cases += [
                ("refresh one village + NIK-sharing villages (finalisation)", lambda: stats.village_stats_refresh(
                    codes={village, *stats.villages_sharing_niks([village])})),
            ]  # fmt: skip
        for label, fn in cases:
            ms, queries = best_of(fn)
            print(f"{label}: {ms:.1f} ms, {queries} queries")
    finally:
        if old is not None:
            teardown_databases(old, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
