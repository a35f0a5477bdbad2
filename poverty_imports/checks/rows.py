"""The checks of each row on its own: every column, as polars expressions over a batch of rows."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from django.utils.translation import gettext as _

from regions.identity import KALTARA_PREFIX

from ..indicators import indicator_parsers, indicator_specs
from ..reader import WHITESPACE
from .values import (
    _VILLAGE,
    COMPACT,
    DESIL,
    ERROR,
    FORMULA_START,
    PRESENCE_WORDS,
    RELATIONSHIP_WORDS,
    SEX_WORDS,
    VILLAGE_CODE,
    WARNING,
    Check,
    Rules,
    _derive,
    _derive_where,
    _strip,
    message,
    normalise_village_code,
    parse_date,
    word,
)


def check_rows(
    frame: pl.DataFrame, columns: tuple[str, ...], rules: Rules, numbers: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows, issues) of a batch of text rows: ``rows`` has ``row``, ``valid``, ``raw_kk`` and the clean values;
    ``issues`` (row, ord, column, severity, message) in the order the checks run.

    ``numbers``: (row, column) of the No. KK / NIK cells an XLSX holds as numbers: those rows get only that error.
    """
    present = set(columns)
    specs = {name: spec for name, spec in indicator_specs().items() if name in present}
    parsers = indicator_parsers()
    cell = lambda c: pl.col(c).fill_null("") if c in present else pl.lit("")  # noqa: E731
    # The columns of many distinct values are trimmed here; the others per distinct value below.
    t = frame.select(
        "row",
        *[cell(c).str.strip_chars(WHITESPACE).alias(c) for c in ("no_kk", "nik", "nama", "tempat_lahir", "alamat")],
        *[cell(c).alias(f"{c}_raw") for c in ("jenis_kelamin", "tanggal_lahir", "hubungan_keluarga", "kode_desa",
                                             "dusun", "rt", "rw", "desil", "status_kehadiran", *specs)],
    )  # fmt: skip

    def words(table: dict[str, str]) -> Callable[[str], tuple]:
        return lambda v: (_strip(v), word(_strip(v)), table.get(word(_strip(v)), ""))

    t = _derive(
        t, "jenis_kelamin_raw", words(SEX_WORDS), {"sex_text": pl.String, "sex_word": pl.String, "sex": pl.String}
    )
    t = _derive(t, "hubungan_keluarga_raw", words(RELATIONSHIP_WORDS),
                {"rel_text": pl.String, "rel_word": pl.String, "relationship": pl.String})  # fmt: skip
    t = _derive(t, "status_kehadiran_raw", words(PRESENCE_WORDS),
                {"presence_text": pl.String, "presence_word": pl.String, "presence": pl.String})  # fmt: skip
    # The birth date: the usual DD-MM-YYYY read by polars, any other spelling per distinct value in Python.
    usual = pl.col("tanggal_lahir_raw").str.contains(r"^[0-9]{2}-[0-9]{2}-[0-9]{4}$")
    t = t.with_columns(
        date_text=pl.when(usual).then(pl.col("tanggal_lahir_raw")),
        birth_date=pl.when(usual).then(pl.col("tanggal_lahir_raw").str.to_date("%d-%m-%Y", strict=False)),
    )
    t = _derive_where(t, ~usual, "tanggal_lahir_raw", lambda v: (_strip(v), parse_date(_strip(v))),
                      {"date_text": pl.String, "birth_date": pl.Date})  # fmt: skip
    t = t.with_columns(pl.col(f"{c}_raw").str.strip_chars(WHITESPACE).alias(c) for c in ("dusun", "rt", "rw", "desil"))

    # The village code: spaces dropped, ten digits dotted, the import's own village for an empty cell;
    # whether it is known and in the uploader's area, asked once per distinct code.
    def village_code(v: str) -> tuple:
        code = normalise_village_code(_strip(v))
        if rules.village and not code:
            code = rules.village
        return (code, code[:2] if _VILLAGE.fullmatch(code) else KALTARA_PREFIX)

    dotted = pl.col("kode_desa_raw").str.contains(VILLAGE_CODE)
    t = t.with_columns(
        village_code=pl.when(dotted).then(pl.col("kode_desa_raw")),
        home=pl.when(dotted).then(pl.col("kode_desa_raw").str.slice(0, 2)),
    )
    t = _derive_where(t, ~dotted, "kode_desa_raw", village_code, {"village_code": pl.String, "home": pl.String})
    codes = [
        c for c in t.get_column("village_code").unique().to_list() if c and (not rules.village or c == rules.village)
    ]
    states = rules.village_state(codes)
    states_frame = pl.DataFrame(
        {"village_code": list(states), "village_state": list(states.values())},
        schema={"village_code": pl.String, "village_state": pl.String},
    )
    t = t.join(states_frame, on="village_code", how="left", maintain_order="left")
    for name in specs:
        parse = parsers[name]

        def indicator(v: str, parse: Callable = parse) -> tuple:
            text = _strip(v)
            if not text:
                return (None, None)
            value, problem = parse(text)
            return (None if problem else value, problem)

        kind = pl.Boolean if specs[name].kind == "bool" else pl.String
        t = _derive(t, f"{name}_raw", indicator, {f"x_{name}": kind, f"p_{name}": pl.String})
    # From here on one lazy plan, run once per batch, rather than some 60 eager steps each with its own
    # fixed cost; the messages likewise, in one plan and only for the rows a check flagged.
    t = t.lazy()
    # The NIK and No. KK: structure, the kecamatan, the date coded in the NIK (per distinct DDMMYY).
    kecamatan = pl.Series(sorted(rules.kecamatan), dtype=pl.String).implode()
    for alias, col in (("kk", "no_kk"), ("nik", "nik")):
        value = pl.col(col)
        t = t.with_columns(value.str.contains(r"^[0-9]+$").alias(f"{alias}_digits"))
        t = t.with_columns((pl.col(f"{alias}_digits") & (value.str.len_bytes() == 16)).alias(f"{alias}_ok"))
        kec = pl.concat_str([value.str.slice(0, 2), value.str.slice(2, 2), value.str.slice(4, 2)], separator=".")
        t = t.with_columns(kec.alias(f"{alias}_kec"))
        t = t.with_columns(
            (pl.col(f"{alias}_ok") & pl.col(f"{alias}_kec").is_in(kecamatan)).alias(f"{alias}_known"),
            (value.str.slice(0, 2) == pl.col("home")).alias(f"{alias}_inside"),
        )
    # The date coded in the NIK: DDMMYY, women's day + 40, the century that keeps it in the past.
    nik = pl.col("nik")
    dd, mm, yy = (pl.when(pl.col("nik_ok")).then(nik.str.slice(i, 2).cast(pl.Int32, strict=False)) for i in (6, 8, 10))
    t = t.with_columns(coded_dd=dd, coded_month=mm, coded_yy=yy)
    day, month, yy = pl.col("coded_dd"), pl.col("coded_month"), pl.col("coded_yy")
    day = pl.when(day > 40).then(day - 40).otherwise(day)
    year = pl.when(2000 + yy <= rules.today.year).then(2000 + yy).otherwise(1900 + yy)
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    last = (
        pl.when(month.is_in([1, 3, 5, 7, 8, 10, 12])).then(31).when(month.is_in([4, 6, 9, 11])).then(30)
        .when(leap).then(29).otherwise(28)
    )  # fmt: skip
    t = t.with_columns(
        coded_day=day,
        coded_valid=(month.is_between(1, 12) & (day >= 1) & (day <= last)).fill_null(False),
        coded_sex=pl.when(pl.col("coded_dd") > 40).then(pl.lit("P")).otherwise(pl.lit("L")),
    )

    date_text = pl.col("date_text")

    checks: list[Check] = []

    def add(column: str, severity: str, condition: pl.Expr, text: pl.Expr | str) -> None:
        checks.append(
            Check(column, severity, condition.fill_null(False), pl.lit(text) if isinstance(text, str) else text)
        )

    in_kaltara = pl.col("home") == KALTARA_PREFIX
    for label, col, alias in (("No. KK", "no_kk", "kk"), ("NIK", "nik", "nik")):
        value, ok, known, inside = (
            pl.col(col),
            pl.col(f"{alias}_ok"),
            pl.col(f"{alias}_known"),
            pl.col(f"{alias}_inside"),
        )
        exprs = {"label": label, "code": pl.col(f"{alias}_kec"), "province": pl.col("home")}

        def by_home(kaltara_text: str, other_text: str, exprs: dict = exprs) -> pl.Expr:
            return pl.when(in_kaltara).then(message(kaltara_text, **exprs)).otherwise(message(other_text, **exprs))

        add(col, ERROR, value == "", message(_("%(label)s is empty."), label=label))
        add(
            col,
            ERROR,
            (value != "") & ~pl.col(f"{alias}_digits"),
            message(_("%(label)s may contain digits only."), label=label),
        )
        add(col, ERROR, pl.col(f"{alias}_digits") & ~ok,
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
            birth = pl.col("birth_date")
            pad = lambda e: e.cast(pl.String).str.zfill(2)  # noqa: E731
            coded = pl.concat_str(
                [pad(pl.col("coded_day")), pad(pl.col("coded_month")), pad(pl.col("coded_yy"))], separator="-"
            )
            add(col, WARNING,
                ok & pl.col("coded_valid") & birth.is_not_null()
                & ((pl.col("coded_day") != birth.dt.day()) | (pl.col("coded_month") != birth.dt.month())
                   | (pl.col("coded_yy") != birth.dt.year() % 100)),
                message(_("NIK: the birth date in the NIK (%(coded)s) differs from the birth date %(given)s."),
                        coded=coded, given=birth.dt.to_string("%d-%m-%Y")))  # fmt: skip
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
    add(
        "nama",
        ERROR,
        (name != "") & ~formula & (name.str.len_chars() > 120),
        _("The name is longer than 120 characters."),
    )
    add("jenis_kelamin", ERROR, pl.col("sex_word") == "", _("The sex is empty; write L or P."))
    add("jenis_kelamin", ERROR, (pl.col("sex_word") != "") & (pl.col("sex") == ""),
        message(_("“%(value)s” is not a sex; write L or P."), value=pl.col("sex_text").str.slice(0, 20)))  # fmt: skip
    add("tanggal_lahir", ERROR, date_text == "", _("The birth date is empty."))
    add("tanggal_lahir", ERROR, (date_text != "") & pl.col("birth_date").is_null(),
        message(_("“%(value)s” is not a date; write DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD."), value=date_text.str.slice(0, 20)))  # fmt: skip
    add("tanggal_lahir", ERROR, pl.col("birth_date") > rules.today, _("The birth date is in the future."))
    add(
        "tanggal_lahir",
        ERROR,
        (pl.col("birth_date") <= rules.today) & (pl.col("birth_date").dt.year() < 1900),
        _("The birth date is before 1900."),
    )
    rel = pl.col("rel_text")
    add("hubungan_keluarga", ERROR, rel == "", _("The relationship to the head of the family is empty."))
    add("hubungan_keluarga", ERROR, (rel != "") & (pl.col("relationship") == ""),
        message(_("“%(value)s” is not a known relationship (Kepala Keluarga, Istri, Suami, Anak, Menantu, Cucu, Orang Tua, Mertua, Famili Lain, Lainnya)."),
                value=rel.str.slice(0, 30)))  # fmt: skip
    if "status_kehadiran" in present:
        add("status_kehadiran", ERROR, pl.col("presence") == "",
            message(_("“%(value)s” is not a known presence status (Ada, Meninggal, Pindah, Pindah Luar Negeri, Baru, Tidak Ditemukan)."),
                    value=pl.col("presence_text").str.slice(0, 30)))  # fmt: skip
    add(
        "desil",
        ERROR,
        (pl.col("desil") != "") & ~pl.col("desil").str.contains(DESIL),
        _("The decile must be a whole number from 1 to 10."),
    )
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
    for col in specs:
        add(col, ERROR, pl.col(f"p_{col}").is_not_null(), pl.col(f"p_{col}"))

    if numbers is not None and numbers.height:
        # An XLSX number in the No. KK or NIK column: that error alone, as Excel has already lost digits.
        flagged = numbers.group_by("row").agg(pl.col("column"))
        t = t.join(flagged.rename({"column": "as_number"}).lazy(), on="row", how="left", maintain_order="left")
        as_number = pl.col("as_number").is_not_null()
        number_checks = [
            Check(col, ERROR, pl.col("as_number").list.contains(col).fill_null(False),
                  message(_("%(column)s is stored as a number in Excel, which keeps only 15 digits; format the column as Text and type it again."), column=col))
            for col in ("no_kk", "nik")
        ]  # fmt: skip
        checks = number_checks + [Check(c.column, c.severity, c.condition & ~as_number, c.message) for c in checks]

    # The conditions over every row; the messages only for the rows some check flags.
    errors = [f"k{i}" for i, c in enumerate(checks) if c.severity == ERROR]
    t = t.with_columns(*[c.condition.alias(f"k{i}") for i, c in enumerate(checks)])
    t = t.with_columns(
        valid=~pl.any_horizontal(errors), noted=pl.any_horizontal([f"k{i}" for i in range(len(checks))])
    ).collect()
    noted = t.filter(pl.col("noted")).lazy()
    # The messages of the flagged rows only, every check's in one plan (none for a clean batch).
    issues = (
        pl.concat(
            [
                noted.filter(pl.col(f"k{i}")).select(
                    "row",
                    ord=pl.lit(i, pl.Int32),
                    column=pl.lit(c.column),
                    severity=pl.lit(c.severity),
                    message=c.message.cast(pl.String),
                )  # fmt: skip
                for i, c in enumerate(checks)
            ]
        )
        .sort("row", "ord")
        .collect()
    )
    valid = pl.col("valid")
    rows = t.select(
        "row", "valid", *[f"x_{c}" for c in specs],
        raw_kk=pl.col("no_kk"),
        no_kk=pl.col("no_kk"), nik=pl.col("nik"), name=pl.col("nama"), sex=pl.col("sex"), birth_date=pl.col("birth_date"),
        relationship=pl.col("relationship"), village_code=pl.col("village_code"),
        birth_place=pl.col("tempat_lahir").str.slice(0, 80), address=pl.col("alamat").str.slice(0, 200),
        dusun=pl.col("dusun").str.slice(0, 60), rt=pl.col("rt"), rw=pl.col("rw"),
        desil=pl.when(valid & (pl.col("desil") != "")).then(pl.col("desil").cast(pl.Int16, strict=False)),
        presence=pl.when(pl.col("presence") == "").then(pl.lit("here")).otherwise(pl.col("presence")),
    )  # fmt: skip
    # Columns of few distinct values kept as categoricals: 4 bytes a row instead of a 16-byte view and its text.
    return rows.with_columns(pl.col(*COMPACT).cast(pl.Categorical)), issues
