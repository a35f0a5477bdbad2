"""Row-by-row validation of an imported poverty list, with the same NIK/KK checks as the forms.

``RowValidator.check(row)`` turns a ``SourceRow`` into a ``MemberRecord`` (clean values)
and a list of ``Issue`` (errors block the row, warnings are shown). Checks across rows
(a NIK twice, two heads in one family, a family split over two villages, duplicate rows)
are kept in compact state so memory stays bounded by the number of members, not the file.
Checks against existing data (a NIK active in another family) belong to the importer,
which asks the database set-wise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from regions.identity import KALTARA_PREFIX, KecamatanCodes, check_nik, check_no_kk

from .reader import SourceRow, cell_text, parse_date

ERROR, WARNING = "error", "warning"
FORMULA_START = ("=", "+", "-", "@")

SEX_WORDS = {"l": "L", "lk": "L", "laki": "L", "lakilaki": "L", "p": "P", "pr": "P", "perempuan": "P", "wanita": "P"}

# Relationship to the head of the family, as written in the lists, to canonical codes.
RELATIONSHIP_WORDS = {
    "kepalakeluarga": "head",
    "kepala": "head",
    "kk": "head",
    "1": "head",
    "istri": "spouse",
    "suami": "spouse",
    "istrisuami": "spouse",
    "suamiistri": "spouse",
    "2": "spouse",
    "anak": "child",
    "3": "child",
    "menantu": "child_in_law",
    "4": "child_in_law",
    "cucu": "grandchild",
    "5": "grandchild",
    "orangtua": "parent",
    "ayah": "parent",
    "ibu": "parent",
    "6": "parent",
    "mertua": "parent",
    "7": "parent",
    "famililain": "other",
    "famililainnya": "other",
    "8": "other",
    "lainnya": "other",
    "pembantu": "other",
    "9": "other",
}
PRESENCE_WORDS = {
    "": "here",
    "ada": "here",
    "tinggal": "here",
    "tinggaldisini": "here",
    "1": "here",
    "meninggal": "died",
    "2": "died",
    "pindah": "moved",
    "pindahdomestik": "moved",
    "3": "moved",
    "pindahluarnegeri": "abroad",
    "luarnegeri": "abroad",
    "4": "abroad",
    "baru": "new",
    "anggotabaru": "new",
    "5": "new",
    "tidakditemukan": "not_found",
    "6": "not_found",
}


def _word(value: Any) -> str:
    """``Laki-laki`` -> ``lakilaki``: lower case, ASCII letters and digits only (as the SQL path's ``WORD``)."""
    return _NOT_WORD.sub("", cell_text(value).lower())


_NOT_WORD = re.compile(r"[^0-9a-z]")
DIGITS = re.compile(r"[0-9]+")
DESIL = r"^0*([1-9]|10)$"  # 1 to 10, leading zeros allowed (the SQL path uses the same pattern)
_DESIL = re.compile(DESIL)
VILLAGE_CODE = r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$"
_VILLAGE_CODE = re.compile(VILLAGE_CODE)


def home_province(village_code: str) -> str:
    """The province code of a row's village (``65.01.01.2005`` -> ``65``); Kaltara when it is no village code."""
    return village_code[:2] if _VILLAGE_CODE.fullmatch(village_code) else KALTARA_PREFIX


@dataclass(frozen=True)
class Issue:
    row: int
    column: str
    severity: str
    message: str


@dataclass
class MemberRecord:
    row: int
    no_kk: str
    nik: str
    name: str
    sex: str
    birth_date: dt.date | None
    relationship: str
    village_code: str
    birth_place: str = ""
    address: str = ""
    dusun: str = ""
    rt: str = ""
    rw: str = ""
    desil: int | None = None
    presence: str = "here"
    extra: dict[str, str] = field(default_factory=dict)


def normalise_village_code(value: Any) -> str:
    """``65.01.01.2005`` or ``6501012005`` -> ``65.01.01.2005``; anything else is returned as typed."""
    text = cell_text(value).replace(" ", "")
    digits = text.replace(".", "")
    if len(digits) == 10 and DIGITS.fullmatch(digits):
        return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:10]}"
    return text


class RowValidator:
    """Validates rows one at a time, remembering what cross-row checks need.

    ``village_lookup(code)`` answers "unknown", "out_of_scope" or "ok" for a dotted village
    code (the importer caches it); ``village`` is the one village the import is for, if any.
    """

    def __init__(
        self,
        *,
        village_lookup: Callable[[str], str],
        village: str | None = None,
        known_kecamatan: KecamatanCodes | None = None,
        extra_parsers: dict[str, Callable[[str], tuple[Any, str | None]]] | None = None,
        today: dt.date | None = None,
        cross_row: bool = True,
    ) -> None:
        self.village_lookup = village_lookup
        self.village = village
        self.known = known_kecamatan or KecamatanCodes()
        # Optional columns with a parser each (the family's indicators): cell text -> (value, error).
        self.extra_parsers = extra_parsers or {}
        self.today = today or dt.date.today()  # noqa: DTZ011 - a calendar date
        # Checks across rows held in memory (portable path); the staged import does them in SQL.
        self.cross_row = cross_row
        self._nik_rows: dict[int, int] = {}  # NIK (as int) -> first row
        self._heads: dict[int, int] = {}  # No. KK (as int) -> row of its head
        self._family_village: dict[int, str] = {}  # No. KK -> village code of its first row
        self._row_digests: dict[bytes, int] = {}  # digest of the whole row -> first row
        self.families_without_head: set[int] = set()

    def check(self, row: SourceRow) -> tuple[MemberRecord | None, list[Issue]]:
        issues: list[Issue] = []
        raw = row.values
        number = row.number

        def error(column: str, message: str) -> None:
            issues.append(Issue(number, column, ERROR, message))

        for column in ("no_kk", "nik"):
            value = raw.get(column)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                error(
                    column,
                    _(
                        "%(column)s is stored as a number in Excel, which keeps only 15 digits; format the column as Text and type it again."
                    )
                    % {"column": column},
                )
        if issues:
            return None, issues

        v = {key: cell_text(value) for key, value in raw.items()}
        if self.cross_row:
            digest = hashlib.blake2b("\x1f".join(v[k] for k in sorted(v)).encode("utf-8"), digest_size=12).digest()
            first = self._row_digests.get(digest)
            if first is not None:
                error("", _("This row repeats row %(first)d exactly.") % {"first": first})
                return None, issues
            self._row_digests[digest] = number

        no_kk, nik, name = v.get("no_kk", ""), v.get("nik", ""), v.get("nama", "")
        sex_text, date_text = v.get("jenis_kelamin", ""), v.get("tanggal_lahir", "")
        relationship_text, presence_text = v.get("hubungan_keluarga", ""), v.get("status_kehadiran", "")
        sex_word = _word(sex_text)
        sex = SEX_WORDS.get(sex_word, "")
        raw_date = raw.get("tanggal_lahir")
        birth_date = raw_date.date() if isinstance(raw_date, dt.datetime) else parse_date(date_text)
        relationship = RELATIONSHIP_WORDS.get(_word(relationship_text), "")
        presence = PRESENCE_WORDS.get(_word(presence_text), "")
        village_code = normalise_village_code(v.get("kode_desa", ""))

        home = home_province(village_code or self.village or "")
        kk_check = check_no_kk(no_kk, known=self.known, home=home)
        for message in kk_check.errors:
            error("no_kk", message)
        for message in kk_check.warnings:
            issues.append(Issue(number, "no_kk", WARNING, message))
        nik_check = check_nik(nik, birth_date=birth_date, sex=sex or None, known=self.known, home=home)
        for message in nik_check.errors:
            error("nik", message)
        for message in nik_check.warnings:
            issues.append(Issue(number, "nik", WARNING, message))

        if not name:
            error("nama", _("The name is empty."))
        elif name.startswith(FORMULA_START):
            error(
                "nama",
                _("The name starts with %(char)s, which a spreadsheet reads as a formula; remove it.")
                % {"char": name[0]},
            )
        elif len(name) > 120:
            error("nama", _("The name is longer than 120 characters."))

        if not sex_word:
            error("jenis_kelamin", _("The sex is empty; write L or P."))
        elif not sex:
            error("jenis_kelamin", _("“%(value)s” is not a sex; write L or P.") % {"value": sex_text[:20]})

        if not date_text:
            error("tanggal_lahir", _("The birth date is empty."))
        elif birth_date is None:
            error(
                "tanggal_lahir",
                _("“%(value)s” is not a date; write DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD.") % {"value": date_text[:20]},
            )
        elif birth_date > self.today:
            error("tanggal_lahir", _("The birth date is in the future."))
        elif birth_date.year < 1900:
            error("tanggal_lahir", _("The birth date is before 1900."))

        if not relationship_text:
            error("hubungan_keluarga", _("The relationship to the head of the family is empty."))
        elif not relationship:
            error(
                "hubungan_keluarga",
                _(
                    "“%(value)s” is not a known relationship (Kepala Keluarga, Istri, Suami, Anak, Menantu, Cucu, Orang Tua, Mertua, Famili Lain, Lainnya)."
                )
                % {"value": relationship_text[:30]},
            )

        if "status_kehadiran" in v and not presence:
            error(
                "status_kehadiran",
                _(
                    "“%(value)s” is not a known presence status (Ada, Meninggal, Pindah, Pindah Luar Negeri, Baru, Tidak Ditemukan)."
                )
                % {"value": presence_text[:30]},
            )

        desil = None
        desil_text = v.get("desil", "")
        if desil_text:
            if _DESIL.fullmatch(desil_text):
                desil = int(desil_text)
            else:
                error("desil", _("The decile must be a whole number from 1 to 10."))

        for column in ("rt", "rw"):
            text = v.get(column, "")
            if text and (not DIGITS.fullmatch(text) or len(text) > 3):
                error(column, _("%(column)s must be a number of at most 3 digits.") % {"column": column.upper()})

        if self.village and not village_code:
            village_code = self.village
        if not village_code:
            error("kode_desa", _("The village code is empty."))
        elif self.village and village_code != self.village:
            error(
                "kode_desa",
                _("The row is for village %(code)s, but this import is for village %(village)s.")
                % {"code": village_code, "village": self.village},
            )
        else:
            state = self.village_lookup(village_code)
            if state == "unknown":
                error("kode_desa", _("%(code)s is not a known village code.") % {"code": village_code[:20]})
            elif state == "out_of_scope":
                error("kode_desa", _("The village %(code)s is outside your area.") % {"code": village_code})

        extra: dict[str, Any] = {}
        for column, parse in self.extra_parsers.items():
            text = v.get(column, "")
            if text:
                value, problem = parse(text)
                if problem:
                    error(column, problem)
                else:
                    extra[column] = value

        if self.cross_row and kk_check.ok and nik_check.ok:
            self._cross_row_checks(number, nik, no_kk, village_code, relationship, error)

        if any(i.severity == ERROR for i in issues):
            return None, issues
        record = MemberRecord(
            row=number,
            no_kk=no_kk,
            nik=nik,
            name=name,
            sex=sex,
            birth_date=birth_date,
            relationship=relationship,
            village_code=village_code,
            birth_place=v.get("tempat_lahir", "")[:80],
            address=v.get("alamat", "")[:200],
            dusun=v.get("dusun", "")[:60],
            rt=v.get("rt", ""),
            rw=v.get("rw", ""),
            desil=desil,
            presence=presence or "here",
            extra=extra,
        )
        return record, issues

    def _cross_row_checks(self, number: int, nik: str, no_kk: str, village_code: str, relationship: str, error) -> None:
        nik_key, kk_key = int(nik), int(no_kk)
        first = self._nik_rows.get(nik_key)
        if first is not None:
            error("nik", _("This NIK already appears on row %(first)d.") % {"first": first})
        else:
            self._nik_rows[nik_key] = number
        family_village = self._family_village.setdefault(kk_key, village_code)
        if village_code and family_village != village_code:
            error(
                "kode_desa",
                _("The family %(kk)s is already listed in village %(village)s.")
                % {"kk": "…" + no_kk[-4:], "village": family_village},
            )
        if relationship == "head":
            head_row = self._heads.get(kk_key)
            if head_row is not None:
                error("hubungan_keluarga", _("The family already has a head on row %(first)d.") % {"first": head_row})
            else:
                self._heads[kk_key] = number
                self.families_without_head.discard(kk_key)
        elif kk_key not in self._heads:
            self.families_without_head.add(kk_key)

    def family_issues(self) -> list[Issue]:
        """Warnings known only at the end: families without a head."""
        return [
            Issue(
                0,
                "hubungan_keluarga",
                WARNING,
                _("The family with No. KK ending %(end)s has no head.") % {"end": str(kk)[-4:]},
            )
            for kk in sorted(self.families_without_head)
        ]
