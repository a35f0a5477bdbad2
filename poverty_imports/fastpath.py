"""The PostgreSQL fast path of the import: the raw CSV goes in with COPY, the rows are checked set-wise.

What ``validation.RowValidator`` does row by row in Python, this module does for the whole file
in a few SQL statements, with the same patterns and the same (translated) messages:

1. the header is read in Python (encoding, delimiter, column names: ``reader``);
2. the rest of the file is streamed unparsed into a temporary table with ``COPY … (FORMAT csv)``,
   one text column per header cell, an identity column numbering the rows as a spreadsheet does;
3. one statement trims and parses every cell (``import_parsed``), a second computes every
   row's messages (``import_checked``): one column per check, NULL when the check passes;
4. the messages go into ``ImportIssue`` and the rows without errors into ``StagedRow``, both with
   ``INSERT … SELECT``; from there the import goes on as on every database.

A file PostgreSQL's CSV parser reads differently from Python's (ragged rows, a blank line inside
the data, a quoted header, old Mac line ends, a ``\\.`` line) makes ``stage`` return False before
anything is kept, and the importer reads it the portable way instead. Both paths give the same
report for the same file (tests/poverty_imports/test_import_service.py).
"""

from __future__ import annotations

import csv
import json
import logging
import re
import sys
import time
from collections.abc import Callable
from typing import IO, Any

import psycopg
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from regions.identity import KALTARA_PREFIX
from regions.models import Level

from .indicators import NO, YES, indicator_specs
from .models import ImportIssue, StagedRow
from .reader import (
    CELL_LIMIT,
    DATE_DMY,
    DATE_YMD,
    ImportFileError,
    SourceFile,
    detect_delimiter,
    detect_encoding,
    map_columns,
)
from .validation import (
    DESIL,
    ERROR,
    FORMULA_START,
    PRESENCE_WORDS,
    RELATIONSHIP_WORDS,
    SEX_WORDS,
    VILLAGE_CODE,
    WARNING,
)

# Python's str.strip() removes these; btrim() gets the same set.
WHITESPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
CHUNK = 1024 * 1024
logger = logging.getLogger(__name__)


class Sql:
    """SQL text with named parameters; ``lit`` binds a value, ``msg`` builds a translated message."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def lit(self, value: Any) -> str:
        key = f"p{len(self.params)}"
        self.params[key] = value
        return f"%({key})s"

    def msg(self, template: str, **exprs: str) -> str:
        """``concat`` of a translated message's text with SQL expressions for its placeholders."""
        parts: list[str] = []
        position = 0
        for match in _PLACEHOLDER.finditer(template):
            if literal := template[position : match.start()].replace("%%", "%"):
                parts.append(self.lit(literal))
            parts.append(f"({exprs[match.group(1)]})::text")
            position = match.end()
        if literal := template[position:].replace("%%", "%"):
            parts.append(self.lit(literal))
        return f"concat({', '.join(parts)})"


def word(expr: str) -> str:
    """The SQL twin of ``validation._word``: lower case, ASCII letters and digits only."""
    return f"regexp_replace(lower({expr}), '[^0-9a-z]', '', 'g')"


def days_in_month(year: str, month: str) -> str:
    return (
        f"(CASE WHEN {month} IN (1, 3, 5, 7, 8, 10, 12) THEN 31 WHEN {month} IN (4, 6, 9, 11) THEN 30 "
        f"WHEN (mod({year}, 4) = 0 AND mod({year}, 100) <> 0) OR mod({year}, 400) = 0 THEN 29 ELSE 28 END)"
    )


def kecamatan_of(expr: str) -> str:
    return f"(substr({expr}, 1, 2) || '.' || substr({expr}, 3, 2) || '.' || substr({expr}, 5, 2))"


# ---------------------------------------------------------------------------- loading


class NotForCopy(Exception):
    """PostgreSQL's CSV reading of this file could differ from Python's: take the portable path."""


def _header(handle: IO[bytes], info: SourceFile, village_given: bool, extra: tuple[str, ...]) -> tuple[list, int]:
    """The column mapping and the byte offset where the data starts."""
    info.encoding = detect_encoding(handle)
    if info.encoding not in ("utf-8-sig", "cp1252"):  # UTF-16 (Excel's "Unicode text"): the portable path
        raise NotForCopy
    handle.seek(0)
    head = handle.read(CHUNK)
    end = head.find(b"\n")
    if end < 0 or b'"' in head[:end] or b"\r" in head[:end].rstrip(b"\r"):
        raise NotForCopy
    first = head[:end].decode(info.encoding).rstrip("\r\n")
    if not first.strip():
        raise NotForCopy  # the portable path says what is wrong
    info.delimiter = detect_delimiter(first)
    header = next(csv.reader([first], delimiter=info.delimiter))
    mapping, info.columns, info.ignored_columns = map_columns(header, extra_optional=extra, village_given=village_given)
    return mapping, end + 1


def _copy(handle: IO[bytes], offset: int, width: int, info: SourceFile) -> None:
    columns = ", ".join(f"c{i} text" for i in range(width))
    delimiter = {"\t": "E'\\t'"}.get(info.delimiter, f"'{info.delimiter}'")
    encoding = "UTF8" if info.encoding.startswith("utf-8") else "WIN1252"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_raw")
        cursor.execute(
            f"CREATE TEMP TABLE import_raw (row integer GENERATED ALWAYS AS IDENTITY (START WITH 2), {columns})"
        )
        handle.seek(offset)
        names = ", ".join(f"c{i}" for i in range(width))
        with cursor.cursor.copy(
            f"COPY import_raw ({names}) FROM STDIN WITH (FORMAT csv, DELIMITER {delimiter}, ENCODING '{encoding}')"
        ) as copy:
            held = b""  # line ends at the end of what was read: only written when more data follows
            previous = b""
            while chunk := handle.read(CHUNK):
                # A line holding only \. ends COPY's input early; such a file is read the portable way.
                if b"\\." in previous[-1:] + chunk:
                    raise NotForCopy
                previous = chunk
                data = held + chunk
                stripped = data.rstrip(b"\r\n")
                held = data[len(stripped) :]
                if stripped:
                    copy.write(stripped)
            if held:  # one line end, of the file's own kind: COPY refuses a mix
                copy.write(held[:2] if held.startswith(b"\r\n") else held[:1])


def stage(ctx: Any, handle: IO[bytes], *, progress: Callable[[int, str], None], today: Any) -> bool:
    """Load and check ``handle`` (a CSV) set-wise into the batch's staged rows and issues.

    Returns False, having kept nothing, when the file is to be read the portable way.
    """
    from .services import village_lookup_for

    batch, report = ctx.batch, ctx.report
    specs = indicator_specs()
    started = [time.perf_counter()]

    def lap(step: str) -> None:
        now = time.perf_counter()
        logger.info("import %s: %s in %.2f s", batch.pk, step, now - started[0])
        started[0] = now

    info = SourceFile(kind="csv")
    try:
        mapping, offset = _header(handle, info, batch.village_id is not None, tuple(specs))
    except (NotForCopy, UnicodeDecodeError):
        return False
    except ImportFileError as exc:
        report.source = info
        report.file_error = exc.message
        return True
    try:
        with transaction.atomic():
            _copy(handle, offset, len(mapping), info)
    except (NotForCopy, DatabaseError, psycopg.Error):
        return False
    report.source = info
    with connection.cursor() as cursor:
        # A cell longer than Python's reader takes: the portable path refuses the file, naming the row.
        huge = " OR ".join(
            f"(octet_length(c{i}) > %(limit)s AND char_length(c{i}) > %(limit)s)" for i in range(len(mapping))
        )
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM import_raw WHERE {huge})", {"limit": CELL_LIMIT})  # noqa: S608
        if cursor.fetchone()[0]:
            cursor.execute("DROP TABLE import_raw")
            return False
        blank = " AND ".join(f"btrim(coalesce(c{i}, ''), %(ws)s) = ''" for i in range(len(mapping)))
        cursor.execute(f"DELETE FROM import_raw WHERE {blank}", {"ws": WHITESPACE})  # noqa: S608
        cursor.execute("SELECT count(*) FROM import_raw")
        report.rows_read = cursor.fetchone()[0]
    if not report.rows_read:
        report.file_error = _("The file has a header but no rows.")
        return True
    progress(report.rows_read, _("%(count)d rows read") % {"count": report.rows_read})
    village = batch.village.code if batch.village_id else None
    present = {name: i for i, name in enumerate(mapping) if name}
    lap("COPY of the raw file")
    _parse(present, specs, village)
    lap("cells parsed")
    _villages(village_lookup_for(ctx.user), village)
    lap("villages looked up")
    checks = _check(present, specs, village, today)
    lap("rows checked")
    _store(ctx, checks, present, specs)
    lap("issues and staged rows stored")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_raw, import_parsed, import_checked, import_villages")
    return True


# ---------------------------------------------------------------------------- parsing


def _parse(present: dict[str, int], specs: dict, village: str | None) -> None:
    """``import_parsed``: every cell trimmed, the words looked up, the dates and codes read."""
    sql = Sql()
    ws = sql.lit(WHITESPACE)

    def text(name: str) -> str:
        return f"btrim(coalesce(r.c{present[name]}, ''), {ws})" if name in present else "''"

    extras = ", ".join(f"{text(name)} AS x_{name}" for name in specs if name in present)
    # DATE_DMY without its back reference (slow in PostgreSQL): one pattern per separator.
    dash, slash, ymd = (sql.lit(p) for p in (DATE_DMY.replace("([-/])", "-").replace("\\2", "-"),
                                             DATE_DMY.replace("([-/])", "/").replace("\\2", "/"), DATE_YMD))  # fmt: skip
    fallback = f"CASE WHEN w.code = '' THEN {sql.lit(village)} ELSE w.code END" if village else "w.code"
    # Each step is a subquery fenced with OFFSET 0, so a value is computed once, not once per use.
    statement = f"""
        CREATE TEMP TABLE import_parsed AS
        SELECT t.*, w.sex_word,
               coalesce({sql.lit(json.dumps(SEX_WORDS))}::jsonb ->> w.sex_word, '') AS sex,
               coalesce({sql.lit(json.dumps(RELATIONSHIP_WORDS))}::jsonb ->> {word("t.rel_text")}, '') AS relationship,
               coalesce({sql.lit(json.dumps(PRESENCE_WORDS))}::jsonb ->> {word("t.presence_text")}, '') AS presence,
               CASE WHEN d.y BETWEEN 1 AND 9999 AND d.m BETWEEN 1 AND 12
                         AND d.d BETWEEN 1 AND {days_in_month("d.y", "d.m")}
                    THEN make_date(d.y, d.m, d.d) END AS birth_date,
               {fallback} AS village_code
        FROM (
            SELECT r.row, {text("no_kk")} AS no_kk, {text("nik")} AS nik, {text("nama")} AS name,
                   {text("jenis_kelamin")} AS sex_text, {text("tanggal_lahir")} AS date_text,
                   {text("hubungan_keluarga")} AS rel_text, {text("status_kehadiran")} AS presence_text,
                   {text("kode_desa")} AS village_text, {text("tempat_lahir")} AS birth_place,
                   {text("alamat")} AS address, {text("dusun")} AS dusun, {text("rt")} AS rt, {text("rw")} AS rw,
                   {text("desil")} AS desil_text{", " + extras if extras else ""}
            FROM import_raw r OFFSET 0
        ) t
        CROSS JOIN LATERAL (
            SELECT {word("t.sex_text")} AS sex_word,
                   CASE WHEN t.date_text ~ {dash} OR t.date_text ~ {slash} THEN 1
                        WHEN t.date_text ~ {ymd} THEN 2 ELSE 0 END AS form,
                   CASE WHEN x.digits ~ '^[0-9]{{10}}$'
                        THEN substr(x.digits, 1, 2) || '.' || substr(x.digits, 3, 2) || '.' || substr(x.digits, 5, 2)
                             || '.' || substr(x.digits, 7, 4)
                        ELSE x.typed END AS code
            FROM (SELECT replace(t.village_text, ' ', '') AS typed,
                         replace(replace(t.village_text, ' ', ''), '.', '') AS digits) x
            OFFSET 0
        ) w
        CROSS JOIN LATERAL (
            SELECT CASE w.form WHEN 1 THEN split_part(translate(t.date_text, '/', '-'), '-', 3)::int
                               WHEN 2 THEN split_part(t.date_text, '-', 1)::int END AS y,
                   CASE w.form WHEN 1 THEN split_part(translate(t.date_text, '/', '-'), '-', 2)::int
                               WHEN 2 THEN split_part(t.date_text, '-', 2)::int END AS m,
                   CASE w.form WHEN 1 THEN split_part(translate(t.date_text, '/', '-'), '-', 1)::int
                               WHEN 2 THEN split_part(t.date_text, '-', 3)::int END AS d
            OFFSET 0
        ) d
    """  # noqa: S608 - the names are ours, the values parameters
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_parsed")
        cursor.execute(statement, sql.params)


def _villages(lookup: Callable[[str], str], village: str | None) -> None:
    """``import_villages``: each village code of the file with the lookup's answer (ok, unknown, out of scope)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT village_code FROM import_parsed WHERE village_code <> ''")
        codes = [code for (code,) in cursor.fetchall() if not village or code == village]
        states = [(code, lookup(code)) for code in codes]  # the lookup queries: not during the COPY
        cursor.execute("DROP TABLE IF EXISTS import_villages")
        cursor.execute("CREATE TEMP TABLE import_villages (code text PRIMARY KEY, state text)")
        with cursor.cursor.copy("COPY import_villages (code, state) FROM STDIN") as copy:
            for row in states:
                copy.write_row(row)
        cursor.execute("ANALYZE import_villages")


# ---------------------------------------------------------------------------- the checks


def _check(present: dict[str, int], specs: dict, village: str | None, today: Any) -> list[tuple[str, str, str]]:
    """``import_checked``: one message column per check (NULL when it passes), in the Python order.

    Returns (name, column, severity) of the message columns, in order.
    """
    sql = Sql()
    checks: list[tuple[str, str, str, str]] = []  # (column, severity, condition, message)

    def add(column: str, severity: str, condition: str, message: str) -> None:
        checks.append((column, severity, condition, message))

    kaltara = sql.lit(KALTARA_PREFIX)
    home = "s.home"
    for label, field, alias, known in (("No. KK", "no_kk", "kk", "n.kk_known"), ("NIK", "nik", "nik", "n.nik_known")):
        value = f"p.{field}"
        ok = f"n.{alias}_ok"
        code = kecamatan_of(value)
        inside = f"(left({value}, 2) = {home})"
        in_kaltara = f"({home} = {kaltara})"
        lab = sql.lit(label)
        province = home
        add(field, ERROR, f"{value} = ''", sql.msg(_("%(label)s is empty."), label=lab))
        add(
            field,
            ERROR,
            f"{value} <> '' AND NOT s.{alias}_digits",
            sql.msg(_("%(label)s may contain digits only."), label=lab),
        )
        add(
            field,
            ERROR,
            f"s.{alias}_digits AND char_length({value}) <> 16",
            sql.msg(_("%(label)s must have 16 digits, not %(count)d."), label=lab, count=f"char_length({value})"),
        )

        def by_home(kaltara_text: str, other_text: str) -> str:
            """The message for a Kaltara village, or the one naming another province (``identity._check_region``)."""
            exprs = {"label": lab, "code": code, "province": province}  # noqa: B023 - used at once, in this loop
            return (
                f"CASE WHEN {in_kaltara} THEN {sql.msg(kaltara_text, **exprs)} ELSE {sql.msg(other_text, **exprs)} END"  # noqa: B023
            )

        add(
            field,
            ERROR,
            f"{ok} AND NOT {known} AND {inside}",
            by_home(
                _("%(label)s: the first 6 digits (%(code)s) are not a kecamatan of Kalimantan Utara."),
                _("%(label)s: the first 6 digits (%(code)s) are not a kecamatan of province %(province)s."),
            ),
        )
        if field == "nik":
            add(
                field,
                ERROR,
                f"{ok} AND NOT n.coded_valid",
                sql.msg(_("NIK: digits 7-12 (%(digits)s) are not a date DDMMYY."), digits=f"substr({value}, 7, 6)"),
            )
            serial = _("NIK: the serial number (last 4 digits) cannot be 0000.")
        else:
            serial = _("No. KK: the serial number (last 4 digits) cannot be 0000.")
        add(field, ERROR, f"{ok} AND right({value}, 4) = '0000'", sql.lit(serial))
        add(
            field,
            WARNING,
            f"{ok} AND {known} AND NOT {inside}",
            by_home(
                _("%(label)s: the region code %(code)s is outside Kalimantan Utara."),
                _("%(label)s: the region code %(code)s is outside the village's province (%(province)s)."),
            ),
        )
        add(
            field,
            WARNING,
            f"{ok} AND NOT {known} AND NOT {inside}",
            by_home(
                _("%(label)s: the region code %(code)s is outside Kalimantan Utara (not checked)."),
                _("%(label)s: the region code %(code)s is outside the village's province (%(province)s; not checked)."),
            ),
        )
        if field == "nik":
            coded = "lpad(n.day::text, 2, '0') || '-' || lpad(n.month::text, 2, '0') || '-' || lpad(n.yy::text, 2, '0')"
            add(
                field,
                WARNING,
                f"{ok} AND n.coded_valid AND p.birth_date IS NOT NULL AND "
                "n.day * 10000 + n.month * 100 + n.yy <> to_char(p.birth_date, 'DDMMYY')::int",
                sql.msg(
                    _("NIK: the birth date in the NIK (%(coded)s) differs from the birth date %(given)s."),
                    coded=coded,
                    given="to_char(p.birth_date, 'DD-MM-YYYY')",
                ),
            )
            female, male = sql.lit(_("female")), sql.lit(_("male"))
            add(
                field,
                WARNING,
                f"{ok} AND n.coded_valid AND p.sex IN ('L', 'P') AND n.coded_sex <> p.sex",
                sql.msg(
                    _(
                        "NIK: the day in the NIK says %(coded)s, but the sex given is %(given)s (women have 40 added to the day)."
                    ),
                    coded=f"CASE WHEN n.coded_sex = 'P' THEN {female} ELSE {male} END",
                    given=f"CASE WHEN p.sex = 'P' THEN {female} ELSE {male} END",
                ),
            )

    formula = ", ".join(sql.lit(c) for c in FORMULA_START)
    add("nama", ERROR, "p.name = ''", sql.lit(_("The name is empty.")))
    add(
        "nama",
        ERROR,
        f"left(p.name, 1) IN ({formula})",
        sql.msg(_("The name starts with %(char)s, which a spreadsheet reads as a formula; remove it."), char="left(p.name, 1)"),
    )  # fmt: skip
    add(
        "nama",
        ERROR,
        f"p.name <> '' AND left(p.name, 1) NOT IN ({formula}) AND char_length(p.name) > 120",
        sql.lit(_("The name is longer than 120 characters.")),
    )
    add("jenis_kelamin", ERROR, "p.sex_word = ''", sql.lit(_("The sex is empty; write L or P.")))
    add(
        "jenis_kelamin",
        ERROR,
        "p.sex_word <> '' AND p.sex = ''",
        sql.msg(_("“%(value)s” is not a sex; write L or P."), value="left(p.sex_text, 20)"),
    )
    add("tanggal_lahir", ERROR, "p.date_text = ''", sql.lit(_("The birth date is empty.")))
    add(
        "tanggal_lahir",
        ERROR,
        "p.date_text <> '' AND p.birth_date IS NULL",
        sql.msg(
            _("“%(value)s” is not a date; write DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD."), value="left(p.date_text, 20)"
        ),
    )
    add(
        "tanggal_lahir", ERROR, f"p.birth_date > {sql.lit(today)}::date", sql.lit(_("The birth date is in the future."))
    )
    add(
        "tanggal_lahir",
        ERROR,
        f"p.birth_date <= {sql.lit(today)}::date AND extract(year FROM p.birth_date) < 1900",
        sql.lit(_("The birth date is before 1900.")),
    )
    add(
        "hubungan_keluarga",
        ERROR,
        "p.rel_text = ''",
        sql.lit(_("The relationship to the head of the family is empty.")),
    )
    add(
        "hubungan_keluarga",
        ERROR,
        "p.rel_text <> '' AND p.relationship = ''",
        sql.msg(
            _(
                "“%(value)s” is not a known relationship (Kepala Keluarga, Istri, Suami, Anak, Menantu, Cucu, Orang Tua, Mertua, Famili Lain, Lainnya)."
            ),
            value="left(p.rel_text, 30)",
        ),
    )
    if "status_kehadiran" in present:
        add(
            "status_kehadiran",
            ERROR,
            "p.presence = ''",
            sql.msg(
                _(
                    "“%(value)s” is not a known presence status (Ada, Meninggal, Pindah, Pindah Luar Negeri, Baru, Tidak Ditemukan)."
                ),
                value="left(p.presence_text, 30)",
            ),
        )
    add(
        "desil",
        ERROR,
        f"p.desil_text <> '' AND p.desil_text !~ {sql.lit(DESIL)}",
        sql.lit(_("The decile must be a whole number from 1 to 10.")),
    )
    for column in ("rt", "rw"):
        add(
            column,
            ERROR,
            f"p.{column} <> '' AND (p.{column} !~ '^[0-9]+$' OR char_length(p.{column}) > 3)",
            sql.msg(_("%(column)s must be a number of at most 3 digits."), column=sql.lit(column.upper())),
        )
    add("kode_desa", ERROR, "p.village_code = ''", sql.lit(_("The village code is empty.")))
    if village:
        add(
            "kode_desa",
            ERROR,
            f"p.village_code <> '' AND p.village_code <> {sql.lit(village)}",
            sql.msg(
                _("The row is for village %(code)s, but this import is for village %(village)s."),
                code="p.village_code",
                village=sql.lit(village),
            ),
        )
    add(
        "kode_desa",
        ERROR,
        "v.state = 'unknown'",
        sql.msg(_("%(code)s is not a known village code."), code="left(p.village_code, 20)"),
    )
    add(
        "kode_desa",
        ERROR,
        "v.state = 'out_of_scope'",
        sql.msg(_("The village %(code)s is outside your area."), code="p.village_code"),
    )
    extra_values: list[str] = []
    for name, spec in specs.items():
        if name not in present:
            continue
        cell = f"p.x_{name}"
        key = word(cell)
        if spec.kind == "bool":
            yes = ", ".join(sql.lit(w) for w in sorted(YES))
            no = ", ".join(sql.lit(w) for w in sorted(NO))
            value = f"CASE WHEN {key} IN ({yes}) THEN true WHEN {key} IN ({no}) THEN false END"
            add(
                name,
                ERROR,
                f"{cell} <> '' AND ({value}) IS NULL",
                sql.msg(_("%(column)s: “%(value)s” is not ya or tidak."), column=sql.lit(name), value=f"left({cell}, 20)"),
            )  # fmt: skip
            extra_values.append(f"{sql.lit(name)}, to_jsonb({value})")
        elif spec.kind == "choice":
            value = f"({sql.lit(json.dumps(spec.words))}::jsonb ->> {key})"
            add(
                name,
                ERROR,
                f"{cell} <> '' AND {value} IS NULL",
                sql.msg(_("%(column)s: “%(value)s” is not one of its values."), column=sql.lit(name), value=f"left({cell}, 30)"),
            )  # fmt: skip
            extra_values.append(f"{sql.lit(name)}, to_jsonb({value})")
        else:
            length = spec.max_length or 1_000_000
            extra_values.append(f"{sql.lit(name)}, CASE WHEN {cell} <> '' THEN to_jsonb(left({cell}, {length})) END")
    extra = f"jsonb_strip_nulls(jsonb_build_object({', '.join(extra_values)}))" if extra_values else "'{}'::jsonb"

    columns = ",\n".join(f"CASE WHEN {condition} THEN {message} END AS m{i}" for i, (_c, _s, condition, message)
                         in enumerate(checks))  # fmt: skip
    errors = ", ".join(f"m{i}" for i, (_c, severity, _x, _m) in enumerate(checks) if severity == ERROR)
    statement = f"""
        CREATE TEMP TABLE import_checked AS
        SELECT c.*, num_nonnulls({errors}) AS n_errors FROM (
            SELECT p.row, p.no_kk, p.nik, p.name, p.sex, p.birth_date, p.relationship, p.village_code,
                   p.birth_place, p.address, p.dusun, p.rt, p.rw, p.desil_text, p.presence, {extra} AS extra,
                   {columns}
            FROM import_parsed p
            CROSS JOIN LATERAL (
                SELECT d.*, d.kk_digits AND char_length(p.no_kk) = 16 AS kk_ok,
                       d.nik_digits AND char_length(p.nik) = 16 AS nik_ok,
                       CASE WHEN p.village_code ~ {sql.lit(VILLAGE_CODE)} THEN left(p.village_code, 2)
                            ELSE {kaltara} END AS home
                FROM (SELECT p.no_kk ~ '^[0-9]+$' AS kk_digits, p.nik ~ '^[0-9]+$' AS nik_digits) d
                OFFSET 0
            ) s
            CROSS JOIN LATERAL (
                SELECT s.kk_ok, s.nik_ok, q.*, q.year BETWEEN 1 AND 9999 AND q.month BETWEEN 1 AND 12
                       AND q.day BETWEEN 1 AND {days_in_month("q.year", "q.month")} AS coded_valid,
                       s.kk_ok AND EXISTS (SELECT 1 FROM import_kecamatan k WHERE k.code = {kecamatan_of("p.no_kk")})
                           AS kk_known,
                       s.nik_ok AND EXISTS (SELECT 1 FROM import_kecamatan k WHERE k.code = {kecamatan_of("p.nik")})
                           AS nik_known
                FROM (
                    SELECT CASE WHEN r.dd > 40 THEN r.dd - 40 ELSE r.dd END AS day, r.month, r.yy,
                           CASE WHEN r.dd > 40 THEN 'P' ELSE 'L' END AS coded_sex,
                           CASE WHEN 2000 + r.yy <= {sql.lit(today.year)} THEN 2000 + r.yy ELSE 1900 + r.yy END AS year
                    FROM (SELECT CASE WHEN s.nik_ok THEN substr(p.nik, 7, 2)::int END AS dd,
                                 CASE WHEN s.nik_ok THEN substr(p.nik, 9, 2)::int END AS month,
                                 CASE WHEN s.nik_ok THEN substr(p.nik, 11, 2)::int END AS yy) r
                ) q
                OFFSET 0
            ) n
            LEFT JOIN import_villages v ON v.code = p.village_code
        ) c
    """  # noqa: S608 - the names are ours, the values parameters
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_checked, import_kecamatan")
        cursor.execute(
            "CREATE TEMP TABLE import_kecamatan AS SELECT code FROM regions_region WHERE level = %s",
            [Level.KECAMATAN],
        )
        cursor.execute("CREATE UNIQUE INDEX ON import_kecamatan (code)")
        cursor.execute("ANALYZE import_kecamatan")
        cursor.execute(statement, sql.params)
    return [(f"m{i}", column, severity) for i, (column, severity, _x, _m) in enumerate(checks)]


def _store(ctx: Any, checks: list[tuple[str, str, str]], present: dict[str, int], specs: dict) -> None:
    """The messages into ``ImportIssue``, the rows without errors into ``StagedRow``."""
    batch_id = ctx.batch.pk
    issue_table, staged_table = ImportIssue._meta.db_table, StagedRow._meta.db_table
    values = ", ".join(
        f"({i}, '{column}', '{severity}', c.{name})" for i, (name, column, severity) in enumerate(checks)
    )
    any_message = " OR ".join(f"c.{name} IS NOT NULL" for name, _c, _s in checks)
    digest = (
        "left(md5(concat_ws(chr(31), c.no_kk, c.nik, c.name, c.sex, c.birth_date, c.relationship, c.village_code, "
        "left(c.birth_place, 80), left(c.address, 200), left(c.dusun, 60), c.rt, c.rw, "
        "CASE WHEN c.desil_text <> '' THEN c.desil_text::int END, c.presence, c.extra::text)), 24)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {issue_table} (batch_id, row, "column", severity, message)
            SELECT %(batch)s, c.row, i.col, i.sev, i.msg
            FROM import_checked c
            CROSS JOIN LATERAL (VALUES {values}) AS i(ord, col, sev, msg)
            WHERE ({any_message}) AND i.msg IS NOT NULL
            ORDER BY c.row, i.ord
            """,  # noqa: S608 - the names are ours
            {"batch": batch_id},
        )
        cursor.execute(
            f"SELECT severity, count(*) FROM {issue_table} WHERE batch_id = %s GROUP BY severity",  # noqa: S608
            [batch_id],
        )
        counts = dict(cursor.fetchall())
        ctx.report.errors += counts.get(ERROR, 0)
        ctx.report.warnings += counts.get(WARNING, 0)
        cursor.execute(
            f"""
            INSERT INTO {staged_table} (batch_id, row, valid, no_kk, nik, name, sex, birth_date, relationship,
                                        village_code, birth_place, address, dusun, rt, rw, desil, presence, extra, digest)
            SELECT %(batch)s, c.row, true, c.no_kk, c.nik, c.name, c.sex, c.birth_date, c.relationship, c.village_code,
                   left(c.birth_place, 80), left(c.address, 200), left(c.dusun, 60), c.rt, c.rw,
                   CASE WHEN c.desil_text <> '' THEN c.desil_text::int END,
                   CASE WHEN c.presence = '' THEN 'here' ELSE c.presence END, c.extra, {digest}
            FROM import_checked c
            WHERE c.n_errors = 0
            ORDER BY c.row
            """,  # noqa: S608 - the names are ours
            {"batch": batch_id},
        )
        cursor.execute("SELECT DISTINCT no_kk FROM import_checked WHERE n_errors > 0 AND no_kk <> ''")
        ctx.bad_families.update(kk for (kk,) in cursor.fetchall())
        # Fresh statistics: the checks across rows and the writing plan their joins on these rows.
        cursor.execute(f"ANALYZE {staged_table}")  # noqa: S608


# ---------------------------------------------------------------------------- writing, set-wise


def _insert_columns(model: type, explicit: dict[str, str], sql: Sql) -> tuple[str, str]:
    """Column list and value expressions of ``model`` for INSERT … SELECT: ``explicit`` SQL, else the field default."""
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(connection.ops.quote_name(field.column))
        if field.column in explicit:
            values.append(explicit[field.column])
        else:
            values.append(sql.lit(field.get_db_prep_save(field.get_default(), connection)))
    return ", ".join(names), ", ".join(values)


def submissions_for(batch: Any, user: Any) -> dict[str, tuple[int, int]]:
    """(id, version) of the draft submission of each village of the batch's valid rows, created when missing."""
    from django.utils import timezone

    from poverty_data.models import Submission, SubmissionEvent, SubmissionState

    sql = Sql()
    now = sql.lit(timezone.now())
    staged = StagedRow._meta.db_table
    submission_columns, submission_values = _insert_columns(
        Submission,
        {"round_id": sql.lit(batch.round_id), "village_id": "r.id", "village_code": "r.code", "created_at": now,
         "updated_at": now},
        sql,
    )  # fmt: skip
    event_columns, event_values = _insert_columns(
        SubmissionEvent,
        {"submission_id": "created.id", "action": sql.lit(SubmissionEvent.Action.CREATED),
         "to_state": sql.lit(SubmissionState.DRAFT), "version": "1", "user_id": sql.lit(user.pk if user else None),
         "at": now},
        sql,
    )  # fmt: skip
    from .services import NoLongerDraft

    villages = f"(SELECT DISTINCT village_code FROM {staged} WHERE batch_id = %s AND valid)"  # noqa: S608
    lock = f"""
        SELECT s.village_code, s.id, s.version, s.state FROM {Submission._meta.db_table} s
        WHERE s.round_id = %s AND s.village_code IN {villages}
        ORDER BY s.village_code FOR UPDATE
    """  # noqa: S608 - the names are ours
    with connection.cursor() as cursor:
        # Lock the drafts (in code order, as the portable path does) and refuse when one moved on.
        cursor.execute(lock, [batch.round_id, batch.pk])
        if moved_on := [code for code, _pk, _v, state in cursor.fetchall() if state != SubmissionState.DRAFT]:
            raise NoLongerDraft(moved_on)
        cursor.execute(
            f"""
            WITH created AS (
                INSERT INTO {Submission._meta.db_table} ({submission_columns})
                SELECT {submission_values}
                FROM (SELECT DISTINCT village_code FROM {staged} WHERE batch_id = {sql.lit(batch.pk)} AND valid) v
                JOIN regions_region r ON r.code = v.village_code
                ORDER BY r.code
                ON CONFLICT (round_id, village_id) DO NOTHING
                RETURNING id
            )
            INSERT INTO {SubmissionEvent._meta.db_table} ({event_columns})
            SELECT {event_values} FROM created ORDER BY created.id
            """,  # noqa: S608 - the names are ours, the values parameters
            sql.params,
        )
        # Created here or by an import running beside this one: locked now too, and still drafts.
        cursor.execute(lock, [batch.round_id, batch.pk])
        found = cursor.fetchall()
        if moved_on := [code for code, _pk, _v, state in found if state != SubmissionState.DRAFT]:
            raise NoLongerDraft(moved_on)
        return {code: (pk, version) for code, pk, version, _state in found}


def new_families(batch: Any, user: Any) -> tuple[int, dict[int, int]]:
    """Propose every family of the batch that the portal does not hold (active, in that village) as one change.

    The payload is what the portable path builds (the family's fields from its first row, the members
    in row order); a draft that already proposes the same family identically keeps its change, one that
    proposes it differently has it replaced. Returns the number of new families and the changes created
    per submission.
    """
    from django.utils import timezone

    from poverty_data.models import ChangeKind, Family, FamilyStatus, Presence, Submission, SubmissionChange

    sql = Sql()
    staged, changes = StagedRow._meta.db_table, SubmissionChange._meta.db_table
    batch_id, kind = sql.lit(batch.pk), sql.lit(ChangeKind.NEW_FAMILY)
    member = (
        "jsonb_build_object('nik', m.nik, 'name', m.name, 'sex', m.sex, 'birth_date', to_char(m.birth_date, 'YYYY-MM-DD'), "
        f"'relationship', m.relationship, 'presence', {sql.lit(Presence.NEW)}) "
        "|| CASE WHEN m.birth_place <> '' THEN jsonb_build_object('birth_place', m.birth_place) ELSE '{}'::jsonb END"
    )
    family = (
        "jsonb_build_object('no_kk', h.no_kk) || jsonb_strip_nulls(jsonb_build_object('street', nullif(h.address, ''), "
        "'dusun', nullif(h.dusun, ''), 'rt', nullif(h.rt, ''), 'rw', nullif(h.rw, ''), 'desil', h.desil)) || h.extra"
    )
    columns, values = _insert_columns(
        SubmissionChange,
        {"submission_id": "n.submission_id", "kind": kind, "payload": "n.payload",
         "created_by_id": sql.lit(user.pk if user else None), "created_at": sql.lit(timezone.now())},
        sql,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_new")
        cursor.execute(
            f"""
            CREATE TEMP TABLE import_new AS
            SELECT s.id AS submission_id, f.no_kk,
                   jsonb_build_object('family', {family}, 'members', f.members) AS payload
            FROM (
                SELECT m.village_code, m.no_kk, min(m.row) AS first_row, jsonb_agg({member} ORDER BY m.row) AS members
                FROM {staged} m
                WHERE m.batch_id = {batch_id} AND m.valid
                  AND NOT EXISTS (SELECT 1 FROM {Family._meta.db_table} x
                                  WHERE x.no_kk = m.no_kk AND x.village_code = m.village_code
                                    AND x.status = {sql.lit(FamilyStatus.ACTIVE)})
                GROUP BY m.village_code, m.no_kk
            ) f
            JOIN {staged} h ON h.batch_id = {batch_id} AND h.village_code = f.village_code AND h.no_kk = f.no_kk
                AND h.row = f.first_row
            JOIN {Submission._meta.db_table} s ON s.round_id = {sql.lit(batch.round_id)} AND s.village_code = f.village_code
            """,  # noqa: S608 - the names are ours, the values parameters
            sql.params,
        )
        cursor.execute("SELECT count(*) FROM import_new")
        families = cursor.fetchone()[0]
        earlier = f"""
            FROM {changes} c JOIN import_new n ON n.submission_id = c.submission_id
                AND c.payload -> 'family' ->> 'no_kk' = n.no_kk
            WHERE c.kind = %(kind)s
        """  # noqa: S608
        # The same proposal already there: nothing to do. A different one: replaced by this file's.
        cursor.execute(
            f"DELETE FROM import_new n USING {changes} c WHERE c.submission_id = n.submission_id "  # noqa: S608
            "AND c.kind = %(kind)s AND c.payload -> 'family' ->> 'no_kk' = n.no_kk AND c.payload = n.payload",
            {"kind": ChangeKind.NEW_FAMILY},
        )
        cursor.execute(f"DELETE FROM {changes} WHERE id IN (SELECT c.id {earlier})", {"kind": ChangeKind.NEW_FAMILY})  # noqa: S608
        cursor.execute(
            f"""
            WITH written AS (
                INSERT INTO {changes} ({columns})
                SELECT {values} FROM import_new n ORDER BY n.submission_id, n.no_kk
                RETURNING submission_id
            )
            SELECT submission_id, count(*) FROM written GROUP BY submission_id
            """,  # noqa: S608 - the names are ours, the values parameters
            sql.params,
        )
        created = dict(cursor.fetchall())
        cursor.execute("DROP TABLE import_new")
    return families, created


def mark_touched(batch: Any, user: Any, created: dict[int, int]) -> None:
    """Each submission that received changes: version + 1, an 'edited' event saying how many, the batch's link."""
    from django.utils import timezone

    from poverty_data.models import Submission, SubmissionEvent

    if not created:
        return
    sql = Sql()
    now = sql.lit(timezone.now())
    ids = sql.lit(sorted(created))
    counts = sql.lit([created[pk] for pk in sorted(created)])
    detail = sql.msg(_("%(count)d changes imported from %(file)s"), count="u.n", file=sql.lit(batch.file_name))
    columns, values = _insert_columns(
        SubmissionEvent,
        {"submission_id": "b.id", "action": sql.lit(SubmissionEvent.Action.EDITED), "version": "b.version",
         "detail": detail, "user_id": sql.lit(user.pk if user else None), "at": now},
        sql,
    )  # fmt: skip
    touched = batch.touched.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH u AS (SELECT * FROM unnest({ids}::bigint[], {counts}::int[]) AS u(id, n)),
            b AS (
                UPDATE {Submission._meta.db_table} s SET version = s.version + 1, updated_at = {now}
                FROM u WHERE s.id = u.id RETURNING s.id, s.version
            ),
            e AS (INSERT INTO {SubmissionEvent._meta.db_table} ({columns})
                  SELECT {values} FROM b JOIN u ON u.id = b.id ORDER BY b.id)
            INSERT INTO {touched} (importbatch_id, submission_id) SELECT {sql.lit(batch.pk)}, u.id FROM u ORDER BY u.id
            """,  # noqa: S608 - the names are ours, the values parameters
            sql.params,
        )
