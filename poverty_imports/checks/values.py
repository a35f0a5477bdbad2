"""The import's words, codes and dates, the rules a check needs, and how a check's message is built."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

ERROR, WARNING = "error", "warning"
FORMULA_START = ("=", "+", "-", "@")

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
# The clean columns of few distinct values, kept as categoricals (cast to text where they are written out).
COMPACT = ("sex", "relationship", "presence", "birth_place", "address", "dusun", "rt", "rw", "village_code")
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


_DMY = re.compile(r"([0-9]{1,2})([-/])([0-9]{1,2})\2([0-9]{4})")
_YMD = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_VILLAGE = re.compile(VILLAGE_CODE)


def parse_date(text: str) -> dt.date | None:
    """DD-MM-YYYY, DD/MM/YYYY (one separator throughout) or YYYY-MM-DD; None when it is none of those."""
    if match := _DMY.fullmatch(text):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif match := _YMD.fullmatch(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _strip(value: str | None) -> str:
    return (value or "").strip()


def _derive(t: pl.DataFrame, column: str, derive: Callable[[str], tuple], schema: dict[str, Any]) -> pl.DataFrame:
    """Columns computed once per distinct value of ``column`` (most columns of a list repeat a few values)
    by ``derive`` in Python, joined back to every row."""
    values = t.get_column(column).unique().to_list()
    mapping = pl.DataFrame([(v, *derive(v)) for v in values], schema={column: pl.String, **schema}, orient="row")
    return t.join(mapping, on=column, how="left", maintain_order="left")


def _derive_where(
    t: pl.DataFrame, where: pl.Expr, column: str, derive: Callable[[str], tuple], schema: dict[str, Any]
) -> pl.DataFrame:
    """``_derive`` for the rows ``where`` holds only (the others already have the columns of ``schema``)."""
    values = t.filter(where).get_column(column).unique().to_list()
    if not values:
        return t
    mapping = pl.DataFrame([(v, *derive(v)) for v in values], schema={column: pl.String, **schema}, orient="row")
    names = list(schema)
    t = t.join(mapping.rename({n: f"{n}__d" for n in names}), on=column, how="left", maintain_order="left")
    return t.with_columns(*[pl.when(where).then(pl.col(f"{n}__d")).otherwise(pl.col(n)).alias(n) for n in names]).drop(
        [f"{n}__d" for n in names]
    )
