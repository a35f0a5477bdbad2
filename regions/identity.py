"""NIK and No. KK: structure checks and masking, in one place.

A NIK (Nomor Induk Kependudukan) has 16 digits: the 6-digit Kemendagri kecamatan code
of registration (``650101`` = 65.01.01), the birth date as DDMMYY with 40 added to the
day for women, and a 4-digit serial. A No. KK (family card number) also has 16 digits
starting with the kecamatan code. Both are personal data (UU 27/2022): screens show them
masked (first 6 and last 4 digits) unless the role needs them.

Checks return errors (the value cannot be right) and warnings (worth a look, not
blocking: people move, so a kecamatan outside Kaltara is a warning).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import Level, Region

KALTARA_PREFIX = "65"


@dataclass
class IdentityCheck:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def mask_number(value: str | None) -> str:
    """``6501014107900003`` -> ``650101******0003``; anything not 16 characters is masked whole."""
    if not value:
        return ""
    if len(value) != 16:
        return "*" * len(value)
    return f"{value[:6]}{'*' * 6}{value[-4:]}"


def kecamatan_code_of(number: str) -> str:
    """The dotted kecamatan code of a NIK or No. KK: ``650101...`` -> ``65.01.01``."""
    return f"{number[0:2]}.{number[2:4]}.{number[4:6]}"


class KecamatanCodes:
    """The kecamatan codes known to the portal, loaded once (for checking many rows)."""

    def __init__(self, codes: set[str] | None = None) -> None:
        self._codes = codes

    @property
    def codes(self) -> set[str]:
        if self._codes is None:
            self._codes = set(Region.objects.filter(level=Level.KECAMATAN).values_list("code", flat=True))
        return self._codes

    def __contains__(self, code: str) -> bool:
        return code in self.codes


def _check_region(number: str, label: str, known: KecamatanCodes, result: IdentityCheck, home: str) -> None:
    """Is the number's kecamatan known, and in the home province (the village's; Kaltara by default)?

    People move, so a code from another province is a warning; an unknown code inside the home
    province is an error (the whole province's kecamatan are known to the portal).
    """
    code = kecamatan_code_of(number)
    inside = code.startswith(f"{home}.")
    kaltara = home == KALTARA_PREFIX
    if code in known:
        if not inside:
            result.warnings.append(
                (_("%(label)s: the region code %(code)s is outside Kalimantan Utara.") if kaltara
                 else _("%(label)s: the region code %(code)s is outside the village's province (%(province)s)."))
                % {"label": label, "code": code, "province": home}
            )  # fmt: skip
        return
    if inside:
        result.errors.append(
            (_("%(label)s: the first 6 digits (%(code)s) are not a kecamatan of Kalimantan Utara.") if kaltara
             else _("%(label)s: the first 6 digits (%(code)s) are not a kecamatan of province %(province)s."))
            % {"label": label, "code": code, "province": home}
        )  # fmt: skip
    else:
        result.warnings.append(
            (_("%(label)s: the region code %(code)s is outside Kalimantan Utara (not checked).") if kaltara
             else _("%(label)s: the region code %(code)s is outside the village's province (%(province)s; not checked)."))
            % {"label": label, "code": code, "province": home}
        )  # fmt: skip


def _structure(value: str | None, label: str, result: IdentityCheck) -> str | None:
    number = (value or "").strip()
    if not number:
        result.errors.append(_("%(label)s is empty.") % {"label": label})
        return None
    if not number.isdigit() or not number.isascii():
        result.errors.append(_("%(label)s may contain digits only.") % {"label": label})
        return None
    if len(number) != 16:
        result.errors.append(
            _("%(label)s must have 16 digits, not %(count)d.") % {"label": label, "count": len(number)}
        )
        return None
    return number


def nik_birth_date(nik: str, *, century_hint: dt.date | None = None) -> tuple[dt.date | None, str | None]:
    """The birth date and sex ("L"/"P") coded in a NIK, or (None, None) when the digits are no date."""
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "L"
    if day > 40:
        day, sex = day - 40, "P"
    this_year = century_hint.year if century_hint else time.localtime().tm_year
    year = 2000 + year2 if 2000 + year2 <= this_year else 1900 + year2
    try:
        return dt.date(year, month, day), sex
    except ValueError:
        return None, None


def check_nik(
    value: str | None,
    *,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    known: KecamatanCodes | None = None,
    home: str = KALTARA_PREFIX,
) -> IdentityCheck:
    """Check a NIK's structure, region and, when given, its agreement with birth date and sex.

    ``home`` is the province code of the village the person lives in (Kaltara unless given).
    """
    result = IdentityCheck()
    label = "NIK"
    nik = _structure(value, label, result)
    if nik is None:
        return result
    _check_region(nik, label, known or KecamatanCodes(), result, home)
    coded_date, coded_sex = nik_birth_date(nik)
    if coded_date is None:
        result.errors.append(_("NIK: digits 7-12 (%(digits)s) are not a date DDMMYY.") % {"digits": nik[6:12]})
    else:
        if birth_date and (coded_date.day, coded_date.month, coded_date.year % 100) != (
            birth_date.day,
            birth_date.month,
            birth_date.year % 100,
        ):
            result.warnings.append(
                _("NIK: the birth date in the NIK (%(coded)s) differs from the birth date %(given)s.")
                % {
                    # Zero-padded like the import's SQL path (to_char) formats them.
                    "coded": f"{coded_date.day:02d}-{coded_date.month:02d}-{coded_date.year % 100:02d}",
                    "given": f"{birth_date.day:02d}-{birth_date.month:02d}-{birth_date.year:04d}",
                }
            )
        if sex in ("L", "P") and coded_sex != sex:
            result.warnings.append(
                _(
                    "NIK: the day in the NIK says %(coded)s, but the sex given is %(given)s (women have 40 added to the day)."
                )
                % {
                    "coded": _("female") if coded_sex == "P" else _("male"),
                    "given": _("female") if sex == "P" else _("male"),
                }
            )
    if nik[12:] == "0000":
        result.errors.append(_("NIK: the serial number (last 4 digits) cannot be 0000."))
    return result


def check_no_kk(value: str | None, *, known: KecamatanCodes | None = None, home: str = KALTARA_PREFIX) -> IdentityCheck:
    """Check a family card number's structure and region."""
    result = IdentityCheck()
    label = "No. KK"  # a proper name, the same in every language
    number = _structure(value, label, result)
    if number is None:
        return result
    _check_region(number, label, known or KecamatanCodes(), result, home)
    if number[12:] == "0000":
        result.errors.append(_("No. KK: the serial number (last 4 digits) cannot be 0000."))
    return result
