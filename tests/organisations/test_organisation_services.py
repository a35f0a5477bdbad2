"""The registry's write rules: one organisation per region, terms, officers, programmes, policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organisations import services
from organisations.models import Officer, Organisation, Position, Programme, Term
from tests.factories import OrganisationFactory, OrganisationProgrammeFactory

from .conftest import NIK_WOMAN_1998, make_organisation, officer_fields


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def test_a_region_may_hold_only_one_karang_taruna(orgs, province_staff, region_tree):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(user=province_staff, region=region_tree.village, name="Kembar")
    assert "Wilayah ini sudah memiliki Karang Taruna." in messages_of(excinfo)
    assert Organisation.objects.filter(region=region_tree.village).count() == 1


def test_the_database_refuses_a_second_organisation_for_a_region_too(orgs, region_tree):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(region=region_tree.village, name="Kembar")


def test_kabupaten_staff_may_register_only_in_their_kabupaten(region_tree, kabupaten_staff):
    make_organisation(user=kabupaten_staff, region=region_tree.village)
    with pytest.raises(PermissionDenied):
        make_organisation(user=kabupaten_staff, region=region_tree.other_village)


def test_an_officer_may_edit_their_own_profile_but_not_anothers(orgs, officer):
    services.organisation_update(user=officer, organisation=orgs.home, name="KT Baru", status="active")
    assert Organisation.objects.get(pk=orgs.home.pk).name == "KT Baru"
    with pytest.raises(PermissionDenied):
        services.organisation_update(user=officer, organisation=orgs.other, name="Diambil alih")
    assert Organisation.objects.get(pk=orgs.other.pk).name == "Karang Taruna Tanjung Karang"


def test_a_term_lasts_five_years_unless_told_otherwise(orgs, officer):
    start = dt.date(orgs.term.ends_on.year + 1, 3, 1)
    term = services.term_save(user=officer, organisation=orgs.home, sk_number="1", sk_date=start, starts_on=start)
    assert term.ends_on == dt.date(start.year + 5, 3, 1) - dt.timedelta(days=1)


def test_a_term_cannot_end_before_it_starts(orgs, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.term_save(
            user=officer,
            organisation=orgs.home,
            sk_number="1",
            sk_date=dt.date(2030, 1, 1),
            starts_on=dt.date(2030, 1, 1),
            ends_on=dt.date(2029, 1, 1),
        )
    assert "Akhir masa bakti tidak boleh sebelum awalnya." in messages_of(excinfo)
    assert orgs.home.terms.count() == 1


def test_terms_of_one_organisation_may_not_overlap(orgs, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.term_save(
            user=officer,
            organisation=orgs.home,
            sk_number="2",
            sk_date=orgs.term.starts_on,
            starts_on=orgs.term.starts_on + dt.timedelta(days=30),
        )
    assert "bertumpang tindih" in messages_of(excinfo)


def test_an_officer_must_be_at_least_17_on_the_terms_start(orgs, officer):
    too_young = orgs.term.starts_on.replace(year=orgs.term.starts_on.year - 17) + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        services.officer_save(user=officer, term=orgs.term, **officer_fields(birth_date=too_young))
    assert "minimal 17 tahun" in messages_of(excinfo)
    exactly_17 = too_young - dt.timedelta(days=1)
    services.officer_save(user=officer, term=orgs.term, **officer_fields(birth_date=exactly_17))
    assert orgs.term.officers.count() == 2


def test_a_term_has_only_one_ketua(orgs, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.officer_save(user=officer, term=orgs.term, **officer_fields(position=Position.KETUA))
    assert "Masa bakti ini sudah memiliki Ketua." in messages_of(excinfo)
    assert orgs.term.officers.filter(position=Position.KETUA).count() == 1


def test_the_ketua_may_be_edited_without_tripping_the_one_ketua_rule(orgs, officer):
    ketua = orgs.term.officers.get(position=Position.KETUA)
    services.officer_save(
        user=officer, term=orgs.term, officer=ketua, **officer_fields(name="Rizky R.", position=Position.KETUA)
    )
    assert Officer.objects.get(pk=ketua.pk).name == "Rizky R."


def test_a_bad_nik_is_refused_and_a_good_one_kept(orgs, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.officer_save(user=officer, term=orgs.term, **officer_fields(nik="12345"))
    assert "NIK harus 16 digit" in messages_of(excinfo)
    saved = services.officer_save(user=officer, term=orgs.term, **officer_fields(nik=NIK_WOMAN_1998))
    assert saved.masked_nik == "650101******0001"


def test_moving_a_terms_start_may_not_make_an_officer_too_young(orgs, officer):
    before = orgs.term.starts_on
    services.officer_save(user=officer, term=orgs.term, **officer_fields(birth_date=dt.date(2000, 1, 1)))
    with pytest.raises(ValidationError) as excinfo:
        services.term_save(
            user=officer,
            organisation=orgs.home,
            term=orgs.term,
            sk_number="1",
            sk_date=dt.date(2010, 1, 1),
            starts_on=dt.date(2010, 1, 1),
            ends_on=dt.date(2014, 12, 31),
        )
    assert "di bawah 17 tahun" in messages_of(excinfo)
    assert Term.objects.get(pk=orgs.term.pk).starts_on == before


def test_a_programme_split_must_add_up_to_its_budget(orgs, officer):
    fields = {"title": "Bank sampah", "sector": "environment", "year": 2026, "budget": 10_000_000}
    with pytest.raises(ValidationError) as excinfo:
        services.programme_save(
            user=officer, organisation=orgs.home, funded_village=6_000_000, funded_csr=3_000_000, **fields
        )
    assert "Rp 9.000.000" in messages_of(excinfo) and "Rp 10.000.000" in messages_of(excinfo)
    assert not Programme.objects.exists()
    programme = services.programme_save(
        user=officer, organisation=orgs.home, funded_village=6_000_000, funded_csr=4_000_000, **fields
    )
    assert programme.funding == [("Desa (dana desa)", 6_000_000), ("CSR", 4_000_000)]


def test_the_database_refuses_a_split_that_does_not_add_up(orgs):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationProgrammeFactory(organisation=orgs.home, budget=10, funded_province=5)


def test_only_province_staff_record_assistance(orgs, officer, kabupaten_staff, province_staff):
    fields = {"year": 2026, "giver": "province", "form": "money", "value": 5_000_000}
    for user in (officer, kabupaten_staff):
        with pytest.raises(PermissionDenied):
            services.assistance_save(user=user, organisation=orgs.home, **fields)
    assistance = services.assistance_save(user=province_staff, organisation=orgs.home, **fields)
    assert assistance.history.first().history_user == province_staff


def test_every_change_is_kept_in_the_history_with_its_author(orgs, officer):
    services.organisation_update(user=officer, organisation=orgs.home, name="KT Baru", status="active")
    latest = orgs.home.history.first()
    assert (latest.name, latest.history_user, latest.history_type) == ("KT Baru", officer, "~")
    assert orgs.home.history.count() == 2


def test_a_ketua_bidang_names_the_field(orgs, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.officer_save(user=officer, term=orgs.term, **officer_fields(position=Position.KETUA_BIDANG))
    assert "Ketua Bidang perlu nama bidangnya." in messages_of(excinfo)
    saved = services.officer_save(
        user=officer, term=orgs.term, **officer_fields(position=Position.KETUA_BIDANG, field_name="Pendidikan")
    )
    assert saved.position_label == "Ketua Bidang Pendidikan"
