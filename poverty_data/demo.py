"""Demo poverty data: about 330 families per excerpt village at scale 1 (~20,000), 20 in each other
village of the province (~8,000), a closed round and an open one.

Deterministic (``ctx.rng("poverty_data")``) and idempotent: nothing is added when the demo
villages already have families. The open round has submissions in every state: the demo village
(users ``pengurus`` and ``kades``) holds a draft, villages of Bulungan wait for ``kabupaten``'s
approval, villages elsewhere wait for ``provinsi`` to finalise.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.demo import DEMO_VILLAGE
from regions.demo_data import DEMO_REGIONS
from regions.models import Region

from . import services, stats
from .models import (
    ChronicIllness,
    CookingFuel,
    Disability,
    DrinkingWater,
    Education,
    Family,
    FloorType,
    Lighting,
    MaritalStatus,
    Member,
    Ownership,
    PokjaPosition,
    Relationship,
    RoofType,
    Round,
    Toilet,
    WallType,
)

FAMILIES_PER_VILLAGE = 330
PROVINCE_FAMILIES_PER_VILLAGE = 20  # the other ~400 villages of a full demo: enough for the maps
FIRST = ["Ahmad", "Siti", "Budi", "Nur", "Rahmat", "Dewi", "Yohanes", "Maria", "Agus", "Fitri", "Lawing", "Ipung",
         "Hasan", "Aisyah", "Daniel", "Rina", "Sulaiman", "Wati", "Ferdinand", "Lusi"]  # fmt: skip
LAST = ["Saputra", "Lestari", "Kurniawan", "Rahayu", "Hidayat", "Anggraini", "Lahang", "Ajang", "Ngau", "Usat",
        "Wijaya", "Pratiwi", "Gunawan", "Ramadhani", "Bilung", "Taman"]  # fmt: skip
OCCUPATIONS = [
    "Petani",
    "Nelayan",
    "Buruh harian",
    "Pedagang",
    "Ibu rumah tangga",
    "Pelajar",
    "Tidak bekerja",
    "Honorer",
]
DUSUN = ["Dusun I", "Dusun II", "Dusun III", "Dusun IV"]
DESIL_WEIGHTS = [14, 13, 12, 11, 10, 9, 9, 8, 8, 6]


def _nik(rng: random.Random, kecamatan: str, birth: dt.date, female: bool) -> str:
    day = birth.day + (40 if female else 0)
    return f"{kecamatan}{day:02d}{birth.month:02d}{birth.year % 100:02d}{rng.randint(1, 9999):04d}"


def _family(rng: random.Random, village: Region, serial: int) -> tuple[Family, list[Member]]:
    kecamatan = village.code[:8].replace(".", "")
    desil = rng.choices(range(1, 11), weights=DESIL_WEIGHTS)[0]
    poor = desil <= 4
    family = Family(
        village=village,
        village_code=village.code,
        no_kk=f"{kecamatan}{rng.randint(10, 28):02d}{rng.randint(1, 12):02d}{rng.randint(10, 25):02d}{serial % 10000:04d}",
        dusun=rng.choice(DUSUN),
        rt=f"{rng.randint(1, 12):03d}",
        rw=f"{rng.randint(1, 4):03d}",
        street=f"Jl. Poros Desa No. {rng.randint(1, 200)}",
        desil=desil,
        floor_type=rng.choice(
            [FloorType.EARTH, FloorType.WOOD, FloorType.BAMBOO]
            if poor
            else [FloorType.CEMENT, FloorType.CERAMIC, FloorType.WOOD]
        ),
        wall_type=rng.choice([WallType.WOOD, WallType.BAMBOO] if poor else [WallType.MASONRY, WallType.WOOD]),
        roof_type=rng.choice(
            [RoofType.METAL, RoofType.THATCH, RoofType.SHINGLE] if poor else [RoofType.METAL, RoofType.TILE]
        ),
        drinking_water=rng.choice(list(DrinkingWater.values)),
        lighting=rng.choice([Lighting.PLN_NO_METER, Lighting.NON_PLN, Lighting.NONE] if poor else [Lighting.PLN_METER]),
        cooking_fuel=rng.choice(
            [CookingFuel.WOOD, CookingFuel.LPG_3KG] if poor else [CookingFuel.LPG_3KG, CookingFuel.LPG_LARGE]
        ),
        toilet=rng.choice(list(Toilet.values)),
        land_ownership=rng.choice(list(Ownership.values)),
        house_ownership=rng.choice([Ownership.OWN, Ownership.OWN, Ownership.RENT_FREE, Ownership.RENT]),
        has_motorcycle=rng.random() < (0.4 if poor else 0.85),
        has_car=not poor and rng.random() < 0.2,
        has_refrigerator=rng.random() < (0.2 if poor else 0.7),
        has_air_conditioner=not poor and rng.random() < 0.15,
        has_smartphone=rng.random() < (0.6 if poor else 0.95),
        receives_pkh=poor and rng.random() < 0.55,
        receives_sembako=poor and rng.random() < 0.6,
        receives_pbi_jk=rng.random() < (0.7 if poor else 0.1),
        receives_blt_dana_desa=poor and rng.random() < 0.3,
    )
    members = []
    size = rng.choices([1, 2, 3, 4, 5, 6], weights=[8, 18, 26, 26, 14, 8])[0]
    head_birth = dt.date(rng.randint(1955, 2000), rng.randint(1, 12), rng.randint(1, 28))
    head_female = rng.random() < 0.15
    for i in range(size):
        if i == 0:
            relationship, birth, female = Relationship.HEAD, head_birth, head_female
        elif i == 1:
            relationship, female = Relationship.SPOUSE, not head_female
            birth = dt.date(min(head_birth.year + rng.randint(-3, 6), 2004), rng.randint(1, 12), rng.randint(1, 28))
        else:
            relationship, female = Relationship.CHILD, rng.random() < 0.5
            birth = dt.date(rng.randint(max(head_birth.year + 18, 1980), 2025), rng.randint(1, 12), rng.randint(1, 28))
        nik = _nik(rng, kecamatan, birth, female)
        roll = rng.random()
        if roll < 0.01:
            nik = nik[:12] + "0000"  # a malformed serial, for the data-quality view
        elif roll < 0.013:
            nik = nik[:15]  # a digit missing
        age = 2026 - birth.year
        members.append(
            Member(
                nik=nik,
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                sex="P" if female else "L",
                birth_place=village.name,
                birth_date=birth,
                relationship=relationship,
                marital_status=MaritalStatus.MARRIED if i < 2 else MaritalStatus.SINGLE,
                education=rng.choice(list(Education.values)[: 4 if poor else 7]),
                occupation=rng.choice(OCCUPATIONS) if age >= 15 else "Pelajar" if age >= 6 else "",
                disability=Disability.PHYSICAL if rng.random() < 0.02 else Disability.NONE,
                chronic_illness=rng.choice([ChronicIllness.HYPERTENSION, ChronicIllness.DIABETES])
                if rng.random() < 0.06
                else ChronicIllness.NONE,
            )
        )
    return family, members


def _minutes() -> SimpleUploadedFile:
    return SimpleUploadedFile("berita-acara-musdes.pdf", b"%PDF-1.4\n% demo minutes\n", content_type="application/pdf")


def seed(ctx) -> None:
    # The villages of the regions excerpt carry the rounds and the demo users' work; the rest of the
    # province (a full demo only) gets a smaller number of families each, seeded after them.
    excerpt = {code for code, _name in DEMO_REGIONS}
    everywhere = list(Region.objects.villages().filter(code__startswith="65.").order_by("code"))
    villages = [v for v in everywhere if v.code in excerpt]
    if not villages:
        return
    if Family.objects.filter(village__in=villages).exists():
        ctx.log(f"poverty_data: {Family.objects.count()} families already seeded")
        return
    rng = ctx.rng("poverty_data")
    # A light demo (the tests') keeps every kind of record with a few families per village.
    per_village = 6 if getattr(ctx, "light", False) else FAMILIES_PER_VILLAGE * ctx.scale
    serial = 0
    for village in villages:
        rows = []
        for _i in range(per_village):
            serial += 1
            rows.append(_family(rng, village, serial))
        services.families_load(rows=rows)
    _seed_duplicates(rng, villages)
    _seed_province(ctx, [v for v in everywhere if v.code not in excerpt], serial)
    # _seed_duplicates writes members directly, so the summaries are rebuilt once here.
    stats.village_stats_refresh(region="65")
    admin = ctx.objects.get("admin")
    by_code = {v.code: v for v in villages}
    demo_village = by_code.get(DEMO_VILLAGE)
    _seed_pokja(ctx, villages, demo_village)
    _seed_rounds(ctx, rng, admin, villages, demo_village)
    ctx.log(
        f"poverty_data: {Family.objects.count()} families, {Member.objects.count()} members, "
        f"{Round.objects.count()} rounds"
    )


def _seed_province(ctx, villages: list[Region], serial: int) -> None:
    """The families of the villages outside the excerpt: no rounds, Pokja or demo users there."""
    rng = ctx.rng("poverty_data:province")
    rows = []
    for village in villages:
        for _i in range(PROVINCE_FAMILIES_PER_VILLAGE * ctx.scale):
            serial += 1
            rows.append(_family(rng, village, serial))
        if len(rows) >= 2000:  # one load per batch of villages: fewer passes over the summaries
            services.families_load(rows=rows)
            rows = []
    if rows:
        services.families_load(rows=rows)


def _seed_duplicates(rng: random.Random, villages: list[Region]) -> None:
    """Give a few present members a NIK that already belongs to someone in another village."""
    donors = list(
        Member.objects.filter(family__village__in=villages[::10], nik_valid=True).values_list("nik", flat=True)[:12]
    )
    takers = list(Member.objects.filter(family__village__in=villages[5::10], relationship=Relationship.CHILD)[:12])
    for member, nik in zip(takers, donors, strict=False):
        member.nik = nik
    Member.objects.bulk_update(takers, ["nik"])


def _seed_pokja(ctx, villages: list[Region], demo_village: Region | None) -> None:
    admin = ctx.objects.get("admin")
    for i, village in enumerate(villages):
        services.pokja_save(
            user=admin,
            village=village,
            sk_number=f"141/{i + 1:02d}/SK-KADES/2026",
            sk_date=dt.date(2026, 1, 15),
            budget_dana_desa=10_000_000 + 500_000 * (i % 10),
            budget_year=2026,
        )
    if demo_village is not None:
        pokja = demo_village.pokja
        pengurus = ctx.objects.get("pengurus")
        if pengurus is not None:
            services.pokja_member_add(user=admin, pokja=pokja, member=pengurus, position=PokjaPosition.CHAIR)


def _propose(rng: random.Random, admin, submission, village: Region, count: int) -> None:
    # Active families only: at larger scales the sample would otherwise pick one the closed round deactivated.
    families = list(Family.objects.active().filter(village=village).order_by("pk")[: count * 3])
    for family in rng.sample(families, min(count, len(families))):
        kind = rng.random()
        if kind < 0.5:
            services.change_family_correct(
                user=admin, submission=submission, expected_version=None, family=family, family_version=family.version,
                data={"desil": max(1, (family.desil or 5) - 1), "receives_blt_dana_desa": True},
            )  # fmt: skip
        elif kind < 0.8:
            head = family.members.order_by("pk").first()
            services.change_member_correct(
                user=admin, submission=submission, expected_version=None, member=head, member_version=head.version,
                data={"occupation": rng.choice(OCCUPATIONS)},
            )  # fmt: skip
        else:
            services.change_family_deactivate(
                user=admin, submission=submission, expected_version=None, family=family, family_version=family.version,
                reason="moved", note="Pindah ke kota",
            )  # fmt: skip
    kecamatan = village.code[:8].replace(".", "")
    birth = dt.date(2026, 3, rng.randint(1, 28))
    services.change_new_family(
        user=admin,
        submission=submission,
        expected_version=None,
        family_data={"no_kk": f"{kecamatan}0103260{rng.randint(100, 999)}", "dusun": "Dusun II", "rt": "004", "rw": "002", "desil": 2},
        members_data=[
            {"nik": _nik(rng, kecamatan, dt.date(1998, 7, 9), False), "name": "Keluarga Baru", "sex": "L",
             "birth_date": dt.date(1998, 7, 9), "relationship": "head", "marital_status": "married"},
            {"nik": _nik(rng, kecamatan, birth, True), "name": "Bayi Baru", "sex": "P", "birth_date": birth,
             "relationship": "child"},
        ],
    )  # fmt: skip


def _advance(admin, submission, to: str) -> None:
    steps = ["submitted", "verified", "approved", "finalised"]
    for step in steps[: steps.index(to) + 1]:
        if step == "submitted":
            services.submission_submit(user=admin, submission=submission)
        elif step == "verified":
            services.submission_verify(user=admin, submission=submission, minutes=_minutes())
        elif step == "approved":
            services.submission_approve(user=admin, submission=submission)
        else:
            services.submission_finalise(user=admin, submission=submission)
        submission.refresh_from_db()


def _seed_rounds(ctx, rng: random.Random, admin, villages: list[Region], demo_village: Region | None) -> None:
    today = timezone.localdate()
    closed = services.round_open(
        user=admin,
        name="Pemutakhiran Triwulan III 2026",
        period_start=dt.date(2026, 7, 1),
        period_end=dt.date(2026, 9, 30),
        submit_deadline=dt.date(2026, 8, 15),
        verify_deadline=dt.date(2026, 8, 31),
        approve_deadline=dt.date(2026, 9, 15),
        finalise_deadline=dt.date(2026, 9, 30),
    )
    for village in villages[::3]:
        submission = services.submission_start(user=admin, round=closed, village=village)
        _propose(rng, admin, submission, village, 3)
        _advance(admin, submission, "finalised")
    services.round_close(user=admin, round=closed)

    start = today.replace(day=1)
    current = services.round_open(
        user=admin,
        name=f"Pemutakhiran {start.strftime('%m/%Y')}",
        period_start=start,
        period_end=start + dt.timedelta(days=60),
        submit_deadline=today - dt.timedelta(days=1),
        verify_deadline=today + dt.timedelta(days=6),
        approve_deadline=today + dt.timedelta(days=13),
        finalise_deadline=today + dt.timedelta(days=20),
    )
    # Every state appears: the demo village is a draft, Bulungan waits for approval, others for finalisation.
    plan = []
    for i, village in enumerate(villages):
        if village == demo_village:
            continue
        if village.code.startswith("65.01."):
            plan.append((village, ["verified", "verified", "submitted", "approved", "finalised", None][i % 6]))
        else:
            plan.append((village, ["approved", "submitted", "finalised", None, "draft", "verified"][i % 6]))
    for village, state in plan:
        if state is None:
            continue
        submission = services.submission_start(user=admin, round=current, village=village)
        _propose(rng, admin, submission, village, 2)
        if state != "draft":
            _advance(admin, submission, state)
    if demo_village is not None:
        pengurus = ctx.objects.get("pengurus") or admin
        draft = services.submission_start(user=pengurus, round=current, village=demo_village)
        _propose(rng, pengurus, draft, demo_village, 3)
