"""Benchmark: import the national region list (91,599 rows) with import_regions.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaltara_bench .venv/bin/python bench/import_regions_bench.py [FILE]
Creates a throwaway test database, imports the file twice (first load, then the idempotent
re-import) and prints the figures. Reads ../shared/data/indonesia_wilayah.csv by default.
"""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaltara_portal.settings")
os.environ.setdefault("DEBUG", "1")


def main() -> int:
    default = ROOT.parent / "shared" / "data" / "indonesia_wilayah.csv"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    if not path.exists():
        print(f"skipped: {path} is not present")
        return 0
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from regions.models import Region

    old = setup_databases(verbosity=0, interactive=False)
    try:
        figures = []
        for label in ("first import", "re-import (no change)"):
            started = time.perf_counter()
            call_command("import_regions", str(path), stdout=io.StringIO())
            figures.append((label, time.perf_counter() - started))
        rows = Region.objects.count()
        started = time.perf_counter()
        n = Region.objects.within("65.01").count()
        prefix_ms = (time.perf_counter() - started) * 1000
        print(f"PostgreSQL {connection.pg_version // 10000}; regions: {rows:,}")
        for label, seconds in figures:
            print(f"{label}: {seconds:.2f} s ({rows / seconds:,.0f} rows/s)")
        print(f"prefix query within 65.01: {n} regions in {prefix_ms:.1f} ms")
        print(
            f"result: {rows} rows, first {figures[0][1]:.2f} s, again {figures[1][1]:.2f} s, "
            f"ratio again/first {figures[1][1] / figures[0][1]:.2f}"
        )
    finally:
        teardown_databases(old, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
