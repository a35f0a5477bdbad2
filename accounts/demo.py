"""Demo users: one per role, password ``demo12345`` (the command refuses when DEBUG is off)."""

from __future__ import annotations

from regions.models import Region

from .models import Role
from .services import role_assign, user_ensure

DEMO_PASSWORD = "demo12345"  # noqa: S105 - demo only; seed_demo refuses it when DEBUG is off
DEMO_VILLAGE = "65.01.01.2005"  # Desa Gunung Putih, Tanjung Palas, Bulungan
DEMO_VILLAGE_2 = "65.03.01.2001"  # a desa of Sebatik, Nunukan

DEMO_USERS = [
    # username, first name, last name, role, region code (the company representative's company: csr.demo)
    ("provinsi", "Sri", "Wahyuni", Role.PROVINCE_STAFF, "65"),
    ("kabupaten", "Andi", "Pratama", Role.KABUPATEN_STAFF, "65.01"),
    ("pengurus", "Rizky", "Ramadhan", Role.KT_OFFICER, DEMO_VILLAGE),
    ("kades", "Yohanes", "Lawing", Role.VILLAGE_HEAD, DEMO_VILLAGE),
    ("pengurus2", "Nurul", "Hidayah", Role.KT_OFFICER, DEMO_VILLAGE_2),
    ("perusahaan", "Budi", "Santoso", Role.COMPANY_REP, None),
]


def seed(ctx) -> None:
    for username, first, last, role, code in DEMO_USERS:
        user = user_ensure(
            username=username, password=DEMO_PASSWORD, first_name=first, last_name=last, email=f"{username}@example.com"
        )
        if role != Role.COMPANY_REP:  # a company's representative is assigned with the company (csr.demo)
            role_assign(user=user, role=role, region=Region.objects.get(code=code))
        ctx.objects[username] = user
    admin = user_ensure(
        username="admin",
        password=DEMO_PASSWORD,
        first_name="Admin",
        last_name="Portal",
        email="admin@example.com",
        is_superuser=True,
    )
    role_assign(user=admin, role=Role.ADMINISTRATOR)
    ctx.objects["admin"] = admin
    ctx.log(f"accounts: {len(DEMO_USERS) + 1} demo users, password {DEMO_PASSWORD}")
