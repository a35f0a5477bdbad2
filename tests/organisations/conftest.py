"""Fixtures of the registry tests: a Karang Taruna in the home village, one in the other kabupaten."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from organisations import services
from organisations.models import Organisation, Position, Term, default_term_end, today, years_later

# A valid NIK of Tanjung Palas (65.01.01): a woman born 12-03-1998 (day + 40).
NIK_WOMAN_1998 = "6501015203980001"


def make_organisation(*, user, region, name: str | None = None, **fields) -> Organisation:
    return services.organisation_create(user=user, region=region, name=name or f"Karang Taruna {region.name}", **fields)


def make_term(*, user, organisation, starts_on: dt.date | None = None, **fields) -> Term:
    starts_on = starts_on or years_later(today(), -1)
    fields.setdefault("sk_number", "12/KPTS/2025")
    fields.setdefault("sk_date", starts_on)
    return services.term_save(user=user, organisation=organisation, starts_on=starts_on, **fields)


def officer_fields(**overrides):
    fields = {
        "name": "Siti Lestari",
        "position": Position.SEKRETARIS,
        "field_name": "",
        "sex": "P",
        "birth_date": dt.date(1998, 3, 12),
        "phone": "081234567890",
        "nik": "",
    }
    return fields | overrides


@pytest.fixture
def orgs(region_tree, administrator) -> SimpleNamespace:
    """Home village (Gunung Putih, Bulungan) with a current term and Ketua; the other village (Nunukan) too."""
    home = make_organisation(user=administrator, region=region_tree.village, phone="0811")
    term = make_term(user=administrator, organisation=home)
    services.officer_save(
        user=administrator, term=term, **officer_fields(name="Rizky Ramadhan", position=Position.KETUA, sex="L")
    )
    other = make_organisation(user=administrator, region=region_tree.other_village)
    make_term(user=administrator, organisation=other)
    same_kab = make_organisation(user=administrator, region=region_tree.village_same_kab)
    return SimpleNamespace(home=home, term=term, other=other, same_kab=same_kab, admin=administrator)


def bulk_organisations(region_tree, count: int) -> list[Organisation]:
    """``count`` villages under Bulungan, each with a Karang Taruna and a current term (bulk, no history)."""
    from regions.models import Region

    kecamatan = region_tree.kecamatan
    regions = Region.objects.bulk_create(
        [
            Region(code=f"65.01.01.2{n:03d}", name=f"Desa Uji {n}", level=4, kind="desa", parent=kecamatan)
            for n in range(100, 100 + count)
        ]
    )
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(region=r, name=f"KT Uji {i}", classification="maju" if i % 2 else "")
            for i, r in enumerate(regions)
        ]
    )
    start = years_later(today(), -1)
    Term.objects.bulk_create(
        [
            Term(organisation=o, sk_number="1", sk_date=start, starts_on=start, ends_on=default_term_end(start))
            for o in organisations
        ]
    )
    return organisations
