"""National scale: the round overview and the poverty dashboard over ten million families.

Usage (after bench/national_data.py filled the database):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaltara_national .venv/bin/python bench/national_bench.py

Times each selector for the whole country and for one province (Jawa Tengah, 33, the most
villages; and Kalimantan Utara, 65, the portal's own), best of 5 runs after one cold run, with
its query count, as a national administrator (the ``nasional`` superuser the generator made).
The portal's round overview starts at its province (65) when no region is chosen; the whole
country is measured with the same aggregate over every village, grouped by province
(``country_overview`` below). Target: under 300 ms each. Not a test.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaltara_portal.settings")
os.environ.setdefault("DEBUG", "1")


def timed(fn, runs: int = 5) -> tuple[float, float, int]:
    """(cold ms, best warm ms, queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    fn()
    cold = (time.perf_counter() - started) * 1000
    best, queries = float("inf"), 0
    for _ in range(runs):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            fn()
            best = min(best, (time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
    return cold, best, queries


def country_overview(round):  # noqa: A002
    """selectors.round_overview's aggregate without its province root: every village, by province."""
    from django.db.models import Count, FilteredRelation, Q
    from django.db.models.functions import Substr

    from poverty_data.selectors import REACHED
    from poverty_data.selectors import S as St
    from regions.models import Region

    late_q = Q(sub__submitted_at__date__gt=round.submit_deadline)
    rows = list(
        Region.objects.villages()
        .annotate(sub=FilteredRelation("poverty_submissions", condition=Q(poverty_submissions__round=round)))
        .annotate(group=Substr("code", 1, 2))
        .values("group")
        .annotate(
            villages=Count("pk"),
            missing=Count("pk", filter=Q(sub__pk__isnull=True) | Q(sub__state=St.DRAFT)),
            submitted=Count("pk", filter=Q(sub__state__in=REACHED[St.SUBMITTED])),
            verified=Count("pk", filter=Q(sub__state__in=REACHED[St.VERIFIED])),
            approved=Count("pk", filter=Q(sub__state__in=REACHED[St.APPROVED])),
            finalised=Count("pk", filter=Q(sub__state=St.FINALISED)),
            on_time=Count("pk", filter=Q(sub__submitted_at__date__lte=round.submit_deadline)),
            late=Count("pk", filter=late_q),
        )
        .order_by("group")
    )
    names = dict(Region.objects.filter(code__in=[r["group"] for r in rows]).values_list("code", "name"))
    return [{**r, "name": names.get(r["group"])} for r in rows]


def java_village(region_model) -> str:
    return region_model.objects.villages().filter(code__startswith="33.").order_by("code").first().code


def main() -> int:
    import django

    django.setup()
    from django.db import connection

    from accounts.models import User
    from poverty_data import selectors, stats
    from poverty_data.models import Family, Member, Round, SubmissionChange, VillageStats
    from regions.models import Region

    admin = User.objects.get(username="nasional")
    current = Round.objects.open().get()
    java, kaltara = Region.objects.get(code="33"), Region.objects.get(code="65")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(
        f"PostgreSQL {version}; {Family.objects.count():,} families, {Member.objects.count():,} members, "
        f"{Region.objects.villages().count():,} villages, {VillageStats.objects.count():,} village summaries, "
        f"{current.submissions.count():,} submissions in the open round, {SubmissionChange.objects.count():,} "
        f"changes; load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}",
        flush=True,
    )
    cases = [
        ("round overview, whole country (by province)", lambda: country_overview(current)),
        ("round overview, Jawa Tengah (by kabupaten)", lambda: selectors.round_overview(round=current, user=admin, parent=java)),
        ("round overview, Kalimantan Utara (the portal's default)", lambda: selectors.round_overview(round=current, user=admin, parent=None)),
        ("dashboard, whole country (by kabupaten/kota)", lambda: selectors.dashboard(user=admin, region=None)),
        ("dashboard, Jawa Tengah", lambda: selectors.dashboard(user=admin, region=java)),
        ("dashboard, Kalimantan Utara", lambda: selectors.dashboard(user=admin, region=kaltara)),
    ]  # fmt: skip
    worst = 0.0
    for label, fn in cases:
        cold, best, queries = timed(fn)
        worst = max(worst, best)
        print(f"{label}: {best:.1f} ms (cold {cold:.1f} ms), {queries} queries", flush=True)
    # The price of the summaries is paid at finalisation: the village and the villages sharing a
    # NIK with it are recomputed (rewrites their rows with the same figures).
    village = "33.01.01.2001" if Region.objects.filter(code="33.01.01.2001").exists() else java_village(Region)
    refresh = lambda: stats.village_stats_refresh(codes={village, *stats.villages_sharing_niks([village])})  # noqa: E731
    cold, best, queries = timed(refresh)
    print(f"(write side) refresh one village + its NIK-sharing villages, as a finalisation does: {best:.1f} ms "
          f"(cold {cold:.1f} ms), {queries} queries", flush=True)  # fmt: skip
    print(f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    print(f"slowest: {worst:.0f} ms (target < 300 ms): {'met' if worst < 300 else 'MISSED'}")
    return 0 if worst < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
