"""Fuzzing the NIK and No. KK checks (regions/identity.py): any input gives an answer, never an exception."""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st

from regions.identity import KecamatanCodes, check_nik, check_no_kk, mask_number, nik_birth_date

KECAMATAN = ["65.01.01", "65.01.02", "65.03.01", "65.71.01", "64.71.01"]
KNOWN = KecamatanCodes(set(KECAMATAN))
TODAY = dt.date.today()  # noqa: DTZ011 - the checks read the local calendar too

# Strings a NIK field really receives: digits of every length, digits from other scripts,
# spaces, dots and dashes typed in, full-width digits, emoji, control characters.
DIGITISH = st.text(alphabet=st.sampled_from("0123456789 .-\t\u00a0٠١٢٣٤٥٦٧٨٩０１２３４５６７８９²"), max_size=24)
ANY_TEXT = st.one_of(st.text(max_size=40), DIGITISH, st.from_regex(r"\A[0-9]{16}\Z"), st.none())
SEX = st.sampled_from([None, "", "L", "P", "X", "l"])
BIRTH = st.one_of(st.none(), st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))


def _labelled(messages: list[str], label: str) -> bool:
    return all(isinstance(m, str) and m.strip() and label in m for m in messages)


@given(value=ANY_TEXT, birth_date=BIRTH, sex=SEX)
@example(value="６５０１０１４１０７９００００３", birth_date=None, sex=None)  # full-width digits pass isdigit()
@example(value="6501010000000001", birth_date=None, sex=None)  # day and month 00
@example(value="6501019999990001", birth_date=dt.date(9999, 12, 31), sex="P")
def test_any_nik_input_gives_errors_or_ok_and_every_message_names_the_nik(value, birth_date, sex):
    result = check_nik(value, birth_date=birth_date, sex=sex, known=KNOWN)
    assert result.ok == (not result.errors)
    assert _labelled(result.errors, "NIK")
    assert _labelled(result.warnings, "NIK")
    if result.ok:
        assert value.strip().isascii() and value.strip().isdigit() and len(value.strip()) == 16


@given(value=ANY_TEXT)
@example(value="6501010101200000")
def test_any_no_kk_input_gives_errors_or_ok_and_every_message_names_the_no_kk(value):
    result = check_no_kk(value, known=KNOWN)
    assert result.ok == (not result.errors)
    assert _labelled(result.errors, "No. KK")
    assert _labelled(result.warnings, "No. KK")


@given(
    kecamatan=st.sampled_from(KECAMATAN[:4]),
    birth_date=st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY),
    sex=st.sampled_from(["L", "P"]),
    serial=st.integers(min_value=1, max_value=9999),
)
@example(kecamatan="65.01.01", birth_date=dt.date(2000, 2, 29), sex="P", serial=1)
@example(kecamatan="65.01.01", birth_date=dt.date(1904, 2, 29), sex="L", serial=9999)
def test_a_nik_built_from_a_kaltara_kecamatan_a_birth_date_and_a_serial_passes_clean(
    kecamatan, birth_date, sex, serial
):
    day = birth_date.day + (40 if sex == "P" else 0)
    nik = f"{kecamatan.replace('.', '')}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"
    result = check_nik(nik, birth_date=birth_date, sex=sex, known=KNOWN)
    assert result.ok, result.errors
    assert result.warnings == []
    coded, coded_sex = nik_birth_date(nik)
    assert (coded.day, coded.month, coded.year % 100, coded_sex) == (
        birth_date.day,
        birth_date.month,
        birth_date.year % 100,
        sex,
    )


@given(
    kecamatan=st.sampled_from(KECAMATAN[:4]),
    middle=st.from_regex(r"\A[0-9]{6}\Z"),
    serial=st.integers(min_value=1, max_value=9999),
    position=st.integers(min_value=0, max_value=15),
    bad=st.characters(exclude_categories=["Nd"]),
)
def test_a_valid_no_kk_passes_and_any_non_digit_in_it_is_an_error(kecamatan, middle, serial, position, bad):
    number = f"{kecamatan.replace('.', '')}{middle}{serial:04d}"
    assert check_no_kk(number, known=KNOWN).ok
    broken = number[:position] + bad + number[position + 1 :]
    if broken.strip() == number:  # a space at either end is trimmed, as a form does
        return
    result = check_no_kk(broken, known=KNOWN)
    assert not result.ok
    assert _labelled(result.errors, "No. KK")


@given(value=ANY_TEXT)
def test_the_messages_are_indonesian(value):
    with translation.override("id"):
        indonesian = check_nik(value, known=KNOWN).errors
    with translation.override("en"):
        english = check_nik(value, known=KNOWN).errors
    assert len(indonesian) == len(english)
    for id_message, en_message in zip(indonesian, english, strict=True):
        assert id_message != en_message


@given(value=st.one_of(st.text(max_size=40), st.none()))
def test_masking_never_shows_more_than_ten_digits_and_keeps_the_length(value):
    masked = mask_number(value)
    assert len(masked) == len(value or "")
    assert sum(ch != "*" for ch in masked) <= 10


@given(number=st.from_regex(r"\A[0-9]{16}\Z"))
def test_the_birth_date_of_any_sixteen_digits_is_a_date_or_none(number):
    coded, sex = nik_birth_date(number)
    assert (coded is None) == (sex is None)
    if coded is not None:
        assert sex in ("L", "P")
