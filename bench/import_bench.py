"""Benchmark of the poverty-list import (issue #5), on PostgreSQL. Not a test.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaltara_bench .venv/bin/python bench/import_bench.py [N]

Generates a deterministic file of N members (default 1,000,000, about 250,000 families)
across the villages of ../shared/data/indonesia_wilayah.csv (or the Kaltara list, or the
demo regions), then in one run on a throwaway database times:
  (a) the portal's `import_families` command on the whole file, in its own process
      (wall time and peak memory of that process);
  (b) django-import-export's import of the first 20,000 rows into the same models
      (families, then members), extrapolated to N;
  (c) COPY of the raw file into an unconstrained table: the floor.
The last line prints the ratios against the targets: (a) within 3x of (c), at least 20x
faster than (b), peak memory under 300 MB.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaltara_portal.settings")
os.environ.setdefault("DEBUG", "1")
SHARED = ROOT.parent / "shared" / "data"
IMPORT_EXPORT_ROWS = 20_000


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    if connection.vendor != "postgresql":
        print("skipped: this benchmark compares against PostgreSQL COPY; set DATABASE_URL to PostgreSQL")
        return 0
    from bench.poverty_file import write_members
    from poverty_data.models import Round
    from regions.models import Level, Region

    old = setup_databases(verbosity=0, interactive=False)
    try:
        regions_file = next(
            (p for p in (SHARED / "indonesia_wilayah.csv", SHARED / "kaltara_wilayah.csv") if p.exists()), None
        )
        if regions_file:
            call_command("import_regions", str(regions_file), stdout=io.StringIO())
        else:
            from kaltara_portal.demo import DemoContext
            from regions import demo

            demo.seed(DemoContext(log=lambda s: None))
        villages = list(
            Region.objects.filter(level=Level.DESA_KELURAHAN).order_by("code").values_list("code", flat=True)
        )
        path = Path(f"/tmp/kaltara-bench-members-{n}.csv")
        started = time.perf_counter()
        written = write_members(path, n, villages)
        print(
            f"file: {written:,} members over {len(villages):,} villages, {path.stat().st_size / 1e6:.0f} MB "
            f"({time.perf_counter() - started:.1f} s to generate)"
        )
        today = dt.date.today()  # noqa: DTZ011
        round_ = Round.objects.create(
            name="Bench", period_start=today, period_end=today, submit_deadline=today, verify_deadline=today,
            approve_deadline=today, finalise_deadline=today,
        )  # fmt: skip

        # (c) the floor: COPY into an unconstrained table.
        with connection.cursor() as cursor:
            cursor.execute("CREATE UNLOGGED TABLE bench_raw (" + ", ".join(f"c{i} text" for i in range(14)) + ")")
            started = time.perf_counter()
            with (
                path.open("rb") as fh,
                cursor.cursor.copy("COPY bench_raw FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            ):
                while chunk := fh.read(1024 * 1024):
                    copy.write(chunk)
            copy_s = time.perf_counter() - started
            cursor.execute("DROP TABLE bench_raw")
        print(f"(c) COPY floor: {copy_s:.2f} s ({written / copy_s:,.0f} rows/s)")

        # (a) the portal's import command, in its own process.
        db = settings.DATABASES["default"]
        env = dict(
            os.environ, DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}", DEBUG="1"
        )
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "import_families", str(path), "--round", str(round_.pk)],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        portal_s = time.perf_counter() - started
        peak_mb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
        if result.returncode != 0:
            print(result.stdout[-2000:], result.stderr[-2000:])
            return 1
        print(f"(a) portal import: {portal_s:.1f} s ({written / portal_s:,.0f} rows/s), peak memory {peak_mb:.0f} MB")
        print("    " + result.stdout.strip().replace("\n", "\n    "))
        # The import's own log: how long each step took.
        for line in result.stderr.splitlines():
            if " in " in line and "logger=poverty_imports" in line:
                print("    step: " + line.split(": ", 1)[-1])

        # (b) django-import-export on the first rows, extrapolated.
        ie_s, ie_rows = import_export_rate(path, IMPORT_EXPORT_ROWS)
        ie_total = ie_s * written / ie_rows
        print(
            f"(b) django-import-export: {ie_rows:,} rows in {ie_s:.1f} s ({ie_rows / ie_s:,.0f} rows/s), "
            f"{ie_total / 60:.1f} min extrapolated to {written:,}"
        )
        print(
            f"result: portal {portal_s:.1f} s = {portal_s / copy_s:.1f}x COPY (target <= 3x), "
            f"{ie_total / portal_s:.0f}x faster than django-import-export (target >= 20x), "
            f"peak {peak_mb:.0f} MB (target < 300 MB)"
        )
    finally:
        teardown_databases(old, verbosity=0)
    return 0


def import_export_rate(path: Path, rows: int) -> tuple[float, int]:
    """django-import-export 4 importing ``rows`` member rows: their families first, then the members."""
    import tablib
    from import_export import fields, resources, widgets

    from poverty_data.models import Family, Member
    from regions.models import Region

    relationship = {"Kepala Keluarga": "head", "Istri": "spouse", "Suami": "spouse", "Anak": "child"}

    class FamilyResource(resources.ModelResource):
        village = fields.Field(
            attribute="village", column_name="kode_desa", widget=widgets.ForeignKeyWidget(Region, "code")
        )
        no_kk = fields.Field(attribute="no_kk", column_name="no_kk")
        dusun = fields.Field(attribute="dusun", column_name="dusun")
        rt = fields.Field(attribute="rt", column_name="rt")
        rw = fields.Field(attribute="rw", column_name="rw")
        desil = fields.Field(attribute="desil", column_name="desil")

        class Meta:
            model = Family
            fields = ("no_kk", "village", "dusun", "rt", "rw", "desil")
            import_id_fields = ("no_kk",)

        def before_save_instance(self, instance, row, **kwargs):
            instance.village_code = instance.village.code

    class MemberResource(resources.ModelResource):
        family = fields.Field(attribute="family", column_name="no_kk", widget=widgets.ForeignKeyWidget(Family, "no_kk"))
        nik = fields.Field(attribute="nik", column_name="nik")
        name = fields.Field(attribute="name", column_name="nama")
        sex = fields.Field(attribute="sex", column_name="jenis_kelamin")
        birth_date = fields.Field(
            attribute="birth_date", column_name="tanggal_lahir", widget=widgets.DateWidget("%d-%m-%Y")
        )
        relationship = fields.Field(attribute="relationship", column_name="hubungan_keluarga")

        class Meta:
            model = Member
            fields = ("family", "nik", "name", "sex", "birth_date", "relationship")
            import_id_fields = ("nik",)

        def before_import_row(self, row, **kwargs):
            row["hubungan_keluarga"] = relationship.get(row["hubungan_keluarga"], "other")

    with path.open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        data = [next(reader) for _ in range(rows)]
    families = tablib.Dataset(headers=header)
    seen = set()
    for row in data:
        if row[0] not in seen:
            seen.add(row[0])
            families.append(row)
    members = tablib.Dataset(*data, headers=header)
    started = time.perf_counter()
    result = FamilyResource().import_data(families, raise_errors=True)
    result = MemberResource().import_data(members, raise_errors=True)
    seconds = time.perf_counter() - started
    assert not result.has_errors()
    return seconds, len(data)


if __name__ == "__main__":
    sys.exit(main())
