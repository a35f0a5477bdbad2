"""Every check of an imported poverty list, as polars expressions over the whole file.

``read_frames`` (``reader``) turns a CSV or XLSX into text frames; ``check_rows`` computes, for
every row at once, the clean values (``MemberRecord``'s fields) and the row's issues, with the
messages the import has always given, in the same order within a row:

- the No. KK and the NIK: 16 digits, a known kecamatan of the village's province (a code from
  elsewhere is a warning), a date DDMMYY in the NIK that agrees with the birth date and the sex,
  a serial other than 0000;
- the name, sex, birth date, relationship, presence, decile, RT/RW, village code (known, in the
  uploader's area, the import's own village) and the family's indicator columns;

``check_across`` then looks at the valid rows together (a row repeated, a NIK twice, two heads, a
family in two villages, a family without a head), and against what the portal holds, read once
from PostgreSQL (``Portal``): a NIK present in another active family, a family card registered in
another village, a village whose submission is past draft. ``leave_out_bad_families`` is the
"valid rows only" import's rule. Each step returns its issues as a frame (row, column, severity,
message) and updates the ``valid`` column.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from regions.identity import KALTARA_PREFIX

from .indicators import NO, YES, indicator_specs

ERROR, WARNING = "error", "warning"
FORMULA_START = ("=", "+", "-", "@")
# Python's str.strip() removes these (the reader has always trimmed cells with it).
WHITESPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())

SEX_WORDS = {"l": "L", "lk": "L", "laki": "L", "lakilaki": "L", "p": "P", "pr": "P", "perempuan": "P", "wanita": "P"}
# Relationship to the head of the family, as written in the lists, to canonical codes.
RELATIONSHIP_WORDS = {
    "kepalakeluarga": "head", "kepala": "head", "kk": "head", "1": "head",
    "istri": "spouse", "suami": "spouse", "istrisuami": "spouse", "suamiistri": "spouse", "2": "spouse",
    "anak": "child", "3": "child", "menantu": "child_in_law", "4": "child_in_law", "cucu": "grandchild",
    "5": "grandchild", "orangtua": "parent", "ayah": "parent", "ibu": "parent", "6": "parent", "mertua": "parent",
    "7": "parent", "famililain": "other", "famililainnya": "other", "8": "other", "lainnya": "other",
    "pembantu": "other", "9": "other",
}  # fmt: skip
PRESENCE_WORDS = {
    "": "here", "ada": "here", "tinggal": "here", "tinggaldisini": "here", "1": "here", "meninggal": "died",
    "2": "died", "pindah": "moved", "pindahdomestik": "moved", "3": "moved", "pindahluarnegeri": "abroad",
    "luarnegeri": "abroad", "4": "abroad", "baru": "new", "anggotabaru": "new", "5": "new",
    "tidakditemukan": "not_found", "6": "not_found",
}  # fmt: skip
DESIL = r"^0*([1-9]|10)$"  # 1 to 10, leading zeros allowed
VILLAGE_CODE = r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$"
# The clean values of a row (what a proposed change is built from), besides the indicator columns.
CLEAN = (
    "no_kk", "nik", "name", "sex", "birth_date", "relationship", "village_code", "birth_place", "address", "dusun",
    "rt", "rw", "desil", "presence",
)  # fmt: skip
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def word(text: str) -> str:
    """``Laki-laki`` -> ``lakilaki``: lower case, ASCII letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def normalise_village_code(text: str) -> str:
    """``65.01.01.2005`` or ``6501012005`` -> ``65.01.01.2005``; anything else is returned as typed."""
    text = text.strip().replace(" ", "")
    digits = text.replace(".", "")
    if len(digits) == 10 and digits.isascii() and digits.isdigit():
        return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:10]}"
    return text


def message(template: str, **values: pl.Expr | str) -> pl.Expr:
    """A translated message with expressions in its placeholders (``%(name)s``), as one string column."""
    parts: list[pl.Expr] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        if literal := template[position : match.start()].replace("%%", "%"):
            parts.append(pl.lit(literal))
        value = values[match.group(1)]
        parts.append(value.cast(pl.String) if isinstance(value, pl.Expr) else pl.lit(str(value)))
        position = match.end()
    if literal := template[position:].replace("%%", "%"):
        parts.append(pl.lit(literal))
    return pl.concat_str(parts) if len(parts) > 1 else parts[0]


@dataclass
class Rules:
    """What the row checks need to know besides the file: the villages and kecamatan, the import's village."""

    village_state: Callable[[Iterable[str]], dict[str, str]]  # codes -> "ok" / "unknown" / "out_of_scope"
    kecamatan: set[str]
    village: str | None = None
    today: dt.date = field(default_factory=dt.date.today)


@dataclass
class Check:
    column: str
    severity: str
    condition: pl.Expr
    message: pl.Expr


def _lookup(expr: pl.Expr, words: dict[str, str]) -> pl.Expr:
    return expr.str.to_lowercase().str.replace_all(r"[^0-9a-z]", "").replace_strict(words, default="")


def _days_in_month(year: pl.Expr, month: pl.Expr) -> pl.Expr:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return (
        pl.when(month.is_in([1, 3, 5, 7, 8, 10, 12]))
        .then(31)
        .when(month.is_in([4, 6, 9, 11]))
        .then(30)
        .when(leap)
        .then(29)
        .otherwise(28)
    )


def _date(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(valid, date): the date of year/month/day columns where they make one, else null."""
    valid = y.is_between(1, 9999) & m.is_between(1, 12) & (d >= 1) & (d <= _days_in_month(y, m))
    valid = valid.fill_null(False)
    # pl.date of an impossible date is an error: it is fed a harmless one where the parts make none.
    safe = pl.date(
        pl.when(valid).then(y).otherwise(2000), pl.when(valid).then(m).otherwise(1), pl.when(valid).then(d).otherwise(1)
    )
    return valid, pl.when(valid).then(safe)


def check_rows(frame: pl.DataFrame, columns: tuple[str, ...], rules: Rules, numbers: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows, issues) of a batch of text rows: ``rows`` has ``row``, ``valid``, ``raw_kk`` and the clean values;
    ``issues`` (row, ord, column, severity, message) in the order the checks run.

    ``numbers``: (row, column) of the No. KK / NIK cells an XLSX holds as numbers: those rows get only that error.
    """
    present = set(columns)
    specs = {name: spec for name, spec in indicator_specs().items() if name in present}
    t = frame.select(
        "row",
        *[
            (pl.col(c).fill_null("").str.strip_chars(WHITESPACE) if c in present else pl.lit("")).alias(c)
            for c in ("no_kk", "nik", "nama", "jenis_kelamin", "tanggal_lahir", "hubungan_keluarga", "kode_desa",
                      "tempat_lahir", "alamat", "dusun", "rt", "rw", "desil", "status_kehadiran", *specs)
        ],
    )  # fmt: skip
    # The village code: spaces dropped, ten digits dotted, the import's own village for an empty cell.
    typed = pl.col("kode_desa").str.replace_all(" ", "", literal=True)
    digits = typed.str.replace_all(".", "", literal=True)
    code = (
        pl.when(digits.str.contains(r"^[0-9]{10}$"))
        .then(pl.concat_str([digits.str.slice(0, 2), digits.str.slice(2, 2), digits.str.slice(4, 2), digits.str.slice(6, 4)], separator="."))
        .otherwise(typed)
    )  # fmt: skip
    if rules.village:
        code = pl.when(pl.col("kode_desa") == "").then(pl.lit(rules.village)).otherwise(code)
    t = t.with_columns(village_code=code)
    codes = [c for c in t.get_column("village_code").unique().to_list() if c and (not rules.village or c == rules.village)]
    states = rules.village_state(codes)
    t = t.with_columns(
        village_state=pl.col("village_code").replace_strict(states, default=None, return_dtype=pl.String),
        home=pl.when(pl.col("village_code").str.contains(VILLAGE_CODE))
        .then(pl.col("village_code").str.slice(0, 2))
        .otherwise(pl.lit(KALTARA_PREFIX)),
        sex_word=pl.col("jenis_kelamin").str.to_lowercase().str.replace_all(r"[^0-9a-z]", ""),
        sex=_lookup(pl.col("jenis_kelamin"), SEX_WORDS),
        relationship=_lookup(pl.col("hubungan_keluarga"), RELATIONSHIP_WORDS),
        presence=_lookup(pl.col("status_kehadiran"), PRESENCE_WORDS),
    )
    # The birth date: DD-MM-YYYY, DD/MM/YYYY (one separator) or YYYY-MM-DD.
    date_text = pl.col("tanggal_lahir")
    dmy = date_text.str.contains(r"^[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}$") | date_text.str.contains(r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$")
    ymd = date_text.str.contains(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$")
    parts = date_text.str.replace_all("/", "-", literal=True).str.split("-")
    first, second, third = (parts.list.get(i, null_on_oob=True).cast(pl.Int32, strict=False) for i in range(3))
    t = t.with_columns(
        birth_y=pl.when(dmy).then(third).when(ymd).then(first),
        birth_m=pl.when(dmy | ymd).then(second),
        birth_d=pl.when(dmy).then(first).when(ymd).then(third),
    )
    _ok, birth = _date(pl.col("birth_y"), pl.col("birth_m"), pl.col("birth_d"))
    t = t.with_columns(birth_date=birth)
    # The NIK and No. KK: structure, then the kecamatan and the date coded in the NIK.
    kecamatan = pl.Series(sorted(rules.kecamatan), dtype=pl.String)
    for alias, col in (("kk", "no_kk"), ("nik", "nik")):
        value = pl.col(col)
        t = t.with_columns(
            (value.str.contains(r"^[0-9]+$")).alias(f"{alias}_digits"),
            (value.str.contains(r"^[0-9]{16}$")).alias(f"{alias}_ok"),
        )
        kec = pl.concat_str([value.str.slice(0, 2), value.str.slice(2, 2), value.str.slice(4, 2)], separator=".")
        t = t.with_columns(
            kec.alias(f"{alias}_kec"),
            (pl.col(f"{alias}_ok") & kec.is_in(kecamatan.implode())).alias(f"{alias}_known"),
            (value.str.slice(0, 2) == pl.col("home")).alias(f"{alias}_inside"),
        )
    nik = pl.col("nik")
    dd = pl.when(pl.col("nik_ok")).then(nik.str.slice(6, 2).cast(pl.Int32, strict=False))
    t = t.with_columns(
        coded_day=pl.when(dd > 40).then(dd - 40).otherwise(dd),
        coded_sex=pl.when(dd > 40).then(pl.lit("P")).otherwise(pl.lit("L")),
        coded_month=pl.when(pl.col("nik_ok")).then(nik.str.slice(8, 2).cast(pl.Int32, strict=False)),
        coded_yy=pl.when(pl.col("nik_ok")).then(nik.str.slice(10, 2).cast(pl.Int32, strict=False)),
    )
    t = t.with_columns(
        coded_year=pl.when(2000 + pl.col("coded_yy") <= rules.today.year)
        .then(2000 + pl.col("coded_yy"))
        .otherwise(1900 + pl.col("coded_yy"))
    )
    coded_ok, _coded = _date(pl.col("coded_year"), pl.col("coded_month"), pl.col("coded_day"))
    t = t.with_columns(coded_valid=coded_ok)

    checks: list[Check] = []

    def add(column: str, severity: str, condition: pl.Expr, text: pl.Expr | str) -> None:
        checks.append(Check(column, severity, condition.fill_null(False), pl.lit(text) if isinstance(text, str) else text))

    in_kaltara = pl.col("home") == KALTARA_PREFIX
    for label, col, alias in (("No. KK", "no_kk", "kk"), ("NIK", "nik", "nik")):
        value, ok, known, inside = pl.col(col), pl.col(f"{alias}_ok"), pl.col(f"{alias}_known"), pl.col(f"{alias}_inside")
        exprs = {"label": label, "code": pl.col(f"{alias}_kec"), "province": pl.col("home")}

        def by_home(kaltara_text: str, other_text: str, exprs: dict = exprs) -> pl.Expr:
            return pl.when(in_kaltara).then(message(kaltara_text, **exprs)).otherwise(message(other_text, **exprs))

        add(col, ERROR, value == "", message(_("%(label)s is empty."), label=label))
        add(col, ERROR, (value != "") & ~pl.col(f"{alias}_digits"), message(_("%(label)s may contain digits only."), label=label))
        add(col, ERROR, pl.col(f"{alias}_digits") & (value.str.len_chars() != 16),
            message(_("%(label)s must have 16 digits, not %(count)d."), label=label, count=value.str.len_chars()))  # fmt: skip
        add(col, ERROR, ok & ~known & inside,
            by_home(_("%(label)s: the first 6 digits (%(code)s) are not a kecamatan of Kalimantan Utara."),
                    _("%(label)s: the first 6 digits (%(code)s) are not a kecamatan of province %(province)s.")))  # fmt: skip
        if col == "nik":
            add(col, ERROR, ok & ~pl.col("coded_valid"),
                message(_("NIK: digits 7-12 (%(digits)s) are not a date DDMMYY."), digits=value.str.slice(6, 6)))  # fmt: skip
            serial = _("NIK: the serial number (last 4 digits) cannot be 0000.")
        else:
            serial = _("No. KK: the serial number (last 4 digits) cannot be 0000.")
        add(col, ERROR, ok & (value.str.slice(12, 4) == "0000"), serial)
        add(col, WARNING, ok & known & ~inside,
            by_home(_("%(label)s: the region code %(code)s is outside Kalimantan Utara."),
                    _("%(label)s: the region code %(code)s is outside the village's province (%(province)s).")))  # fmt: skip
        add(col, WARNING, ok & ~known & ~inside,
            by_home(_("%(label)s: the region code %(code)s is outside Kalimantan Utara (not checked)."),
                    _("%(label)s: the region code %(code)s is outside the village's province (%(province)s; not checked).")))  # fmt: skip
        if col == "nik":
            pad = lambda e, n=2: e.cast(pl.String).str.zfill(n)  # noqa: E731
            birth = pl.col("birth_date")
            add(col, WARNING,
                ok & pl.col("coded_valid") & birth.is_not_null()
                & ((pl.col("coded_day") != birth.dt.day()) | (pl.col("coded_month") != birth.dt.month())
                   | (pl.col("coded_yy") != birth.dt.year() % 100)),
                message(_("NIK: the birth date in the NIK (%(coded)s) differs from the birth date %(given)s."),
                        coded=pl.concat_str([pad(pl.col("coded_day")), pad(pl.col("coded_month")), pad(pl.col("coded_yy"))], separator="-"),
                        given=pl.concat_str([pad(birth.dt.day()), pad(birth.dt.month()), pad(birth.dt.year(), 4)], separator="-")))  # fmt: skip
            female, male = _("female"), _("male")
            add(col, WARNING, ok & pl.col("coded_valid") & pl.col("sex").is_in(["L", "P"]) & (pl.col("coded_sex") != pl.col("sex")),
                message(_("NIK: the day in the NIK says %(coded)s, but the sex given is %(given)s (women have 40 added to the day)."),
                        coded=pl.when(pl.col("coded_sex") == "P").then(pl.lit(female)).otherwise(pl.lit(male)),
                        given=pl.when(pl.col("sex") == "P").then(pl.lit(female)).otherwise(pl.lit(male))))  # fmt: skip

    name = pl.col("nama")
    formula = name.str.slice(0, 1).is_in(list(FORMULA_START))
    add("nama", ERROR, name == "", _("The name is empty."))
    add("nama", ERROR, formula,
        message(_("The name starts with %(char)s, which a spreadsheet reads as a formula; remove it."), char=name.str.slice(0, 1)))  # fmt: skip
    add("nama", ERROR, (name != "") & ~formula & (name.str.len_chars() > 120), _("The name is longer than 120 characters."))
    add("jenis_kelamin", ERROR, pl.col("sex_word") == "", _("The sex is empty; write L or P."))
    add("jenis_kelamin", ERROR, (pl.col("sex_word") != "") & (pl.col("sex") == ""),
        message(_("“%(value)s” is not a sex; write L or P."), value=pl.col("jenis_kelamin").str.slice(0, 20)))  # fmt: skip
    add("tanggal_lahir", ERROR, date_text == "", _("The birth date is empty."))
    add("tanggal_lahir", ERROR, (date_text != "") & pl.col("birth_date").is_null(),
        message(_("“%(value)s” is not a date; write DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD."), value=date_text.str.slice(0, 20)))  # fmt: skip
    add("tanggal_lahir", ERROR, pl.col("birth_date") > rules.today, _("The birth date is in the future."))
    add("tanggal_lahir", ERROR, (pl.col("birth_date") <= rules.today) & (pl.col("birth_y") < 1900), _("The birth date is before 1900."))
    rel = pl.col("hubungan_keluarga")
    add("hubungan_keluarga", ERROR, rel == "", _("The relationship to the head of the family is empty."))
    add("hubungan_keluarga", ERROR, (rel != "") & (pl.col("relationship") == ""),
        message(_("“%(value)s” is not a known relationship (Kepala Keluarga, Istri, Suami, Anak, Menantu, Cucu, Orang Tua, Mertua, Famili Lain, Lainnya)."),
                value=rel.str.slice(0, 30)))  # fmt: skip
    if "status_kehadiran" in present:
        add("status_kehadiran", ERROR, pl.col("presence") == "",
            message(_("“%(value)s” is not a known presence status (Ada, Meninggal, Pindah, Pindah Luar Negeri, Baru, Tidak Ditemukan)."),
                    value=pl.col("status_kehadiran").str.slice(0, 30)))  # fmt: skip
    add("desil", ERROR, (pl.col("desil") != "") & ~pl.col("desil").str.contains(DESIL), _("The decile must be a whole number from 1 to 10."))
    for col in ("rt", "rw"):
        add(col, ERROR, (pl.col(col) != "") & (~pl.col(col).str.contains(r"^[0-9]+$") | (pl.col(col).str.len_chars() > 3)),
            message(_("%(column)s must be a number of at most 3 digits."), column=col.upper()))  # fmt: skip
    village_code = pl.col("village_code")
    add("kode_desa", ERROR, village_code == "", _("The village code is empty."))
    if rules.village:
        add("kode_desa", ERROR, (village_code != "") & (village_code != rules.village),
            message(_("The row is for village %(code)s, but this import is for village %(village)s."), code=village_code, village=rules.village))  # fmt: skip
    add("kode_desa", ERROR, pl.col("village_state") == "unknown",
        message(_("%(code)s is not a known village code."), code=village_code.str.slice(0, 20)))  # fmt: skip
    add("kode_desa", ERROR, pl.col("village_state") == "out_of_scope",
        message(_("The village %(code)s is outside your area."), code=village_code))  # fmt: skip
    extra: list[pl.Expr] = []
    for col, spec in specs.items():
        cell = pl.col(col)
        key = cell.str.to_lowercase().str.replace_all(r"[^0-9a-z]", "")
        if spec.kind == "bool":
            value = pl.when(key.is_in(sorted(YES))).then(True).when(key.is_in(sorted(NO))).then(False)
            add(col, ERROR, (cell != "") & value.is_null(),
                message(_("%(column)s: “%(value)s” is not ya or tidak."), column=col, value=cell.str.slice(0, 20)))  # fmt: skip
        elif spec.kind == "choice":
            value = key.replace_strict(spec.words or {}, default=None, return_dtype=pl.String)
            add(col, ERROR, (cell != "") & value.is_null(),
                message(_("%(column)s: “%(value)s” is not one of its values."), column=col, value=cell.str.slice(0, 30)))  # fmt: skip
        else:
            value = pl.when(cell != "").then(cell.str.slice(0, spec.max_length or 1_000_000))
        extra.append(pl.when(cell != "").then(value).alias(f"x_{col}"))

    if numbers is not None and numbers.height:
        # An XLSX number in the No. KK or NIK column: that error alone, as Excel has already lost digits.
        flagged = numbers.group_by("row").agg(pl.col("column"))
        t = t.join(flagged.rename({"column": "as_number"}), on="row", how="left")
        as_number = pl.col("as_number").is_not_null()
        number_checks = [
            Check(col, ERROR, pl.col("as_number").list.contains(col).fill_null(False),
                  message(_("%(column)s is stored as a number in Excel, which keeps only 15 digits; format the column as Text and type it again."), column=col))
            for col in ("no_kk", "nik")
        ]  # fmt: skip
        checks = number_checks + [Check(c.column, c.severity, c.condition & ~as_number, c.message) for c in checks]

    errors = [c.condition for c in checks if c.severity == ERROR]
    t = t.with_columns(
        *[pl.when(c.condition).then(c.message).alias(f"m{i}") for i, c in enumerate(checks)],
        valid=~pl.any_horizontal(errors),
    )
    issues = pl.concat(
        [
            t.filter(pl.col(f"m{i}").is_not_null()).select(
                "row", ord=pl.lit(i, pl.Int32), column=pl.lit(c.column), severity=pl.lit(c.severity),
                message=pl.col(f"m{i}"),
            )  # fmt: skip
            for i, c in enumerate(checks)
        ]
    ).sort("row", "ord")
    valid = pl.col("valid")
    rows = t.select(
        "row", "valid", *extra,
        raw_kk=pl.col("no_kk"),
        no_kk=pl.col("no_kk"), nik=pl.col("nik"), name=pl.col("nama"), sex=pl.col("sex"), birth_date=pl.col("birth_date"),
        relationship=pl.col("relationship"), village_code=pl.col("village_code"),
        birth_place=pl.col("tempat_lahir").str.slice(0, 80), address=pl.col("alamat").str.slice(0, 200),
        dusun=pl.col("dusun").str.slice(0, 60), rt=pl.col("rt"), rw=pl.col("rw"),
        desil=pl.when(valid & (pl.col("desil") != "")).then(pl.col("desil").cast(pl.Int16, strict=False)),
        presence=pl.when(pl.col("presence") == "").then(pl.lit("here")).otherwise(pl.col("presence")),
    )  # fmt: skip
    return rows, issues


# ---------------------------------------------------------------------------- across rows


def _flag(rows: pl.DataFrame, found: pl.DataFrame, stage: int, column: str, text: pl.Expr, severity: str = ERROR) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Issues for the rows of ``found`` (``row`` and what ``text`` uses); errors also clear ``valid``."""
    issues = found.select(
        "row", ord=pl.lit(stage, pl.Int32), column=pl.lit(column), severity=pl.lit(severity), message=text
    )
    if severity == ERROR and found.height:
        rows = rows.with_columns(valid=pl.col("valid") & ~pl.col("row").is_in(found.get_column("row").implode()))
    return rows, issues


def _later(rows: pl.DataFrame, keys: list[str], where: pl.Expr | None = None) -> pl.DataFrame:
    """(row, first) of the valid rows whose ``keys`` are on an earlier valid row."""
    valid = rows.filter(pl.col("valid") if where is None else pl.col("valid") & where)
    return (
        valid.select("row", *keys)
        .with_columns(first=pl.col("row").min().over(keys))
        .filter(pl.col("row") > pl.col("first"))
        .select("row", "first")
        .sort("row")
    )


def check_across(rows: pl.DataFrame) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """The checks across rows on the valid rows, each on what the previous ones left valid."""
    found: list[pl.DataFrame] = []
    whole = [c for c in rows.columns if c not in ("row", "valid", "raw_kk")]
    twice = rows.filter(pl.col("valid")).group_by("nik").len().filter(pl.col("len") > 1).get_column("nik")
    candidates = rows.filter(pl.col("nik").is_in(twice.implode()))
    if candidates.height:
        repeated = _later(candidates, whole)
        rows, issues = _flag(rows, repeated, 100, "", message(_("This row repeats row %(first)d exactly."), first=pl.col("first")))
        found.append(issues)
        candidates = rows.filter(pl.col("nik").is_in(twice.implode()))
        rows, issues = _flag(rows, _later(candidates, ["nik"]), 101, "nik",
                             message(_("This NIK already appears on row %(first)d."), first=pl.col("first")))  # fmt: skip
        found.append(issues)
    rows, issues = _flag(rows, _later(rows, ["no_kk"], pl.col("relationship") == "head"), 102, "hubungan_keluarga",
                         message(_("The family already has a head on row %(first)d."), first=pl.col("first")))  # fmt: skip
    found.append(issues)
    split = (
        rows.filter(pl.col("valid"))
        .select("row", "no_kk", "village_code")
        .sort("row")
        .with_columns(first_village=pl.col("village_code").first().over("no_kk"))
        .filter(pl.col("village_code") != pl.col("first_village"))
    )
    rows, issues = _flag(rows, split, 103, "kode_desa",
                         message(_("The family %(kk)s is already listed in village %(village)s."),
                                 kk=pl.lit("…") + pl.col("no_kk").str.slice(-4), village=pl.col("first_village")))  # fmt: skip
    found.append(issues)
    headless = (
        rows.filter(pl.col("valid"))
        .group_by("no_kk")
        .agg(row=pl.col("row").min(), heads=(pl.col("relationship") == "head").sum())
        .filter(pl.col("heads") == 0)
        .sort("row")
    )
    rows, issues = _flag(rows, headless, 104, "hubungan_keluarga",
                         message(_("The family with No. KK ending %(end)s has no head."), end=pl.col("no_kk").str.slice(-4)),
                         severity=WARNING)  # fmt: skip
    found.append(issues)
    return rows, found


@dataclass
class Portal:
    """What the portal holds about the file's numbers, read once: the present members of active families
    with the file's NIKs (nik, no_kk, village_code), the active families with its No. KK (no_kk, village_code),
    and the villages whose submission in the round is past draft (village_code -> state label)."""

    members: pl.DataFrame
    families: pl.DataFrame
    closed: dict[str, str]


def check_against_portal(rows: pl.DataFrame, portal: Portal) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    found: list[pl.DataFrame] = []
    valid = rows.filter(pl.col("valid")).select("row", "nik", "no_kk", "village_code")
    taken = (
        valid.join(portal.members.unique(), on="nik", suffix="_o")
        .filter(pl.col("no_kk") != pl.col("no_kk_o"))
        .group_by("row")
        .agg(villages=pl.col("village_code_o").sort().str.join(", "))
        .sort("row")
    )
    rows, issues = _flag(rows, taken, 200, "nik",
                         message(_("This NIK belongs to a present member of another active family (%(where)s)."), where=pl.col("villages")))  # fmt: skip
    found.append(issues)
    valid = rows.filter(pl.col("valid")).select("row", "no_kk", "village_code")
    moved = (
        valid.join(portal.families.select("no_kk", "village_code"), on="no_kk", suffix="_o")
        .group_by("row")
        .agg(village=pl.col("village_code_o").min(), here=(pl.col("village_code_o") == pl.col("village_code")).any())
        .filter(~pl.col("here"))
        .sort("row")
    )
    rows, issues = _flag(rows, moved, 201, "kode_desa",
                         message(_("This family is registered in village %(village)s; a move between villages is not an import."),
                                 village=pl.col("village")))  # fmt: skip
    found.append(issues)
    if portal.closed:
        texts = {
            code: _("The submission of village %(village)s is %(state)s; only a draft takes an import.")
            % {"village": code, "state": label}
            for code, label in portal.closed.items()
        }
        past = rows.filter(pl.col("valid") & pl.col("village_code").is_in(list(texts))).select("row", "village_code").sort("row")
        rows, issues = _flag(rows, past, 202, "kode_desa", pl.col("village_code").replace_strict(texts, return_dtype=pl.String))
        found.append(issues)
    return rows, found


def leave_out_bad_families(rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Only the valid rows were asked for: a family with any bad row is left out whole."""
    bad = rows.filter(~pl.col("valid") & (pl.col("raw_kk") != "")).get_column("raw_kk").unique()
    left = rows.filter(pl.col("valid") & pl.col("no_kk").is_in(bad.implode())).select("row").sort("row")
    issues = left.select(
        "row", ord=pl.lit(300, pl.Int32), column=pl.lit("no_kk"), severity=pl.lit(WARNING),
        message=pl.lit(_("Left out with its family: another row of the family has an error.")),
    )  # fmt: skip
    rows = rows.with_columns(valid=pl.col("valid") & ~pl.col("row").is_in(left.get_column("row").implode()))
    return rows, issues


def extra_json(rows: pl.DataFrame) -> pl.Expr:
    """The indicator columns of a row as a JSON object (its non-empty ones)."""
    names = [c for c in rows.columns if c.startswith("x_")]
    if not names:
        return pl.lit("{}")
    return pl.struct([pl.col(c).alias(c[2:]) for c in names]).struct.json_encode()


def to_json_text(value: Any) -> str:
    return json.dumps(value)


@dataclass
class Checked:
    """A file's rows checked one by one: ``rows`` (clean values and ``valid``), or the file's error."""

    rows: pl.DataFrame | None
    rows_read: int = 0
    file_error: str = ""


def check_frames(
    frames: Iterable[pl.DataFrame],
    source: Any,
    rules: Rules,
    *,
    on_batch: Callable[[pl.DataFrame], None],
    progress: Callable[[int], None] | None = None,
) -> Checked:
    """Check each batch of text rows as it is read; its issues go to ``on_batch``, its clean rows are kept.

    Only the clean columns of a batch are kept, so memory grows with the valid rows, not with the file's text.
    """
    from .reader import ImportFileError

    kept: list[pl.DataFrame] = []
    read = 0
    try:
        for frame in frames:
            if not frame.height:
                continue
            numbers = getattr(source, "numbers", None)
            rows, issues = check_rows(frame, tuple(source.columns), rules, numbers)
            read += frame.height
            kept.append(rows)
            on_batch(issues)
            if progress is not None:
                progress(read)
    except ImportFileError as exc:
        return Checked(rows=None, rows_read=read, file_error=exc.message)
    if not read:
        return Checked(rows=None, file_error=_("The file has a header but no rows."))
    return Checked(rows=pl.concat(kept, how="diagonal_relaxed") if len(kept) > 1 else kept[0], rows_read=read)
