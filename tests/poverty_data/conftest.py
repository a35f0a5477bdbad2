"""Fixtures of the poverty-data tests: a Pokja, an open round, families with members."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from poverty_data.models import Family, Member, PokjaPosition
from poverty_data.services import families_load, pokja_member_add, pokja_save, round_open, submission_start

TODAY = dt.date(2026, 11, 28)


def nik_for(kecamatan: str, *, day: int = 12, month: int = 5, year: int = 90, female: bool = False, serial: int = 1):
    """A well-formed NIK: ``nik_for("650101", female=True)`` -> 6501015205900001."""
    return f"{kecamatan}{day + (40 if female else 0):02d}{month:02d}{year:02d}{serial:04d}"


def make_families(village, count: int, *, start: int = 1, desil: int = 3, members: int = 2) -> list[Family]:
    kec = village.code[:8].replace(".", "")
    rows = []
    for i in range(start, start + count):
        family = Family(
            village=village, no_kk=f"{kec}0101{i % 100:02d}{i:04d}", dusun="Dusun I", rt="001", rw="002", desil=desil
        )
        people = [
            Member(
                nik=nik_for(kec, serial=i * 10 + j, female=j % 2 == 1),
                name=f"Warga {i}-{j}",
                sex="P" if j % 2 == 1 else "L",
                birth_date=dt.date(1990, 5, 12),
                relationship="head" if j == 0 else "spouse",
            )
            for j in range(members)
        ]
        rows.append((family, people))
    families_load(rows=rows)
    return [f for f, _m in rows]


@pytest.fixture
def pokja(region_tree, officer, village_head):
    pokja = pokja_save(
        user=village_head,
        village=region_tree.village,
        sk_number="141/12/2026",
        sk_date=TODAY,
        budget_dana_desa=15000000,
        budget_year=2026,
    )
    pokja_member_add(user=village_head, pokja=pokja, member=officer, position=PokjaPosition.CHAIR)
    return pokja


@pytest.fixture
def open_round(province_staff):
    return round_open(
        user=province_staff,
        name="Pemutakhiran Desember 2026",
        period_start=dt.date(2026, 12, 1),
        period_end=dt.date(2026, 12, 31),
        submit_deadline=dt.date(2026, 12, 10),
        verify_deadline=dt.date(2026, 12, 15),
        approve_deadline=dt.date(2026, 12, 20),
        finalise_deadline=dt.date(2026, 12, 31),
    )


@pytest.fixture
def families(region_tree):
    return make_families(region_tree.village, 3)


@pytest.fixture
def other_families(region_tree):
    return make_families(region_tree.other_village, 2, start=500)


@pytest.fixture
def draft(open_round, pokja, officer, region_tree):
    return submission_start(user=officer, round=open_round, village=region_tree.village)


@pytest.fixture
def chain(officer, village_head, kabupaten_staff, province_staff, other_officer, administrator):
    return SimpleNamespace(
        officer=officer, head=village_head, kabupaten=kabupaten_staff, province=province_staff, other=other_officer
    )
