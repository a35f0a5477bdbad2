"""Demo data of the CSR part: companies, programmes, proposals in every state, matches, realisations.

Built through the services (so every proposal has its feedback trail), deterministic
(``ctx.rng("csr")``) and idempotent: a second run finds the first demo programme and stops.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounts.demo import DEMO_VILLAGE
from regions.models import Region

from . import services
from .models import Company, ForumMembership, Programme, ProposalState, ProposerKind, Sector

COMPANIES = [
    # name, business sector, kabupaten
    ("PT Borneo Energi Utara (demo)", "Minyak dan gas", "65.71"),
    ("PT Sawit Sebuku Makmur (demo)", "Perkebunan kelapa sawit", "65.03"),
    ("PT Tambang Malinau Jaya (demo)", "Pertambangan batubara", "65.02"),
]
PROGRAMMES = [
    # company index (0 = the demo company of accounts), title, sector, targets, budget (million)
    (0, "Beasiswa Pemuda Bulungan", Sector.EDUCATION, ["65.01"], 500),
    (0, "Usaha Mikro Karang Taruna Tanjung Palas", Sector.ENTREPRENEURSHIP, ["65.01.01"], 300),
    # Tana Tidung (65.04) is left without an open programme, so the board shows poor villages no one reaches.
    (1, "Air Bersih Desa Pesisir", Sector.HEALTH, ["65.71", "65.01.01.2005"], 400),
    (2, "Kemandirian Ekonomi Desa Perbatasan", Sector.SOCIO_ECONOMIC, ["65.03"], 350),
    (3, "Posyandu dan Gizi Anak Malinau", Sector.HEALTH, ["65.02"], 250),
    (3, "Pelatihan Wirausaha Pemuda Kaltara", Sector.ENTREPRENEURSHIP, ["65"], 600),
]
# A full demo (not the tests' light one) adds programmes aimed at kecamatan in each kabupaten/kota,
# after the proposals above are matched (so their matches stay as they are); Tana Tidung keeps
# kecamatan no programme reaches.
PROVINCE_PROGRAMMES = [
    (2, "Sanitasi Desa Tana Lia dan Betayau", Sector.HEALTH, ["65.04.03", "65.04.04"], 200),
    (1, "Rumah Belajar Pemuda Krayan", Sector.EDUCATION, ["65.03.05", "65.03.07"], 150),
    (3, "Kebun Pangan Desa Peso", Sector.SOCIO_ECONOMIC, ["65.01.07", "65.01.08"], 180),
    (2, "Listrik Surya Desa Pujungan", Sector.SOCIO_ECONOMIC, ["65.02.03"], 220),
    (1, "Pelatihan Nelayan Muda Tarakan", Sector.ENTREPRENEURSHIP, ["65.71.03", "65.71.04"], 120),
]
# village, sector, title, amount (million), final state
PROPOSALS = [
    (
        DEMO_VILLAGE,
        Sector.ENTREPRENEURSHIP,
        "Pelatihan dan modal usaha kopi Gunung Putih",
        80,
        ProposalState.IN_PROGRESS,
    ),
    (DEMO_VILLAGE, Sector.EDUCATION, "Bimbingan belajar pemuda Gunung Putih", 40, ProposalState.MATCHED),
    (DEMO_VILLAGE, Sector.HEALTH, "Sumur bor dan tandon air bersih", 120, ProposalState.UNDER_REVIEW),
    (DEMO_VILLAGE, Sector.ENVIRONMENT, "Bank sampah Karang Taruna", 25, ProposalState.DRAFT),
    (DEMO_VILLAGE, Sector.OTHER, "Festival pemuda desa", 15, ProposalState.WITHDRAWN),
    ("65.01.01.2006", Sector.ENTREPRENEURSHIP, "Budidaya ikan air tawar", 60, ProposalState.REALISED),
    ("65.01.01.2007", Sector.EDUCATION, "Perpustakaan desa", 35, ProposalState.ACCEPTED),
    ("65.01.02.2001", Sector.EDUCATION, "Beasiswa SMA pemuda Long Beluah", 90, ProposalState.DECLINED),
    ("65.01.02.2002", Sector.EDUCATION, "Kelas komputer desa", 50, ProposalState.SUBMITTED),
    ("65.03.01.2001", Sector.SOCIO_ECONOMIC, "Koperasi nelayan Tanjung Karang", 150, ProposalState.ACCEPTED),
    ("65.03.01.2002", Sector.SOCIO_ECONOMIC, "Pengolahan rumput laut", 70, ProposalState.SUBMITTED),
    ("65.02.01.2005", Sector.HEALTH, "Posyandu remaja", 30, ProposalState.MATCHED),
    ("65.04.01.2001", Sector.HEALTH, "Jamban sehat keluarga miskin", 110, ProposalState.SUBMITTED),
    ("65.04.02.2003", Sector.ENTREPRENEURSHIP, "Pelatihan menjahit pemudi", 45, ProposalState.UNDER_REVIEW),
]
MILLION = Decimal(1_000_000)


def seed(ctx) -> None:
    if Programme.objects.filter(title=PROGRAMMES[0][1]).exists():
        ctx.log("csr: demo data already there")
        return
    rng = ctx.rng("csr")
    admin = ctx.objects["admin"]
    province = ctx.objects["provinsi"]
    pengurus = ctx.objects["pengurus"]
    rep = ctx.objects["perusahaan"]
    companies = [ctx.objects["company"]]
    for name, sector, kab in COMPANIES:
        company, _created = Company.objects.get_or_create(
            name=name,
            defaults={
                "business_sector": sector,
                "kabupaten": Region.objects.get(code=kab),
                "email": "csr@example.com",
                "contact_name": "Bagian CSR",
            },
        )
        companies.append(company)
    for company in companies:
        for year in (2025, 2026):
            ForumMembership.objects.get_or_create(company=company, year=year, forum="tjslbu")
    regions = {r.code: r for r in Region.objects.all()}
    # Programmes of the last quarter: they start after the demo's closed poverty-data round (July to
    # September 2026), so the impact page has poor families before the start to compare with.
    today = dt.date(2026, 10, 1)
    programmes = []
    for index, title, sector, targets, budget in PROGRAMMES:
        programmes.append(_programme(rng, companies, regions, today, index, title, sector, targets, budget, rep, admin))
    for code, sector, title, amount, final in PROPOSALS:
        proposer = pengurus if code == DEMO_VILLAGE else admin
        proposal = services.proposal_create(
            user=proposer,
            village=regions[code],
            proposer_kind=ProposerKind.KARANG_TARUNA if rng.random() < 0.75 else ProposerKind.VILLAGE,
            sector=sector,
            title=title,
            description=f"{title}: kegiatan Karang Taruna untuk pemuda dan keluarga miskin di desa.",
            amount_requested=amount * MILLION,
            beneficiaries=rng.randint(10, 120),
        )
        _advance(proposal, final, proposer=proposer, province=province, rep=rep, admin=admin, programmes=programmes)
    if not ctx.light:
        province_rng = ctx.rng("csr:province")
        for item in PROVINCE_PROGRAMMES:
            programmes.append(_programme(province_rng, companies, regions, today, *item, rep, admin))
    ctx.log(f"csr: {len(companies)} companies, {len(programmes)} programmes, {len(PROPOSALS)} proposals")


def _programme(rng, companies, regions, today, index, title, sector, targets, budget, rep, admin):
    owner = rep if index == 0 else admin
    programme = services.programme_create(
        user=owner,
        company=companies[index],
        title=title,
        sector=sector,
        budget=budget * MILLION,
        starts_on=today,
        ends_on=today + dt.timedelta(days=365),
        target_regions=[regions[c] for c in targets],
        description=f"Program CSR {companies[index].name}.",
        beneficiary_target=rng.randint(20, 200),
    )
    services.programme_set_status(user=owner, programme=programme, status="open")
    return programme


def _advance(proposal, final, *, proposer, province, rep, admin, programmes) -> None:
    if final == ProposalState.DRAFT:
        return
    if final == ProposalState.WITHDRAWN:
        services.proposal_transition(user=proposer, proposal=proposal, name="withdraw", note="Kegiatan dibatalkan.")
        return
    services.proposal_transition(user=proposer, proposal=proposal, name="submit", note="Mohon dukungan program CSR.")
    if final == ProposalState.SUBMITTED:
        return
    services.proposal_transition(
        user=province, proposal=proposal, name="review", note="Sedang ditelaah Dinas Sosial Provinsi."
    )
    if final == ProposalState.UNDER_REVIEW:
        return
    programme = next(
        p for p in programmes if p.sector == proposal.sector and p.covers(proposal.village.code) and p.status == "open"
    )
    decider = rep if programme.company.name.endswith("Lestari (demo)") else admin
    match = services.match_confirm(
        user=province,
        proposal=proposal,
        programme=programme,
        amount=proposal.amount_requested,
        note="Sesuai sektor dan wilayah sasaran.",
    )
    if final == ProposalState.MATCHED:
        return
    if final == ProposalState.DECLINED:
        services.match_decline(user=decider, match=match, reason="Kuota beasiswa tahun ini sudah terpenuhi.")
        return
    services.match_accept(user=decider, match=match, note="Disetujui, dana cair bertahap.")
    if final == ProposalState.ACCEPTED:
        return
    income = programme.sector in ("entrepreneurship", "socio_economic")
    services.realisation_report(
        user=decider,
        match=match,
        amount_spent=match.amount * Decimal("0.6"),
        beneficiaries_reached=proposal.beneficiaries,
        income_before=1_500_000 if income else None,
        income_after=2_100_000 if income else None,
        note="Tahap pertama selesai.",
    )
    if final == ProposalState.REALISED:
        services.proposal_transition(
            user=province, proposal=proposal, name="complete", note="Realisasi diverifikasi di lapangan."
        )
