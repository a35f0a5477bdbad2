"""Benchmark of the poverty-list import (issues #5 and #13), on PostgreSQL. Not a test.

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaltara_bench .venv/bin/python bench/import_bench.py [N]
  DATABASE_URL=... .venv/bin/python bench/import_bench.py [N] --into kaltara_imp_big

Without ``--into``: generates a deterministic file of N members (default 1,000,000, about 286,000
families) across the villages of ../shared/data/indonesia_wilayah.csv (or the Kaltara list, or the
demo regions) and, in one run on a throwaway database with no families, times:
  (c) COPY of the raw file into an unconstrained table: the floor;
  (a) the portal's ``import_families`` command, each in its own process (wall time, step times and
      peak memory of that process): the first 100,000 rows, a kabupaten's file (100,000 rows over the
      villages of one kabupaten) and the whole file;
  (b) django-import-export's import of the first 20,000 rows into the same models (families, then
      members), extrapolated to N.
  (v) a village's file (1,000 rows) from upload to report: the upload posted with Django's test client,
      the import's job run inline (without the worker's polling), the import's page and report fetched.

With ``--into DB``: imports into that existing database (a copy of a portal seeded with
``seed_demo --scale 50``: about a million families; never the seeded database itself), a file of N
rows over its villages of which about 30% are the members of families it already holds (so the check
against the portal has work to do, and corrections are compared), then a 100,000-row file of one
kabupaten. ``--valid-only`` imports are used there: the generated new NIKs may meet the portal's.

The machine is shared: the load average is printed with the figures. The last line prints the
targets with pass or fail.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import re
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
KABUPATEN_ROWS = 100_000
VILLAGE_ROWS = 1_000
TARGET_COPY_RATIO, TARGET_KABUPATEN_S, TARGET_PEAK_MB, TARGET_VS_IE, TARGET_VILLAGE_S = 5.0, 3.0, 500, 200, 1.0


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--into", help="an existing database holding a seeded portal (a copy, never the original)")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        return child(args.child)
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("skipped: this benchmark compares against PostgreSQL COPY; set DATABASE_URL to PostgreSQL")
        return 0
    if args.into:
        return into_portal(args.n, args.into)
    return empty_portal(args.n)


def child(argv: list[str]) -> int:
    """Run ``import_families`` in this process and report its peak memory (the parent reads the last line)."""
    import django

    django.setup()
    from django.core.management import CommandError, call_command

    try:
        call_command("import_families", *argv)
    except CommandError as exc:
        print(exc, file=sys.stderr)
        print(f"peak-mb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", file=sys.stderr)
        return exc.returncode
    except SystemExit as exc:
        print(f"peak-mb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", file=sys.stderr)
        return int(exc.code or 0)
    print(f"peak-mb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", file=sys.stderr)
    return 0


def run_import(label: str, path: Path, rows: int, round_id: int, db: str, *extra: str) -> tuple[float, float]:
    """(seconds, peak MB) of ``import_families`` on ``path`` into ``db``, in a process of its own."""
    from django.conf import settings

    conf = settings.DATABASES["default"]
    env = dict(os.environ, DATABASE_URL=f"postgres://{conf['USER']}@{conf['HOST']}:{conf['PORT']}/{db}", DEBUG="1")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(path), "--round", str(round_id), *extra],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    peak = float(re.findall(r"peak-mb (\d+)", result.stderr)[-1]) if "peak-mb" in result.stderr else 0.0
    # The import's own time, as the command reports it (without starting Python and Django: about 1.5 s).
    own = re.findall(r"(\d+\.\d) (?:s|detik)\.", result.stdout + result.stderr)
    seconds = float(own[-1]) if own else wall
    print(
        f"(a) {label}: {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s; {wall:.1f} s with the "
        f"process start), peak memory {peak:.0f} MB"
    )
    print("    " + (result.stdout.strip() or result.stderr.strip()[-600:]).replace("\n", "\n    "))
    for line in result.stderr.splitlines():
        if " in " in line and ("logger=poverty_imports" in line or "logger=poverty_data" in line):
            print("    step: " + line.split(": ", 1)[-1])
    print(f"    ({load()})")
    if result.returncode not in (0, 1):
        raise SystemExit(result.stderr[-3000:])
    return seconds, peak


def copy_floor(path: Path) -> float:
    from django.db import connection

    with path.open(encoding="utf-8") as fh:
        width = len(next(csv.reader(fh)))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw")
        cursor.execute("CREATE UNLOGGED TABLE bench_raw (" + ", ".join(f"c{i} text" for i in range(width)) + ")")
        started = time.perf_counter()
        with (
            path.open("rb") as fh,
            cursor.cursor.copy("COPY bench_raw FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := fh.read(1024 * 1024):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_raw")
    return seconds


def new_round() -> int:
    from poverty_data.models import Round

    today = dt.date.today()  # noqa: DTZ011
    round_ = Round.objects.create(
        name=f"Bench {time.time():.0f}", period_start=today, period_end=today, submit_deadline=today,
        verify_deadline=today, approve_deadline=today, finalise_deadline=today,
    )  # fmt: skip
    return round_.pk


def head(path: Path, rows: int, out: Path) -> Path:
    with path.open(encoding="utf-8") as source, out.open("w", encoding="utf-8") as target:
        for _ in range(rows + 1):
            line = source.readline()
            if not line:
                break
            target.write(line)
    return out


def village_upload(code: str, path: Path, *, valid_only: bool = False) -> float:
    """A village's file from upload to report, as the browser asks for it (Django's test client, in this
    process): the upload posted, the import's job run inline (the worker's part, without its polling), the
    import's page and its report downloaded. Seconds from the upload's first byte to the report's last."""
    from django.test import Client
    from django.urls import reverse

    from accounts.models import Role
    from accounts.services import role_assign, user_ensure
    from poverty_data.models import Round
    from poverty_imports.models import ImportBatch, ImportStatus
    from poverty_imports.services.jobs import run_import

    admin = user_ensure(username="bench-admin", email="bench-admin@example.com", is_superuser=True)
    role_assign(user=admin, role=Role.ADMINISTRATOR)
    client = Client(SERVER_NAME="localhost")
    client.force_login(admin)
    round_ = Round.objects.get(pk=new_round())
    client.get(reverse("poverty_imports:new"))  # warm: the first request loads the templates
    started = time.perf_counter()
    with path.open("rb") as fh:
        posted = client.post(
            reverse("poverty_imports:new") + f"?desa={code}",
            {"round": round_.pk, "village": code, "file": fh, "sheet": "", **({"valid_only": "on"} if valid_only else {})},
        )  # fmt: skip
    uploaded = time.perf_counter()
    batch = ImportBatch.objects.filter(round=round_).get()
    run_import.call(job_id=str(batch.job_id))
    ran = time.perf_counter()
    page = client.get(posted["Location"])
    report = b"".join(client.get(reverse("poverty_imports:report", args=[batch.pk])).streaming_content)
    seconds = time.perf_counter() - started
    batch.refresh_from_db()
    assert posted.status_code == 302 and page.status_code == 200 and batch.status == ImportStatus.IMPORTED, batch
    print(
        f"(v) a village's file ({VILLAGE_ROWS:,} rows, {code}) from upload to report: {seconds:.2f} s "
        f"(upload {uploaded - started:.2f} s, import job {ran - uploaded:.2f} s, page and report "
        f"{seconds - (ran - started):.2f} s; {batch.changes_created} changes, report {len(report):,} bytes) ({load()})"
    )
    return seconds


def targets(
    copy_s: float, full_s: float, kab_s: float, peak_1m: float, ie_total: float | None, n: int, village_s: float
) -> str:
    def verdict(ok: bool) -> str:
        return "pass" if ok else "FAIL"

    parts = [
        f"{n:,} rows {full_s / copy_s:.1f}x COPY (target <= {TARGET_COPY_RATIO:.0f}x: {verdict(full_s / copy_s <= TARGET_COPY_RATIO)})",
        f"kabupaten 100k {kab_s:.1f} s (target < {TARGET_KABUPATEN_S:.0f} s: {verdict(kab_s < TARGET_KABUPATEN_S)})",
        f"peak {peak_1m:.0f} MB (target < {TARGET_PEAK_MB} MB: {verdict(peak_1m < TARGET_PEAK_MB)})",
        f"village 1k upload to report {village_s:.2f} s (target < {TARGET_VILLAGE_S:.0f} s: "
        f"{verdict(village_s < TARGET_VILLAGE_S)})",
    ]
    if ie_total is not None:
        parts.append(f"{ie_total / full_s:.0f}x django-import-export (target >= {TARGET_VS_IE}x: "
                     f"{verdict(ie_total / full_s >= TARGET_VS_IE)})")  # fmt: skip
    return "result: " + "; ".join(parts) + f" [{load()}]"


def empty_portal(n: int) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from bench.poverty_file import write_members
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
        # One kabupaten's file: the kabupaten with the most villages.
        counts: dict[str, int] = {}
        for code in villages:
            counts[code[:5]] = counts.get(code[:5], 0) + 1
        kabupaten = max(counts, key=lambda k: counts[k])
        kab_path = Path(f"/tmp/kaltara-bench-kabupaten-{kabupaten}.csv")
        write_members(kab_path, KABUPATEN_ROWS, [v for v in villages if v.startswith(kabupaten + ".")], seed=7)
        village_path = Path("/tmp/kaltara-bench-village.csv")
        write_members(village_path, VILLAGE_ROWS, [villages[len(villages) // 2]], seed=5)
        db = connection.settings_dict["NAME"]
        print(f"({load()})")
        village_s = village_upload(villages[len(villages) // 2], village_path)

        copy_s = copy_floor(path)
        print(f"(c) COPY floor: {copy_s:.2f} s ({written / copy_s:,.0f} rows/s)")
        small = min(100_000, written)
        small_path = head(path, small, Path(f"/tmp/kaltara-bench-members-{n}-first-{small}.csv"))
        _s, peak_100k = run_import(f"first {small:,} rows", small_path, small, new_round(), db)
        kab_s, _p = run_import(f"kabupaten {kabupaten} ({counts[kabupaten]} villages)", kab_path, KABUPATEN_ROWS,
                               new_round(), db)  # fmt: skip
        full_s, peak_1m = run_import("whole file", path, written, new_round(), db)
        print(f"    peak memory: {peak_100k:.0f} MB at {small:,} rows, {peak_1m:.0f} MB at {written:,} rows")

        ie_total = None
        try:
            ie_s, ie_rows = import_export_rate(path, IMPORT_EXPORT_ROWS)
        except ImportError:
            print('(b) django-import-export: not installed (pip install -e ".[bench]")')
        else:
            ie_total = ie_s * written / ie_rows
            print(
                f"(b) django-import-export: {ie_rows:,} rows in {ie_s:.1f} s ({ie_rows / ie_s:,.0f} rows/s), "
                f"{ie_total / 60:.1f} min extrapolated to {written:,}"
            )
        print(targets(copy_s, full_s, kab_s, peak_1m, ie_total, written, village_s))
    finally:
        teardown_databases(old, verbosity=0)
    return 0


def into_portal(n: int, database: str) -> int:
    """Import into a copy of a seeded portal: a file partly made of the families it holds."""
    from django.db import connection

    from bench.poverty_file import HEADER, write_members

    if database == "kaltara_load":
        raise SystemExit("never write to kaltara_load itself: make a copy (create database … template kaltara_load)")
    connection.close()
    connection.settings_dict["NAME"] = database
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM poverty_data_family WHERE status = 'active'")
        families = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM poverty_data_member")
        members = cursor.fetchone()[0]
        cursor.execute("SELECT DISTINCT village_code FROM poverty_data_family ORDER BY 1")
        villages = [code for (code,) in cursor.fetchall()]
    print(f"portal {database}: {families:,} active families, {members:,} members, {len(villages)} villages ({load()})")

    def write(path: Path, rows: int, codes: list[str], seed: int) -> int:
        """About 30% of ``rows`` from the portal's families (whole, present members, names sometimes
        corrected), the rest new families in the same villages."""
        existing = int(rows * 0.3)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT f.no_kk, m.nik, m.name, m.sex, to_char(m.birth_date, 'DD-MM-YYYY'), m.relationship,
                       f.village_code, f.id
                FROM poverty_data_family f JOIN poverty_data_member m ON m.family_id = f.id
                WHERE f.status = 'active' AND f.village_code = ANY(%s) AND m.presence IN ('here', 'new') AND m.nik_valid
                  AND m.birth_date IS NOT NULL
                  AND f.id IN (SELECT id FROM poverty_data_family WHERE status = 'active' AND village_code = ANY(%s)
                               ORDER BY md5(id::text || %s) LIMIT %s)
                ORDER BY f.id, m.id
                """,
                [codes, codes, str(seed), existing // 3],
            )
            held = cursor.fetchall()
        rng = random.Random(seed)
        words = {"head": "Kepala Keluarga", "spouse": "Istri", "child": "Anak", "child_in_law": "Menantu",
                 "grandchild": "Cucu", "parent": "Orang Tua", "other": "Lainnya"}  # fmt: skip
        fresh = path.with_suffix(".new.csv")
        written = write_members(fresh, rows - len(held), codes, seed=seed)
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER[:7])
            for no_kk, nik, name, sex, birth, relationship, village, _id in held:
                name = name + " Baru" if rng.random() < 0.1 else name
                writer.writerow([no_kk, nik, name, sex, birth, words.get(relationship, "Lainnya"), village])
            with fresh.open(encoding="utf-8") as source:
                next(source)
                for line in csv.reader(source):
                    writer.writerow(line[:7])
        fresh.unlink()
        return len(held) + written

    path = Path(f"/tmp/kaltara-bench-into-{database}-{n}.csv")
    written = write(path, n, villages, 11)
    print(f"file: {written:,} rows over {len(villages)} villages, ~30% from the portal's families")
    copy_s = copy_floor(path)
    print(f"(c) COPY floor: {copy_s:.2f} s ({written / copy_s:,.0f} rows/s)")
    village_path = Path(f"/tmp/kaltara-bench-into-{database}-village.csv")
    write(village_path, VILLAGE_ROWS, villages[:1], 17)
    village_s = village_upload(villages[0], village_path, valid_only=True)
    full_s, peak = run_import("into the seeded portal", path, written, new_round(), database, "--valid-only")
    kabupaten = max({v[:5] for v in villages}, key=lambda k: sum(v.startswith(k) for v in villages))
    kab_path = Path(f"/tmp/kaltara-bench-into-{database}-kabupaten-{kabupaten}.csv")
    kab_rows = write(kab_path, KABUPATEN_ROWS, [v for v in villages if v.startswith(kabupaten + ".")], 13)
    kab_s, _peak = run_import(f"kabupaten {kabupaten} into the seeded portal", kab_path, kab_rows, new_round(),
                              database, "--valid-only")  # fmt: skip
    print(targets(copy_s, full_s, kab_s, peak, None, written, village_s))
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
