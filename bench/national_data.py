"""National-scale data for benchmarks: the 83,762 villages of Indonesia and ten million families,
generated set-wise in PostgreSQL (INSERT ... SELECT from generate_series), not through seed_demo.

Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaltara_national \\
        .venv/bin/python bench/national_data.py [--families 10000000] [--regions ../shared/data/indonesia_wilayah.csv]

Steps, each skipped when already done (the script can be re-run after an interruption):

1. ``migrate`` and ``import_regions`` of the national list.
2. Families: spread over every village (the count per village varies 50-150% of the mean),
   deterministic from the row number (``hashint`` below), with valid-looking No. KK (the
   kecamatan's six digits, a date, a serial), desil 1-10 (some unset), housing, assets and
   assistance; 3% inactive. Members: 1-5 per family (3 on average), a head first, NIK from
   the kecamatan, birth date (+40 on the day for women) and a serial; 0.2% malformed NIKs and
   a few duplicated NIKs so the quality counts have work. The secondary indexes are dropped for
   the load and rebuilt after it, foreign-key triggers are skipped (the rows reference
   existing ids by construction), then ANALYZE.
3. The summaries: ``VillageStats`` by the portal's own refresh (``stats.village_stats_refresh``,
   the same code ``refresh_poverty_stats`` runs) — timed.
4. Rounds: a closed round with every village's submission finalised, 2% of the families changed
   in it (``SubmissionChange`` rows) and its per-village figures recorded, and an open round
   with submissions from 70% of the villages at every step.

Then ``bench/national_bench.py`` times the round overview and the dashboard. Not a test.
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

BATCH = 500_000  # families per INSERT (and their members): progress, bounded transactions

# A deterministic pseudo-random integer in [0, 4294967291) from a bigint and a salt (no random():
# re-runs agree): multiplicative hashing modulo a prime, cheap enough for 40 million rows.
FUNCTIONS = """
CREATE OR REPLACE FUNCTION pg_temp.h(n bigint, salt int) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$$ SELECT ((n + salt * 1000003::bigint) * 2654435761) % 4294967291 $$;
"""

VILLAGES = """
CREATE TABLE IF NOT EXISTS bench_village AS
SELECT id, code, replace(substr(code, 1, 8), '.', '') AS kec6,
       row_number() OVER (ORDER BY code) - 1 AS idx
FROM regions_region WHERE level = 4;
"""

# Families per village vary (50%-150% of the mean): cumulative bounds, so family i belongs to
# the village whose [lo, hi) holds i.
BOUNDS = """
CREATE TABLE IF NOT EXISTS bench_village_bounds AS
WITH w AS (SELECT id, code, kec6, idx, 50 + pg_temp.h(idx, 1) %% 101 AS weight FROM bench_village),
     c AS (SELECT *, sum(weight) OVER (ORDER BY idx) AS cum, sum(weight) OVER () AS total FROM w)
SELECT id, code, kec6, idx,
       floor((cum - weight)::numeric * %(families)s / total)::bigint AS lo,
       floor(cum::numeric * %(families)s / total)::bigint AS hi
FROM c;
CREATE INDEX IF NOT EXISTS bench_village_bounds_lo ON bench_village_bounds (lo);
"""

FAMILIES = """
INSERT INTO poverty_data_family (
    village_id, village_code, no_kk, dusun, rt, rw, street, desil,
    floor_type, wall_type, roof_type, drinking_water, lighting, cooking_fuel, toilet,
    land_ownership, house_ownership, has_motorcycle, has_car, has_refrigerator, has_air_conditioner,
    has_smartphone, receives_pkh, receives_sembako, receives_pbi_jk, receives_blt_dana_desa,
    other_assistance, status, inactive_reason, inactive_note, version, created_at, updated_at)
SELECT v.id, v.code,
    v.kec6 || lpad((1 + r %% 28)::text, 2, '0') || lpad((1 + r / 28 %% 12)::text, 2, '0')
        || lpad((10 + r / 336 %% 15)::text, 2, '0') || lpad((i %% 10000)::text, 4, '0'),
    'Dusun ' || (1 + r %% 4), lpad((1 + r / 4 %% 12)::text, 3, '0'), lpad((1 + r / 48 %% 4)::text, 3, '0'),
    'Jalan ' || (1 + r / 192 %% 40),
    CASE WHEN r2 %% 20 = 0 THEN NULL ELSE 1 + r2 / 20 %% 10 END,
    (ARRAY['ceramic','cement','wood','bamboo','earth'])[1 + r2 / 200 %% 5],
    (ARRAY['masonry','wood','bamboo'])[1 + r2 / 1000 %% 3],
    (ARRAY['tile','metal','asbestos','thatch'])[1 + r2 / 3000 %% 4],
    (ARRAY['bottled','piped','protected','unprotected','surface'])[1 + r3 %% 5],
    (ARRAY['pln_meter','pln_no_meter','non_pln','none'])[1 + r3 / 5 %% 4],
    (ARRAY['lpg_3kg','lpg_large','kerosene','wood'])[1 + r3 / 20 %% 4],
    (ARRAY['own_septic','own_no_septic','shared','none'])[1 + r3 / 80 %% 4],
    (ARRAY['own','rent','rent_free'])[1 + r3 / 320 %% 3],
    (ARRAY['own','rent','rent_free'])[1 + r3 / 960 %% 3],
    r3 / 2880 %% 2 = 0, r3 / 5760 %% 10 = 0, r3 / 57600 %% 3 = 0, r3 / 172800 %% 20 = 0, r3 / 3456000 %% 3 <> 0,
    r4 %% 4 = 0, r4 / 4 %% 3 = 0, r4 / 12 %% 2 = 0, r4 / 24 %% 5 = 0,
    CASE WHEN r4 / 120 %% 25 = 0 THEN 'Bantuan pemda' ELSE '' END,
    CASE WHEN r4 / 3000 %% 33 = 0 THEN 'inactive' ELSE 'active' END,
    CASE WHEN r4 / 3000 %% 33 = 0 THEN 'moved' ELSE '' END,
    '', 1, now(), now()
FROM (
    SELECT b.id, b.code, b.kec6, i, pg_temp.h(i, 2) AS r, pg_temp.h(i, 3) AS r2, pg_temp.h(i, 4) AS r3,
           pg_temp.h(i, 5) AS r4
    FROM bench_village_bounds b
    CROSS JOIN LATERAL generate_series(greatest(b.lo, %(start)s::bigint), least(b.hi, %(stop)s::bigint) - 1) AS i
    WHERE b.hi > %(start)s AND b.lo < %(stop)s
) v
ORDER BY v.i;
"""

# Members of the families with id in [lo, hi): 1-5 each (3 on average), the head first.
MEMBERS = """
INSERT INTO poverty_data_member (
    family_id, nik, nik_valid, name, sex, birth_place, birth_date, relationship, marital_status,
    education, occupation, disability, chronic_illness, presence, version)
SELECT f.id,
    CASE WHEN bad THEN '99' || substr(f.kec6, 3) || '0000' || lpad((f.id %% 10000)::text, 4, '0')
         WHEN dup THEN f.kec6 || '010180' || '0001'
         ELSE f.kec6 || lpad((extract(day FROM bd)::int + CASE WHEN female THEN 40 ELSE 0 END)::text, 2, '0')
              || to_char(bd, 'MMYY') || lpad((1 + (f.id * 5 + j) %% 9999)::text, 4, '0') END,
    NOT bad,
    (ARRAY['Siti','Budi','Dewi','Agus','Rina','Joko','Wati','Hendra','Sri','Andi'])[1 + m %% 10] || ' '
        || (ARRAY['Rahayu','Santoso','Lestari','Wijaya','Hidayat','Saputra','Kurniawan','Pratama'])[1 + m / 10 %% 8],
    CASE WHEN female THEN 'P' ELSE 'L' END,
    (ARRAY['Bandung','Medan','Makassar','Tarakan','Surabaya','Kupang'])[1 + m / 80 %% 6],
    bd,
    CASE WHEN j = 1 THEN 'head' WHEN j = 2 THEN 'spouse' ELSE 'child' END,
    CASE WHEN j <= 2 THEN 'married' ELSE 'single' END,
    (ARRAY['none','sd','smp','sma','diploma','bachelor'])[1 + m / 480 %% 6],
    CASE WHEN j = 1 THEN (ARRAY['Petani','Nelayan','Buruh','Pedagang'])[1 + m / 2880 %% 4] ELSE '' END,
    CASE WHEN m / 11520 %% 40 = 0 THEN 'physical' ELSE 'none' END,
    CASE WHEN m / 460800 %% 25 = 0 THEN 'hypertension' ELSE 'none' END,
    CASE WHEN m %% 97 = 0 THEN 'moved' ELSE 'here' END,
    1
FROM (
    SELECT fam.id, replace(substr(fam.village_code, 1, 8), '.', '') AS kec6, pg_temp.h(fam.id, 6) AS r
    FROM poverty_data_family fam WHERE fam.id >= %(lo)s AND fam.id < %(hi)s
) f
CROSS JOIN LATERAL generate_series(1, 1 + (f.r %% 5)::int) AS j
CROSS JOIN LATERAL (
    SELECT pg_temp.h(f.id * 8 + j, 7) AS m,
           (date '1950-01-01' + (pg_temp.h(f.id * 8 + j, 8) %% 25000)::int) AS bd,
           CASE WHEN j = 1 THEN pg_temp.h(f.id, 9) %% 5 <> 0 WHEN j = 2 THEN pg_temp.h(f.id, 9) %% 5 = 0
                ELSE pg_temp.h(f.id * 8 + j, 10) %% 2 = 0 END AS female,
           pg_temp.h(f.id * 8 + j, 11) %% 500 = 0 AS bad,
           pg_temp.h(f.id * 8 + j, 12) %% 20000 = 0 AS dup
) x;
"""


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=10_000_000)
    parser.add_argument("--regions", default=str(ROOT.parent / "shared" / "data" / "indonesia_wilayah.csv"))
    parser.add_argument("--skip-stats", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from regions.models import Region

    call_command("migrate", verbosity=0)
    if Region.objects.villages().count() < 80_000:
        started = time.perf_counter()
        call_command("import_regions", args.regions, stdout=io.StringIO())
        say(f"regions imported in {time.perf_counter() - started:.1f} s")
    say(f"{Region.objects.villages().count():,} villages")

    with connection.cursor() as cursor:
        cursor.execute(FUNCTIONS)
        cursor.execute(VILLAGES)
        cursor.execute(BOUNDS, {"families": int(args.families)})
        cursor.execute("SELECT count(*) FROM poverty_data_family")
        have = cursor.fetchone()[0]
    if have < args.families:
        load(args.families, have)
    if not args.skip_stats:
        refresh_stats()
    rounds()
    return 0


def load(families: int, have: int) -> None:
    from django.db import connection, transaction

    started = time.perf_counter()
    with connection.cursor() as cursor:
        # The definitions are kept in a table so an interrupted load still rebuilds them.
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_dropped_index (name text PRIMARY KEY, definition text)")
        cursor.execute(
            "INSERT INTO bench_dropped_index SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
            "('poverty_data_family', 'poverty_data_member') AND indexname NOT LIKE '%%_pkey' ON CONFLICT DO NOTHING"
        )
        cursor.execute("SELECT name, definition FROM bench_dropped_index ORDER BY name")
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        say(f"dropped {len(indexes)} secondary indexes for the load")
        cursor.execute("SET session_replication_role = replica")  # no FK triggers: ids exist by construction
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET work_mem = '256MB'")
        # Each batch commits its families with their members, so an interrupted run resumes at a batch.
        start = have
        for lo in range(start, families, BATCH):
            hi = min(lo + BATCH, families)
            with transaction.atomic():
                cursor.execute("SELECT coalesce(max(id), 0) FROM poverty_data_family")
                before = cursor.fetchone()[0]
                cursor.execute(FAMILIES, {"start": lo, "stop": hi})
                cursor.execute(MEMBERS, {"lo": before + 1, "hi": before + 1 + (hi - lo)})
            say(f"families {hi:,} / {families:,} ({time.perf_counter() - started:.0f} s)")
        cursor.execute("SET session_replication_role = origin")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in indexes:
            t = time.perf_counter()
            cursor.execute(definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
            say(f"index {name}: {time.perf_counter() - t:.0f} s")
        cursor.execute("DROP TABLE bench_dropped_index")
        cursor.execute("ANALYZE poverty_data_family")
        cursor.execute("ANALYZE poverty_data_member")
        cursor.execute("SELECT count(*), (SELECT count(*) FROM poverty_data_member) FROM poverty_data_family")
        f, m = cursor.fetchone()
    say(f"loaded {f:,} families, {m:,} members in {time.perf_counter() - started:.0f} s")


def refresh_stats() -> None:
    from django.db import connection

    from poverty_data import stats
    from poverty_data.models import VillageStats

    if VillageStats.objects.count() >= 80_000:
        say("village statistics already built")
        return
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
    started = time.perf_counter()
    rows = stats.village_stats_refresh()
    say(f"village statistics (stats.village_stats_refresh, every village): {rows:,} rows in "
        f"{time.perf_counter() - started:.0f} s")  # fmt: skip


def rounds() -> None:
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from poverty_data import stats
    from poverty_data.models import Round, VillageRoundStats

    admin, _ = User.objects.get_or_create(username="nasional", defaults={"is_superuser": True, "is_staff": True})
    closed, made = Round.objects.get_or_create(
        name="Pemutakhiran Semester I 2026",
        defaults=dict(
            period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 6, 30), submit_deadline=dt.date(2026, 3, 31),
            verify_deadline=dt.date(2026, 4, 30), approve_deadline=dt.date(2026, 5, 31),
            finalise_deadline=dt.date(2026, 6, 30), is_open=False, created_by=admin,
        ),
    )  # fmt: skip
    current, _ = Round.objects.get_or_create(
        name="Pemutakhiran Semester II 2026",
        defaults=dict(
            period_start=dt.date(2026, 7, 1), period_end=dt.date(2026, 12, 31), submit_deadline=dt.date(2026, 12, 15),
            verify_deadline=dt.date(2026, 12, 20), approve_deadline=dt.date(2026, 12, 24),
            finalise_deadline=dt.date(2026, 12, 31), is_open=True, created_by=admin,
        ),
    )  # fmt: skip
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(FUNCTIONS)
        if made or not closed.submissions.exists():
            started = time.perf_counter()
            cursor.execute(
                """
                INSERT INTO poverty_data_submission (round_id, village_id, village_code, state, version, submitted_at,
                    verified_at, approved_at, finalised_at, minutes, last_return_reason, created_at, updated_at)
                SELECT %s, id, code, 'finalised', 5, %s, %s, %s, %s, '', '', %s, %s FROM bench_village
                """,
                [closed.pk, *[now] * 6],
            )
            # 2% of the families changed in that round: a correction of their desil, by their village's submission.
            cursor.execute(
                """
                INSERT INTO poverty_data_submissionchange (submission_id, kind, field, old_value, new_value,
                    base_version, note, resolution, created_at, family_id)
                SELECT s.id, 'family_field', 'desil', to_jsonb(f.desil), to_jsonb(coalesce(f.desil, 5)), 1, '', '',
                       %s, f.id
                FROM poverty_data_family f JOIN poverty_data_submission s
                  ON s.round_id = %s AND s.village_code = f.village_code
                WHERE pg_temp.h(f.id, 13) %% 50 = 0
                """,
                [now, closed.pk],
            )
            changes = cursor.rowcount
            # What finalisation keeps on each submission (services.change_counts).
            cursor.execute(
                """
                UPDATE poverty_data_submission s SET families_changed = c.families, families_new = c.new
                FROM (SELECT submission_id, count(DISTINCT family_id) AS families,
                             count(*) FILTER (WHERE kind = 'new_family') AS new
                      FROM poverty_data_submissionchange GROUP BY submission_id) c
                WHERE c.submission_id = s.id AND s.round_id = %s
                """,
                [closed.pk],
            )
            say(f"closed round: {changes:,} changes in {time.perf_counter() - started:.0f} s")
        if not VillageRoundStats.objects.filter(round=closed).exists():
            started = time.perf_counter()
            rows = stats.village_round_stats_record(round=closed)
            say(f"closed round's village figures recorded: {rows:,} in {time.perf_counter() - started:.1f} s")
        if not current.submissions.exists():
            cursor.execute(
                """
                INSERT INTO poverty_data_submission (round_id, village_id, village_code, state, version, submitted_at,
                    verified_at, approved_at, finalised_at, minutes, last_return_reason, created_at, updated_at)
                SELECT %s, id, code, st, 1,
                       CASE WHEN st <> 'draft' THEN %s - (pg_temp.h(idx, 15) %% 40) * interval '1 day' END,
                       NULL, NULL, NULL, '', '', %s, %s
                FROM (SELECT id, code, idx, (ARRAY['draft','submitted','verified','approved','finalised'])
                             [1 + pg_temp.h(idx, 14) %% 5] AS st
                      FROM bench_village WHERE pg_temp.h(idx, 16) %% 10 < 7) v
                """,
                [current.pk, now, now, now],
            )
            say(f"open round: {cursor.rowcount:,} submissions")
        cursor.execute("ANALYZE")
    return None


if __name__ == "__main__":
    sys.exit(main())
