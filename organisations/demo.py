"""Demo data of the registry: a Karang Taruna for most villages of the province, the kabupaten and province ones.

Deterministic: every random draw comes from ``ctx.rng("organisations")`` in a fixed order,
whether or not the rows already exist. Idempotent: a region that already has its
Karang Taruna is left alone (its draws are still made, so later regions get the same data).
Dates are relative to the day of seeding, so some terms always end within 90 days.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from regions.demo_data import DEMO_REGIONS
from regions.models import Level, Region

from . import services
from .models import (
    ASPECTS,
    AssistanceForm,
    Event,
    Giver,
    Organisation,
    PartnerKind,
    Position,
    ProgrammeStatus,
    Sector,
    default_term_end,
    today,
    years_later,
)

DEMO_VILLAGES = {"65.01.01.2005", "65.03.01.2001"}  # the regions of the demo officers
FIRST = ["Rizky", "Nurul", "Andi", "Siti", "Yohanes", "Maria", "Dedi", "Fitri", "Agus", "Dewi", "Ahmad", "Rina"]
LAST = ["Ramadhan", "Hidayah", "Pratama", "Lawing", "Saputra", "Lestari", "Wijaya", "Anggraini", "Gani", "Laing"]
TITLES = {
    Sector.EDUCATION: "Bimbingan belajar anak desa",
    Sector.HEALTH: "Posyandu remaja",
    Sector.ENTREPRENEURSHIP: "Pelatihan usaha kerajinan",
    Sector.INDEPENDENCE: "Kebun pangan keluarga",
    Sector.WELFARE: "Pendampingan lansia terlantar",
    Sector.ENVIRONMENT: "Bank sampah desa",
    Sector.SPORTS_ARTS: "Turnamen sepak bola antar-RT",
}
BACKERS = ["funded_province", "funded_kabupaten", "funded_village", "funded_swadaya", "funded_csr"]


def _nik(rng: random.Random, region_code: str, birth: dt.date, sex: str) -> str:
    day = birth.day + (40 if sex == "P" else 0)
    return f"{region_code[:8].replace('.', '')}{day:02d}{birth:%m%y}{rng.randint(1, 9999):04d}"


def _officers(rng: random.Random, region_code: str, starts_on: dt.date) -> list[dict[str, Any]]:
    positions = [Position.KETUA, Position.WAKIL_KETUA, Position.SEKRETARIS, Position.BENDAHARA]
    positions += [Position.KETUA_BIDANG] * rng.randint(0, 2) + [Position.ANGGOTA] * rng.randint(1, 3)
    rows = []
    for position in positions:
        sex = rng.choice("LP")
        birth = starts_on - dt.timedelta(days=rng.randint(18 * 365, 40 * 365))
        rows.append(
            {
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "position": position,
                "field_name": rng.choice(["Pendidikan", "Kewirausahaan", "Olahraga dan Seni"])
                if position == Position.KETUA_BIDANG
                else "",
                "sex": sex,
                "birth_date": birth,
                "phone": f"08{rng.randint(1100000000, 1399999999)}",
                "nik": _nik(rng, region_code, birth, sex) if rng.random() < 0.5 and len(region_code) == 13 else "",
            }
        )
    return rows


def _plan(rng: random.Random, region: Region, day: dt.date) -> dict[str, Any]:
    """Everything one region's Karang Taruna gets, drawn in a fixed order."""
    demo = region.code in DEMO_VILLAGES
    kind = rng.random()
    if region.code == "65.03.01.2001" or (not demo and 0.70 <= kind < 0.85):
        starts_on = years_later(day, -5) + dt.timedelta(days=rng.randint(10, 80))  # ends within 90 days
    elif not demo and kind >= 0.85:
        starts_on = years_later(day, -5) - dt.timedelta(days=rng.randint(1, 300))  # term over, none current
    else:
        starts_on = day - dt.timedelta(days=rng.randint(180, 1600))
    founded = years_later(day, -rng.randint(6, 30)).replace(month=rng.randint(1, 12), day=rng.randint(1, 28))
    programmes = []
    for _i in range(rng.randint(1, 3)):
        sector = rng.choice(list(TITLES))
        budget = rng.randint(4, 60) * 500_000
        shares = [0] * len(BACKERS)
        remaining = budget
        for index in rng.sample(range(len(BACKERS)), rng.randint(1, 3))[:-1]:
            shares[index] = rng.randint(0, remaining // 500_000) * 500_000
            remaining -= shares[index]
        shares[rng.choice([i for i in range(len(BACKERS))])] += remaining
        status = rng.choice(list(ProgrammeStatus.values))
        spent = rng.randint(50, 100) * budget // 100 if status in (ProgrammeStatus.DONE, ProgrammeStatus.RUNNING) else 0
        programmes.append(
            {
                "title": TITLES[sector],
                "sector": sector,
                "year": day.year - rng.randint(0, 1),
                "description": "Program kerja hasil rapat anggota.",
                "budget": budget,
                **dict(zip(BACKERS, shares, strict=True)),
                "status": status,
                "realised_amount": spent,
                "beneficiaries": rng.randint(10, 150) if spent else 0,
                "realisation_note": "Terlaksana sesuai rencana." if status == ProgrammeStatus.DONE else "",
            }
        )
    assessments = []
    for _i in range(rng.choice([0, 1, 1, 2])):
        base = rng.randint(30, 90)
        assessments.append(
            {
                "assessed_on": day - dt.timedelta(days=rng.randint(20, 900)),
                **{name: min(100, max(0, base + rng.randint(-10, 10))) for name, _label in ASPECTS},
            }
        )
    assistance = [
        {
            "year": day.year - rng.randint(0, 2),
            "giver": rng.choice(list(Giver.values)),
            "form": rng.choice(list(AssistanceForm.values)),
            "value": rng.randint(2, 40) * 1_000_000,
            "description": "Bantuan penguatan kelembagaan.",
        }
        for _i in range(rng.choice([0, 0, 1, 2]))
    ]
    partnerships = [
        {
            "partner_name": rng.choice(
                ["Puskesmas setempat", "PT Kaltara Hijau Lestari (demo)", "Karang Taruna tetangga"]
            ),
            "kind": rng.choice(list(PartnerKind.values)),
            "since": years_later(day, -rng.randint(1, 4)),
            "activities": "Kegiatan sosial bersama.",
        }
        for _i in range(rng.choice([0, 0, 1]))
    ]
    return {
        "profile": {
            "name": f"Karang Taruna {region.name}",
            "founded_on": founded,
            "sk_number": f"{rng.randint(1, 200)}/SK/{founded.year}",
            "sk_date": founded,
            "address": f"Kantor {region.display_name}",
            "phone": f"08{rng.randint(1100000000, 1399999999)}",
            "email": "" if rng.random() < 0.4 else f"kt.{region.code.replace('.', '')}@example.com",
            "vision": "Pemuda mandiri, peduli dan berdaya saing." if rng.random() < 0.8 else "",
            "mission": "Menggerakkan kegiatan sosial pemuda desa." if rng.random() < 0.8 else "",
            "status": "inactive" if rng.random() < 0.05 and not demo else "active",
            "estimated_members": rng.randint(80, 900),
        },
        "term": {
            "sk_number": f"{rng.randint(1, 99)}/KPTS/{starts_on.year}",
            "sk_date": starts_on - dt.timedelta(days=rng.randint(1, 20)),
            "starts_on": starts_on,
            "ends_on": default_term_end(starts_on),
        },
        "officers": _officers(rng, region.code, starts_on),
        "assessments": assessments,
        "programmes": programmes,
        "assistance": assistance,
        "partnerships": partnerships,
    }


def _create(user: Any, region: Region, plan: dict[str, Any]) -> Organisation:
    organisation = services.organisation_create(user=user, region=region, **plan["profile"])
    term = services.term_save(user=user, organisation=organisation, **plan["term"])
    for officer in plan["officers"]:
        services.officer_save(user=user, term=term, **officer)
    for assessment in sorted(plan["assessments"], key=lambda a: a["assessed_on"]):
        services.assessment_record(user=user, organisation=organisation, **assessment)
    for programme in plan["programmes"]:
        services.programme_save(user=user, organisation=organisation, **programme)
    for assistance in plan["assistance"]:
        services.assistance_save(user=user, organisation=organisation, **assistance)
    for partnership in plan["partnerships"]:
        services.partnership_save(user=user, organisation=organisation, **partnership)
    return organisation


def seed(ctx) -> None:
    rng = ctx.rng("organisations")
    user = ctx.objects.get("admin")
    day = today()
    regions = list(
        Region.objects.filter(level__in=[Level.PROVINCE, Level.KABUPATEN_KOTA, Level.DESA_KELURAHAN]).order_by("code")
    )
    existing = set(Organisation.objects.values_list("region_id", flat=True))
    # The villages of the regions excerpt first, with their own draws (the tests know them), then the
    # rest of the province with another generator, so adding the province shifts nothing.
    excerpt = {code for code, _name in DEMO_REGIONS}
    created = 0
    for part, generator in ((True, rng), (False, ctx.rng("organisations:province"))):
        for region in regions:
            if (region.code in excerpt) != part:
                continue
            registered = (
                region.level < Level.DESA_KELURAHAN or region.code in DEMO_VILLAGES or generator.random() < 0.85
            )
            plan = _plan(generator, region, day)
            if not part:  # the rest of the province: the board and its term, for the maps (a faster seed)
                plan = {
                    **plan,
                    "officers": plan["officers"][:4],
                    "programmes": [],
                    "assistance": [],
                    "partnerships": [],
                }
            if registered and region.pk not in existing:
                _create(user, region, plan)
                created += 1
    _seed_events(ctx, rng, user, day, excerpt)
    ctx.log(f"organisations: {created} Karang Taruna created, {Organisation.objects.count()} in the portal")


def _seed_events(ctx: Any, rng: random.Random, user: Any, day: dt.date, excerpt: set[str]) -> None:
    province = Region.objects.filter(level=Level.PROVINCE).order_by("code").first()
    organisations = list(
        Organisation.objects.filter(region__level=Level.DESA_KELURAHAN, region__code__in=excerpt).order_by(
            "region__code"
        )
    )
    if province is None or not organisations:
        return
    events = [
        {
            "title": "Bimtek administrasi dan tata kelola Karang Taruna",
            "starts_on": day - dt.timedelta(days=60),
            "ends_on": day - dt.timedelta(days=58),
            "place": "Tanjung Selor",
            "organiser": "Dinas Sosial Provinsi Kalimantan Utara",
            "aim_administration": True,
            "aim_management": True,
            "materials": "Tata naskah, SK kepengurusan, laporan kegiatan.",
        },
        {
            "title": "Pelatihan pengembangan jejaring dan kesejahteraan sosial",
            "starts_on": day + dt.timedelta(days=30),
            "ends_on": day + dt.timedelta(days=31),
            "place": "Tarakan",
            "organiser": "Dinas Sosial Provinsi Kalimantan Utara",
            "aim_welfare": True,
            "aim_network": True,
            "materials": "Kemitraan dengan dunia usaha (CSR), pelayanan sosial.",
        },
    ]
    for index, fields in enumerate(events):
        invited = rng.sample(organisations, min(len(organisations), 12))
        attended = [org for org in invited if rng.random() < 0.75]
        people = {
            org.pk: [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _i in range(rng.randint(1, 2))] for org in attended
        }
        event = Event.objects.filter(title=fields["title"]).first()
        if event is not None:
            continue
        event = services.event_save(user=user, region=province, **fields)
        services.event_invite(user=user, event=event, organisations=invited)
        if index == 0:  # the past event: attendance and follow-up
            by_org = {p.organisation_id: p for p in event.participations.all()}
            for org in attended:
                for name in people[org.pk]:
                    services.attendee_add(user=user, participation=by_org[org.pk], name=name, position="Pengurus")
            services.follow_up_save(
                user=user,
                event=event,
                action="Setiap Karang Taruna mengunggah SK kepengurusan terbaru",
                owner="Ketua Karang Taruna peserta",
                due_on=day + dt.timedelta(days=14),
                done=False,
            )
            services.follow_up_save(
                user=user,
                event=event,
                action="Rekap hasil bimtek dikirim ke kabupaten/kota",
                owner="Bidang Pemberdayaan Sosial",
                due_on=day - dt.timedelta(days=30),
                done=True,
            )
    ctx.objects["events"] = list(Event.objects.all())
