"""NIK and No. KK checks and masking (regions/identity.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from regions.identity import KecamatanCodes, check_nik, check_no_kk, mask_number, nik_birth_date

KNOWN = KecamatanCodes({"65.01.01", "65.03.01", "64.71.01"})
# A woman born 1 July 1990 registered in Tanjung Palas (65.01.01): day 01 + 40 = 41.
WOMAN = "6501014107900003"


def test_a_well_formed_nik_of_kaltara_passes_clean():
    result = check_nik(WOMAN, birth_date=dt.date(1990, 7, 1), sex="P", known=KNOWN)
    assert result.ok and result.warnings == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("650101410790000", "NIK must have 16 digits, not 15."),
        ("65010141079000031", "NIK must have 16 digits, not 17."),
        ("65010141079O0003", "NIK may contain digits only."),
        ("", "NIK is empty."),
        ("6599014107900003", "NIK: the first 6 digits (65.99.01) are not a kecamatan of Kalimantan Utara."),
        ("6501019913900003", "NIK: digits 7-12 (991390) are not a date DDMMYY."),
        ("6501014107900000", "NIK: the serial number (last 4 digits) cannot be 0000."),
    ],
)
def test_a_malformed_nik_is_an_error_that_names_the_problem(value, message, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"):
        result = check_nik(value, known=KNOWN)
    assert message in result.errors


def test_birth_date_and_sex_disagreeing_with_the_nik_are_warnings_not_errors():
    from django.utils import translation

    with translation.override("en"):
        result = check_nik(WOMAN, birth_date=dt.date(1991, 7, 1), sex="L", known=KNOWN)
    assert result.ok
    assert any("differs from the birth date 01-07-1991" in w for w in result.warnings)
    assert any("says female, but the sex given is male" in w for w in result.warnings)


def test_a_nik_from_outside_kaltara_is_a_warning_because_people_move():
    result = check_nik("6471014107900003", known=KNOWN)
    assert result.ok and len(result.warnings) == 1


def test_the_messages_are_indonesian_by_default():
    result = check_nik("123", known=KNOWN)
    assert result.errors == ["NIK harus 16 digit, bukan 3."]


def test_the_birth_date_and_sex_are_read_from_the_nik():
    assert nik_birth_date(WOMAN, century_hint=dt.date(2026, 1, 1)) == (dt.date(1990, 7, 1), "P")
    assert nik_birth_date("6501011203150001", century_hint=dt.date(2026, 1, 1)) == (dt.date(2015, 3, 12), "L")


def test_no_kk_checks_length_digits_and_region():
    assert check_no_kk("6501010101200001", known=KNOWN).ok
    assert not check_no_kk("65010101012000", known=KNOWN).ok
    assert not check_no_kk("6599010101200001", known=KNOWN).ok


def test_masking_keeps_the_first_six_and_last_four_digits():
    assert mask_number(WOMAN) == "650101******0003"
    assert mask_number("123") == "***"
    assert mask_number("") == ""


def test_known_codes_are_read_from_the_region_tree_once(region_tree, django_assert_num_queries):
    known = KecamatanCodes()
    with django_assert_num_queries(1):
        assert check_nik(WOMAN, known=known).ok
        assert check_nik("6501024107900003", known=known).ok
