"""The checks of the rows together (repeats, heads, families across villages) and against the portal."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext as _

from .values import ERROR, WARNING, message

# ---------------------------------------------------------------------------- across rows


def valid_rows(rows: pl.DataFrame, *columns: str) -> pl.LazyFrame:
    """``columns`` of the valid rows. When every row is valid (a clean file) the columns are shared, not
    copied: a million rows' keys filtered would be another 50 MB at the import's peak."""
    every = rows.get_column("valid").all()
    return rows.lazy().select(*columns) if every else rows.lazy().filter(pl.col("valid")).select(*columns)


def _flag(
    rows: pl.DataFrame, found: pl.DataFrame, stage: int, column: str, text: pl.Expr, severity: str = ERROR
) -> tuple[pl.DataFrame, pl.DataFrame]:
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
    """The checks across rows on the valid rows, each on what the previous ones left valid.

    Each check first narrows to the few keys that can fail (a NIK on two rows, a family with two heads or
    two villages), so a clean file costs a mask of the repeated NIKs and one aggregate of its families, not a
    sort of every row."""
    found: list[pl.DataFrame] = []
    keys = ("row", "nik", "no_kk", "village_code", "relationship")

    def narrow() -> pl.LazyFrame:
        return valid_rows(rows, *keys)

    def among(column: str, values: pl.Series) -> pl.DataFrame:
        return rows.filter(pl.col(column).is_in(values.implode()))

    # A NIK on two rows: two equal hashes side by side once sorted (eight bytes a row, where a grouping or a
    # mask of the texts builds a table of every NIK); the NIKs whose hash repeats are then compared as text.
    niks = narrow().select("nik").collect().get_column("nik")
    hashes = niks.hash().sort()
    repeated = hashes.filter(hashes == hashes.shift(1))
    twice = niks.clear()
    if repeated.len():
        maybe = niks.filter(niks.hash().is_in(repeated.implode()))
        twice = maybe.filter(maybe.is_duplicated()).unique()
    del niks, hashes
    if twice.len():
        whole = [c for c in rows.columns if c not in ("row", "valid", "raw_kk")]
        rows, issues = _flag(rows, _later(among("nik", twice), whole), 100, "",
                             message(_("This row repeats row %(first)d exactly."), first=pl.col("first")))  # fmt: skip
        found.append(issues)
        rows, issues = _flag(rows, _later(among("nik", twice), ["nik"]), 101, "nik",
                             message(_("This NIK already appears on row %(first)d."), first=pl.col("first")))  # fmt: skip
        found.append(issues)

    def families() -> pl.DataFrame:
        """Per family of the valid rows: its first row, its heads, whether its rows name two villages (the
        villages compared as category numbers: the texts' minimum and maximum took half as much memory again)."""
        return (
            narrow()
            .with_columns(village=pl.col("village_code").cast(pl.Categorical).to_physical())
            .group_by("no_kk")
            .agg(row=pl.col("row").min(), heads=(pl.col("relationship") == "head").sum(),
                 villages=pl.col("village").min() != pl.col("village").max())
            .collect()
        )  # fmt: skip

    per_family = families()
    two_heads = per_family.filter(pl.col("heads") > 1).get_column("no_kk")
    if two_heads.len():
        rows, issues = _flag(rows, _later(among("no_kk", two_heads), ["no_kk"], pl.col("relationship") == "head"), 102,
                             "hubungan_keluarga",
                             message(_("The family already has a head on row %(first)d."), first=pl.col("first")))  # fmt: skip
        found.append(issues)
    two_villages = per_family.filter(pl.col("villages")).get_column("no_kk")
    if two_villages.len():
        split = (
            among("no_kk", two_villages)
            .filter(pl.col("valid"))
            .select("row", "no_kk", "village_code")
            .sort("row")
            .with_columns(first_village=pl.col("village_code").first().over("no_kk"))
            .filter(pl.col("village_code") != pl.col("first_village"))
        )
        rows, issues = _flag(rows, split, 103, "kode_desa",
                             message(_("The family %(kk)s is already listed in village %(village)s."),
                                     kk=pl.lit("…") + pl.col("no_kk").str.slice(-4), village=pl.col("first_village")))  # fmt: skip
        found.append(issues)
    if two_heads.len() or two_villages.len():  # rows were left out since: the families counted again
        per_family = families()
    headless = per_family.filter(pl.col("heads") == 0).select("row", "no_kk").sort("row")
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
    """A NIK held by another family, a family registered in another village, a village past draft.

    The joins run on polars' streaming engine: a third of a million matches joined whole held 170 MB."""
    found: list[pl.DataFrame] = []
    taken = (
        valid_rows(rows, "row", "nik", "no_kk")
        .join(portal.members.lazy().unique(), on="nik", suffix="_o")
        .filter(pl.col("no_kk") != pl.col("no_kk_o"))
        .group_by("row")
        .agg(villages=pl.col("village_code").sort().str.join(", "))  # the holders' villages
        .sort("row")
        .collect(engine="streaming")
    )
    rows, issues = _flag(rows, taken, 200, "nik",
                         message(_("This NIK belongs to a present member of another active family (%(where)s)."), where=pl.col("villages")))  # fmt: skip
    found.append(issues)
    moved = (
        valid_rows(rows, "row", "no_kk", "village_code")
        .join(portal.families.lazy().select("no_kk", "village_code"), on="no_kk", suffix="_o")
        .group_by("row")
        .agg(village=pl.col("village_code_o").min(), here=(pl.col("village_code_o") == pl.col("village_code")).any())
        .filter(~pl.col("here"))
        .sort("row")
        .collect(engine="streaming")
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
        past = (
            rows.filter(pl.col("valid") & pl.col("village_code").is_in(list(texts)))
            .select("row", "village_code")
            .sort("row")
        )
        rows, issues = _flag(
            rows, past, 202, "kode_desa", pl.col("village_code").replace_strict(texts, return_dtype=pl.String)
        )
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
