"""Benchmark: CSR matching and allocation planning at provincial scale.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaltara_bench .venv/bin/python bench/matching_bench.py
Creates a throwaway test database with the 482 Kaltara villages (../shared/data/kaltara_wilayah.csv
through import_regions when present, else generated codes), 1,000 open programmes and 10,000
submitted proposals, then times: ranking the programmes for one proposal (target < 100 ms) and
the full allocation plan, loading included (target < 5 s). Poor families per village are generated
deterministically here (csr.inputs is patched: poverty_data is not in this branch). The last line
prints the plan's poor families reached against first come.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaltara_portal.settings")
os.environ.setdefault("DEBUG", "1")

PROGRAMMES = 1_000
PROPOSALS = 10_000
SECTORS = ["education", "health", "entrepreneurship", "socio_economic", "environment", "infrastructure", "other"]


def load_regions() -> None:
    from django.core.management import call_command

    from regions.services import RegionRow, regions_import

    path = ROOT.parent / "shared" / "data" / "kaltara_wilayah.csv"
    if path.exists():
        call_command("import_regions", str(path), stdout=io.StringIO())
        return
    rows = [RegionRow(line=1, code="65", name="Kalimantan Utara")]
    for k in (1, 2, 3, 4, 71):
        rows.append(RegionRow(line=1, code=f"65.{k:02d}", name=f"Kab {k}"))
        for c in range(1, 12):
            rows.append(RegionRow(line=1, code=f"65.{k:02d}.{c:02d}", name=f"Kec {c}"))
            for v in range(1, 10):
                rows.append(RegionRow(line=1, code=f"65.{k:02d}.{c:02d}.2{v:03d}", name=f"Desa {v}"))
    regions_import(rows=rows)


def main() -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    old = setup_databases(verbosity=0, interactive=False)
    try:
        run(connection)
    finally:
        teardown_databases(old, verbosity=0)
    return 0


def run(connection) -> None:
    from accounts.models import Role
    from accounts.services import role_assign, user_ensure
    from csr import inputs, matching, planner, selectors
    from csr.models import Company, Programme, ProgrammeTarget, Proposal
    from regions.models import Region

    rng = random.Random(2026)
    load_regions()
    villages = list(Region.objects.villages().order_by("code"))
    kecamatan = list(Region.objects.filter(level=3).order_by("code"))
    kabupaten = list(Region.objects.filter(level=2).order_by("code"))
    poor = {v.code: (rng.randint(0, 400), 0) for v in villages}
    poor = {code: (p, p + rng.randint(50, 800)) for code, (p, _f) in poor.items()}
    inputs.village_need = lambda codes: {c: poor[c] for c in codes if c in poor}

    user = user_ensure(
        username="bench",
        password="bench-password-123",  # noqa: S106 - throwaway database
        first_name="B",
        last_name="B",
        email="b@x.id",
    )
    role_assign(user=user, role=Role.PROVINCE_STAFF, region=Region.objects.get(code="65"))
    companies = Company.objects.bulk_create([Company(name=f"PT Bench {i}") for i in range(50)])
    started = time.perf_counter()
    programmes = Programme.objects.bulk_create(
        [
            Programme(
                company=companies[i % len(companies)],
                title=f"Program {i}",
                sector=rng.choice(SECTORS),
                budget=Decimal(rng.randint(1, 8) * 25_000_000),
                starts_on=dt.date(2026, 1, 1),
                ends_on=dt.date(2026, 12, 31),
                status="open",
            )
            for i in range(PROGRAMMES)
        ]
    )
    targets = []
    for programme in programmes:
        level = rng.random()
        if level < 0.3:
            chosen = rng.sample(kabupaten, 1)
        elif level < 0.7:
            chosen = rng.sample(kecamatan, rng.randint(1, 4))
        else:
            chosen = rng.sample(villages, rng.randint(2, 12))
        targets += [ProgrammeTarget(programme=programme, region=r) for r in chosen]
    ProgrammeTarget.objects.bulk_create(targets, batch_size=2_000)
    Proposal.objects.bulk_create(
        [
            Proposal(
                village=rng.choice(villages),
                sector=rng.choice(SECTORS),
                title=f"Usulan {i}",
                description="bench",
                amount_requested=Decimal(rng.randint(1, 60) * 5_000_000),
                state="submitted",
                submitted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=i),
                created_by=user,
            )
            for i in range(PROPOSALS)
        ],
        batch_size=2_000,
    )
    setup_s = time.perf_counter() - started

    sample = list(Proposal.objects.with_funding().select_related("village").order_by("?")[:25])
    timings = []
    for proposal in sample:
        t0 = time.perf_counter()
        ranked = matching.rank_programmes(proposal)
        timings.append((time.perf_counter() - t0) * 1000)
    rank_ms = statistics.median(timings)

    t0 = time.perf_counter()
    _programmes, _proposals, offers, needs, poor_by_code = selectors.planner_inputs(user=user)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    plan, greedy = planner.plan_allocation(offers, needs, poor_by_code)
    plan_s = time.perf_counter() - t0

    print(
        f"PostgreSQL {connection.pg_version // 10000}; villages: {len(villages)}; programmes: {PROGRAMMES:,}; proposals: {PROPOSALS:,}"
    )
    print(f"setup (bulk insert): {setup_s:.1f} s")
    print(
        f"rank programmes for one proposal: median {rank_ms:.1f} ms, max {max(timings):.1f} ms "
        f"over {len(timings)} proposals ({len(ranked)} shown of the candidates)"
    )
    print(f"allocation plan: load {load_s:.2f} s + plan {plan_s:.2f} s = {load_s + plan_s:.2f} s")
    print(
        f"plan: {plan.proposals:,} proposals, {plan.villages_reached} villages, Rp {plan.money:,.0f}; "
        f"first come: {greedy.proposals:,} proposals, {greedy.villages_reached} villages, Rp {greedy.money:,.0f}"
    )
    gain = (plan.poor_reached - greedy.poor_reached) * 100 / greedy.poor_reached if greedy.poor_reached else 0
    print(f"poor families reached: plan {plan.poor_reached:,} vs first come {greedy.poor_reached:,} (+{gain:.1f}%)")


if __name__ == "__main__":
    raise SystemExit(main())
