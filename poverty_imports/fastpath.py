"""The PostgreSQL fast path of the import: the raw CSV goes in with COPY, the rows are checked set-wise.

What ``validation.RowValidator`` does row by row in Python, this module does for the whole file
in a few SQL statements, with the same patterns and the same (translated) messages:

1. the header is read in Python (encoding, delimiter, column names: ``reader``);
2. the rest of the file is streamed unparsed into a temporary table with ``COPY … (FORMAT csv)``,
   one text column per header cell, an identity column numbering the rows as a spreadsheet does;
3. the village cells are looked up once per distinct cell (``import_villages``);
4. one statement trims and parses every cell and computes every row's messages
   (``import_checked``): one column per check, NULL when the check passes, the row's values as
   ``StagedRow`` would hold them, and ``valid`` (no error);
5. the messages go into ``ImportIssue`` with ``INSERT … SELECT``. The rows stay in
   ``import_checked`` (a temporary table: the whole import runs in one background job on one
   connection): the checks across rows and against the portal, leaving out the families with a bad
   row and the writing of the changes read it and clear ``valid`` set-wise (``check_across_rows``,
   ``check_against_portal``, ``drop_bad_families``, ``submissions_for``, ``new_families``,
   ``held_rows``) where the portable path uses ``StagedRow`` and the Python in ``services``;
   ``release`` drops it.

A file PostgreSQL's CSV parser reads differently from Python's (ragged rows, a blank line inside
the data, a quoted header, old Mac line ends, a ``\\.`` line) makes ``stage`` return False before
anything is kept, and the importer reads it the portable way instead. Both paths give the same
report for the same file (tests/poverty_imports/test_sql_path.py). Files the SQL path does not read
(XLSX, UTF-16, the CSVs above) are staged in ``StagedRow``; their writing is set-wise too.
"""

from __future__ import annotations

import csv
import json
import logging
import re
import sys
import time
from collections.abc import Callable, Iterator
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
# As written in the lists and in the template's help: looked up without a regular expression.
SPELLINGS = (
    "Kepala Keluarga", "Orang Tua", "Famili Lain", "Pindah Luar Negeri", "Tidak Ditemukan", "Tidak Ada",
    "Laki-laki", "Laki Laki",
)  # fmt: skip
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
CHUNK = 1024 * 1024
WORK_MEM = "64MB"
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
    with connection.cursor() as cursor:
        # For this session until ``release``: sorts and hashes of a million rows in memory, and no JIT
        # compilation (seconds for the wide checking statement, more than it saves).
        cursor.execute("SELECT set_config('work_mem', %s, false), set_config('jit', 'off', false)", [WORK_MEM])
    _villages(village_lookup_for(ctx.user), present, village)
    lap("villages looked up")
    checks = _check(present, specs, village, today)
    lap("cells parsed and rows checked")
    _store(ctx, checks)
    lap("issues stored")
    with connection.cursor() as cursor:
        # The checks across rows and the writing join and group these rows: the planner needs their statistics.
        cursor.execute("ANALYZE import_checked")
    lap("ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_raw, import_villages")
    ctx.held = True
    return True


# ---------------------------------------------------------------------------- parsing


def _village_code(text: str, village: str | None, sql: Sql) -> str:
    """The village code of a trimmed cell, as ``validation`` reads it: spaces dropped, ten digits dotted,
    the import's own village for an empty cell."""
    typed = f"replace({text}, ' ', '')"
    digits = f"replace({typed}, '.', '')"
    code = (
        f"CASE WHEN {digits} ~ '^[0-9]{{10}}$' THEN substr({digits}, 1, 2) || '.' || substr({digits}, 3, 2) || '.' "
        f"|| substr({digits}, 5, 2) || '.' || substr({digits}, 7, 4) ELSE {typed} END"
    )
    return f"CASE WHEN {text} = '' THEN {sql.lit(village)} ELSE {code} END" if village else code


def _cell(present: dict[str, int], sql: Sql) -> Callable[[str], str]:
    ws = sql.lit(WHITESPACE)

    def text(name: str) -> str:
        return f"btrim(coalesce(r.c{present[name]}, ''), {ws})" if name in present else "''"

    return text


def _parsed(present: dict[str, int], specs: dict, village: str | None, sql: Sql) -> str:
    """The SELECT reading ``import_raw``: every cell trimmed, the words looked up, the dates and codes read."""
    text = _cell(present, sql)

    def lookup(words: dict[str, str], cell: str) -> str:
        # The cell in lower case is looked up first (a key is a word, so it is its own word), then its
        # word: most cells skip the regular expression. ``_spellings`` adds the common spaced forms.
        known = sql.lit(json.dumps(_spellings(words)))
        return f"coalesce({known}::jsonb ->> lower({cell}), {known}::jsonb ->> {word(cell)}, '')"

    extras = ", ".join(f"{text(name)} AS x_{name}" for name in specs if name in present)
    # DATE_DMY without its back reference (slow in PostgreSQL): one pattern per separator.
    dash, slash, ymd = (sql.lit(p) for p in (DATE_DMY.replace("([-/])", "-").replace("\\2", "-"),
                                             DATE_DMY.replace("([-/])", "/").replace("\\2", "/"), DATE_YMD))  # fmt: skip
    # Each step is a subquery fenced with OFFSET 0, so a value is computed once, not once per use.
    return f"""
        SELECT t.*, {lookup(SEX_WORDS, "t.sex_text")} AS sex,
               {lookup(RELATIONSHIP_WORDS, "t.rel_text")} AS relationship,
               {lookup(PRESENCE_WORDS, "t.presence_text")} AS presence,
               CASE WHEN d.y BETWEEN 1 AND 9999 AND d.m BETWEEN 1 AND 12
                         AND d.d BETWEEN 1 AND {days_in_month("d.y", "d.m")}
                    THEN make_date(d.y, d.m, d.d) END AS birth_date,
               d.y AS birth_y, d.m AS birth_m, d.d AS birth_d
        FROM (
            SELECT r.row, {text("no_kk")} AS no_kk, {text("nik")} AS nik, {text("nama")} AS name,
                   {text("jenis_kelamin")} AS sex_text, {text("tanggal_lahir")} AS date_text,
                   {text("hubungan_keluarga")} AS rel_text, {text("status_kehadiran")} AS presence_text,
                   {text("kode_desa")} AS village_text, {text("tempat_lahir")} AS birth_place,
                   {text("alamat")} AS address, {text("dusun")} AS dusun, {text("rt")} AS rt, {text("rw")} AS rw,
                   {text("desil")} AS desil_text, v.code AS village_code, v.state AS village_state,
                   v.home{", " + extras if extras else ""}
            FROM import_raw r JOIN import_villages v ON v.text = {text("kode_desa")}
            OFFSET 0
        ) t
        CROSS JOIN LATERAL (
            SELECT CASE WHEN t.date_text ~ {dash} OR t.date_text ~ {slash} THEN 1
                        WHEN t.date_text ~ {ymd} THEN 2 ELSE 0 END AS form
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


def _villages(lookup: Callable[[str], str], present: dict[str, int], village: str | None) -> None:
    """``import_villages``: each village cell of the file (trimmed) with its code, the lookup's answer
    (ok, unknown, out of scope; none for an empty code or another village than the import's) and the
    province the NIK and No. KK are checked against."""
    sql = Sql()
    text = _cell(present, sql)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT x.village_text, {_village_code("x.village_text", village, sql)}
            FROM (SELECT DISTINCT {text("kode_desa")} AS village_text FROM import_raw r) x
            """,  # noqa: S608 - the names are ours, the values parameters
            sql.params,
        )
        cells = cursor.fetchall()
        # The lookup queries: not during the COPY.
        rows = [
            (cell, code, lookup(code) if code and (not village or code == village) else None,
             code[:2] if re.fullmatch(VILLAGE_CODE, code) else KALTARA_PREFIX)
            for cell, code in cells
        ]  # fmt: skip
        cursor.execute("DROP TABLE IF EXISTS import_villages")
        cursor.execute("CREATE TEMP TABLE import_villages (text text PRIMARY KEY, code text, state text, home text)")
        with cursor.cursor.copy("COPY import_villages (text, code, state, home) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute("ANALYZE import_villages")


def _spellings(words: dict[str, str]) -> dict[str, str]:
    """``words`` plus the lower-case spaced forms of its multi-word entries (``kepala keluarga``)."""
    from .validation import _word

    found = dict(words)
    for spelling in SPELLINGS:
        key = spelling.lower()
        if _word(key) in words and key not in found:
            found[key] = words[_word(key)]
    return found


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
                "(n.day <> p.birth_d OR n.month <> p.birth_m OR n.yy <> mod(p.birth_y, 100))",
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
    add(
        "jenis_kelamin",
        ERROR,
        f"p.sex = '' AND {word('p.sex_text')} = ''",
        sql.lit(_("The sex is empty; write L or P.")),
    )
    add(
        "jenis_kelamin",
        ERROR,
        f"p.sex = '' AND {word('p.sex_text')} <> ''",
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
        f"p.birth_date <= {sql.lit(today)}::date AND p.birth_y < 1900",
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
        "p.village_state = 'unknown'",
        sql.msg(_("%(code)s is not a known village code."), code="left(p.village_code, 20)"),
    )
    add(
        "kode_desa",
        ERROR,
        "p.village_state = 'out_of_scope'",
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
    every = ", ".join(f"m{i}" for i in range(len(checks)))
    # One statement reads the raw cells (``_parsed``) and checks them; the row's values are kept as
    # StagedRow would hold them, with ``valid`` (no error yet) for the checks across rows and the writing.
    statement = f"""
        CREATE TEMP TABLE import_checked AS
        SELECT c.*, num_nonnulls({errors}) = 0 AS valid, num_nonnulls({every}) > 0 AS noted FROM (
            SELECT p.row, p.no_kk, p.nik, p.name, p.sex, p.birth_date, p.relationship, p.village_code,
                   left(p.birth_place, 80) AS birth_place, left(p.address, 200) AS address, left(p.dusun, 60) AS dusun,
                   p.rt, p.rw, CASE WHEN p.desil_text ~ {sql.lit(DESIL)} THEN p.desil_text::int END AS desil,
                   CASE WHEN p.presence = '' THEN 'here' ELSE p.presence END AS presence, {extra} AS extra,
                   {columns}
            FROM ({_parsed(present, specs, village, sql)} OFFSET 0) p
            CROSS JOIN LATERAL (
                SELECT d.*, d.kk_digits AND char_length(p.no_kk) = 16 AS kk_ok,
                       d.nik_digits AND char_length(p.nik) = 16 AS nik_ok, p.home
                FROM (SELECT p.no_kk ~ '^[0-9]+$' AS kk_digits, p.nik ~ '^[0-9]+$' AS nik_digits) d
                OFFSET 0
            ) s
            CROSS JOIN LATERAL (
                SELECT s.kk_ok, s.nik_ok, q.*, q.year BETWEEN 1 AND 9999 AND q.month BETWEEN 1 AND 12
                       AND q.day BETWEEN 1 AND {days_in_month("q.year", "q.month")} AS coded_valid,
                       s.kk_ok AND {kecamatan_of("p.no_kk")} IN (SELECT code FROM import_kecamatan) AS kk_known,
                       s.nik_ok AND {kecamatan_of("p.nik")} IN (SELECT code FROM import_kecamatan) AS nik_known
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
            OFFSET 0
        ) c
    """  # noqa: S608 - the names are ours, the values parameters
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_checked, import_kecamatan")
        cursor.execute(
            "CREATE TEMP TABLE import_kecamatan AS SELECT code FROM regions_region WHERE level = %s",
            [Level.KECAMATAN],
        )
        cursor.execute("ANALYZE import_kecamatan")
        cursor.execute(statement, sql.params)
        cursor.execute("DROP TABLE import_kecamatan")
    return [(f"m{i}", column, severity) for i, (column, severity, _x, _m) in enumerate(checks)]


def _store(ctx: Any, checks: list[tuple[str, str, str]]) -> None:
    """The messages into ``ImportIssue``, in row order and, within a row, in the order of the Python checks."""
    issue_table = ImportIssue._meta.db_table
    values = ", ".join(
        f"({i}, '{column}', '{severity}', c.{name})" for i, (name, column, severity) in enumerate(checks)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {issue_table} (batch_id, row, "column", severity, message)
            SELECT %(batch)s, c.row, i.col, i.sev, i.msg
            FROM import_checked c
            CROSS JOIN LATERAL (VALUES {values}) AS i(ord, col, sev, msg)
            WHERE c.noted AND i.msg IS NOT NULL
            ORDER BY c.row, i.ord
            """,  # noqa: S608 - the names are ours
            {"batch": ctx.batch.pk},
        )
        cursor.execute(
            f"SELECT severity, count(*) FROM {issue_table} WHERE batch_id = %s GROUP BY severity",  # noqa: S608
            [ctx.batch.pk],
        )
        counts = dict(cursor.fetchall())
        ctx.report.errors += counts.get(ERROR, 0)
        ctx.report.warnings += counts.get(WARNING, 0)


# ---------------------------------------------------------------------------- the checks across rows, set-wise

# The checks of ``services._check_across_rows``, ``_check_against_portal`` and ``_drop_bad_families`` on
# the rows held in ``import_checked``: the same rows flagged, in the same order, with the same messages.
# Each check first narrows to the few keys that can fail (a NIK seen twice, a family with two heads or
# two villages), so a clean file costs one hash aggregate per check, not a sort of every row.


def _flag(ctx: Any, select: str, column: str, message: str, params: dict, *, severity: str = ERROR) -> int:
    """An issue for each row of ``select`` (``f.row`` and what ``message`` uses); errors also mark it invalid."""
    ctx.flush()
    issue_table = ImportIssue._meta.db_table
    params = {**params, "batch": ctx.batch.pk, "column": column, "severity": severity}
    insert = f"""
        INSERT INTO {issue_table} (batch_id, row, "column", severity, message)
        SELECT %(batch)s, f.row, %(column)s, %(severity)s, {message} FROM f ORDER BY f.row
    """  # noqa: S608 - the names are ours, the values parameters
    with connection.cursor() as cursor:
        if severity == ERROR:
            cursor.execute(
                f"WITH f AS MATERIALIZED ({select}), i AS ({insert}) "  # noqa: S608
                "UPDATE import_checked c SET valid = false FROM f WHERE c.row = f.row",
                params,
            )
            ctx.report.errors += cursor.rowcount
        else:
            cursor.execute(f"WITH f AS ({select}) {insert}", params)  # noqa: S608
            ctx.report.warnings += cursor.rowcount
        return cursor.rowcount


def _later(key: str, candidates: str, where: str = "") -> str:
    """(row, first) of the valid rows whose ``key`` is on an earlier valid row, among ``candidates``."""
    return f"""
        SELECT x.row, x.first FROM (
            SELECT c.row, min(c.row) OVER (PARTITION BY {key}) AS first FROM import_checked c
            WHERE c.valid {where} AND ({candidates})
        ) x WHERE x.row > x.first
    """  # noqa: S608 - the names are ours


def check_across_rows(ctx: Any) -> None:
    sql = Sql()
    with connection.cursor() as cursor:
        # A repeated row repeats its NIK: both checks look only at the NIKs on more than one row.
        cursor.execute("DROP TABLE IF EXISTS import_twice")
        cursor.execute(
            "CREATE TEMP TABLE import_twice AS SELECT nik FROM import_checked WHERE valid GROUP BY nik HAVING count(*) > 1"
        )
    twice = "c.nik IN (SELECT nik FROM import_twice)"
    whole_row = (
        "c.no_kk, c.nik, c.name, c.sex, c.birth_date, c.relationship, c.village_code, c.birth_place, c.address, "
        "c.dusun, c.rt, c.rw, c.desil, c.presence, c.extra"
    )
    _flag(ctx, _later(whole_row, twice), "", sql.msg(_("This row repeats row %(first)d exactly."), first="f.first"),
          sql.params)  # fmt: skip
    _flag(ctx, _later("c.nik", twice), "nik",
          sql.msg(_("This NIK already appears on row %(first)d."), first="f.first"), sql.params)  # fmt: skip
    two_heads = (
        "c.no_kk IN (SELECT no_kk FROM import_checked WHERE valid AND relationship = 'head' "
        "GROUP BY no_kk HAVING count(*) > 1)"
    )
    _flag(ctx, _later("c.no_kk", two_heads, "AND c.relationship = 'head'"), "hubungan_keluarga",
          sql.msg(_("The family already has a head on row %(first)d."), first="f.first"), sql.params)  # fmt: skip
    split = """
        SELECT x.row, x.no_kk, x.first_village FROM (
            SELECT c.row, c.no_kk, c.village_code,
                   first_value(c.village_code) OVER (PARTITION BY c.no_kk ORDER BY c.row) AS first_village
            FROM import_checked c
            WHERE c.valid AND c.no_kk IN (SELECT no_kk FROM import_checked WHERE valid
                                          GROUP BY no_kk HAVING min(village_code) <> max(village_code))
        ) x WHERE x.village_code <> x.first_village
    """
    _flag(ctx, split, "kode_desa",
          sql.msg(_("The family %(kk)s is already listed in village %(village)s."), kk="'…' || right(f.no_kk, 4)",
                  village="f.first_village"), sql.params)  # fmt: skip
    headless = """
        SELECT min(row) AS row, no_kk FROM import_checked WHERE valid
        GROUP BY no_kk HAVING count(*) FILTER (WHERE relationship = 'head') = 0
    """
    _flag(ctx, headless, "hubungan_keluarga",
          sql.msg(_("The family with No. KK ending %(end)s has no head."), end="right(f.no_kk, 4)"), sql.params,
          severity=WARNING)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE import_twice")


def check_against_portal(ctx: Any) -> None:
    from poverty_data.models import PRESENT, Family, FamilyStatus, Member, Submission, SubmissionState

    sql = Sql()
    families, members = Family._meta.db_table, Member._meta.db_table
    active = sql.lit(FamilyStatus.ACTIVE)
    # A NIK present in another active family anywhere in the portal: the villages of those families.
    taken = f"""
        SELECT c.row, string_agg(o.village_code, ', ' ORDER BY o.village_code COLLATE "C") AS villages
        FROM import_checked c
        JOIN (
            SELECT DISTINCT m.nik, f.no_kk, f.village_code FROM {members} m JOIN {families} f ON f.id = m.family_id
            WHERE m.presence = ANY({sql.lit(list(PRESENT))}) AND f.status = {active}
              AND m.nik IN (SELECT nik FROM import_checked WHERE valid)
        ) o ON o.nik = c.nik AND o.no_kk <> c.no_kk
        WHERE c.valid
        GROUP BY c.row
    """  # noqa: S608 - the names are ours, the values parameters
    _flag(ctx, taken, "nik",
          sql.msg(_("This NIK belongs to a present member of another active family (%(where)s)."), where="f.villages"),
          sql.params)  # fmt: skip
    # A family card already registered in another village.
    moved = f"""
        SELECT c.row, min(f.village_code COLLATE "C") AS village
        FROM import_checked c JOIN {families} f ON f.no_kk = c.no_kk AND f.status = {active}
        WHERE c.valid
        GROUP BY c.row HAVING bool_and(f.village_code <> c.village_code)
    """  # noqa: S608 - the names are ours, the values parameters
    _flag(ctx, moved, "kode_desa",
          sql.msg(_("This family is registered in village %(village)s; a move between villages is not an import."),
                  village="f.village"), sql.params)  # fmt: skip
    # A village whose submission in this round is past draft.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT village_code, state FROM {Submission._meta.db_table} WHERE round_id = %s AND state <> %s "  # noqa: S608
            "AND village_code IN (SELECT village_code FROM import_checked WHERE valid)",
            [ctx.batch.round_id, SubmissionState.DRAFT],
        )
        closed = dict(cursor.fetchall())
    if closed:
        labels = dict(SubmissionState.choices)
        codes = sorted(closed)
        texts = [
            _("The submission of village %(village)s is %(state)s; only a draft takes an import.")
            % {"village": code, "state": labels[closed[code]]}
            for code in codes
        ]
        sql = Sql()
        past = f"""
            SELECT c.row, m.text FROM import_checked c
            JOIN unnest({sql.lit(codes)}::text[], {sql.lit(texts)}::text[]) AS m(code, text) ON m.code = c.village_code
            WHERE c.valid
        """  # noqa: S608 - the values are parameters
        _flag(ctx, past, "kode_desa", "f.text", sql.params)


def drop_bad_families(ctx: Any) -> None:
    """Only valid rows were asked for: a family with any bad row is left out whole."""
    left_out = """
        SELECT c.row FROM import_checked c
        WHERE c.valid AND c.no_kk IN (SELECT no_kk FROM import_checked WHERE NOT valid AND no_kk <> '')
    """
    sql = Sql()
    message = sql.lit(_("Left out with its family: another row of the family has an error."))
    ctx.flush()
    issue_table = ImportIssue._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH f AS MATERIALIZED ({left_out}),
            i AS (INSERT INTO {issue_table} (batch_id, row, "column", severity, message)
                  SELECT {sql.lit(ctx.batch.pk)}, f.row, 'no_kk', {sql.lit(WARNING)}, {message} FROM f ORDER BY f.row)
            UPDATE import_checked c SET valid = false FROM f WHERE c.row = f.row
            """,  # noqa: S608 - the names are ours, the values parameters
            sql.params,
        )
        ctx.report.warnings += cursor.rowcount


def held_rows(where: str = "", params: list | None = None) -> Iterator[tuple]:
    """The valid held rows as ``services.Staged`` values, by village, family and row (``where``: more SQL).

    A server-side cursor (inside the writing's transaction): the rows come 5,000 at a time."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            "SELECT row, no_kk, nik, name, sex, birth_date, relationship, village_code, birth_place, address, "  # noqa: S608
            f"dusun, rt, rw, desil, presence, extra FROM import_checked c WHERE valid {where} "
            "ORDER BY village_code, no_kk, row",
            params,
        )
        while batch := cursor.fetchmany(5000):
            for values in batch:
                extra = values[15]
                yield (*values[:15], json.loads(extra) if isinstance(extra, str) else extra)


def count_valid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM import_checked WHERE valid")
        return cursor.fetchone()[0]


def release() -> None:
    """Drop the held rows (the table also goes with the connection)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_checked")
        cursor.execute("RESET work_mem")
        cursor.execute("RESET jit")


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


def _valid_rows(batch: Any, held: bool) -> str:
    """The valid rows to write: held in ``import_checked`` (a CSV read by COPY), else the batch's StagedRow."""
    if held:
        return "(SELECT * FROM import_checked WHERE valid)"
    return f"(SELECT * FROM {StagedRow._meta.db_table} WHERE batch_id = {int(batch.pk)} AND valid)"  # noqa: S608


def submissions_for(batch: Any, user: Any, *, held: bool = False) -> dict[str, tuple[int, int]]:
    """(id, version) of the draft submission of each village of the batch's valid rows, created when missing."""
    from django.utils import timezone

    from poverty_data.models import Submission, SubmissionEvent, SubmissionState

    sql = Sql()
    now = sql.lit(timezone.now())
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

    villages = f"(SELECT DISTINCT village_code FROM {_valid_rows(batch, held)} v)"  # noqa: S608
    lock = f"""
        SELECT s.village_code, s.id, s.version, s.state FROM {Submission._meta.db_table} s
        WHERE s.round_id = %s AND s.village_code IN {villages}
        ORDER BY s.village_code FOR UPDATE
    """  # noqa: S608 - the names are ours
    with connection.cursor() as cursor:
        # Lock the drafts (in code order, as the portable path does) and refuse when one moved on.
        cursor.execute(lock, [batch.round_id])
        if moved_on := [code for code, _pk, _v, state in cursor.fetchall() if state != SubmissionState.DRAFT]:
            raise NoLongerDraft(moved_on)
        cursor.execute(
            f"""
            WITH created AS (
                INSERT INTO {Submission._meta.db_table} ({submission_columns})
                SELECT {submission_values}
                FROM {villages} v
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
        cursor.execute(lock, [batch.round_id])
        found = cursor.fetchall()
        if moved_on := [code for code, _pk, _v, state in found if state != SubmissionState.DRAFT]:
            raise NoLongerDraft(moved_on)
        return {code: (pk, version) for code, pk, version, _state in found}


def new_families(
    batch: Any, user: Any, drafts: dict[str, tuple[int, int]], *, held: bool = False
) -> tuple[int, dict[int, int]]:
    """Propose every family of the batch that the portal does not hold (active, in that village) as one change.

    The payload is what the portable path builds (the family's fields from its first row, the members
    in row order); a draft that already proposes the same family identically keeps its change, one that
    proposes it differently has it replaced. Returns the number of new families and the changes created
    per submission.
    """
    from django.utils import timezone

    from poverty_data.models import ChangeKind, Family, FamilyStatus, Presence, SubmissionChange

    sql = Sql()
    rows, changes = _valid_rows(batch, held), SubmissionChange._meta.db_table
    kind = sql.lit(ChangeKind.NEW_FAMILY)
    # Each member's object built once (jsonb orders its keys itself: the same value as one built in pieces).
    fields = (
        "'nik', m.nik, 'name', m.name, 'sex', m.sex, 'birth_date', to_char(m.birth_date, 'YYYY-MM-DD'), "
        f"'relationship', m.relationship, 'presence', {sql.lit(Presence.NEW)}"
    )
    member = (
        f"CASE WHEN m.birth_place <> '' THEN jsonb_build_object({fields}, 'birth_place', m.birth_place) "
        f"ELSE jsonb_build_object({fields}) END"
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
        # The drafts (``submissions_for``) in a table of their own, with statistics: Submission's may
        # not know yet of the thousands of drafts just created, and a join planned on them loops.
        cursor.execute("DROP TABLE IF EXISTS import_new, import_drafts")
        cursor.execute("CREATE TEMP TABLE import_drafts (village_code text PRIMARY KEY, id bigint)")
        with cursor.cursor.copy("COPY import_drafts (village_code, id) FROM STDIN") as copy:
            for code, (pk, _version) in drafts.items():
                copy.write_row((code, pk))
        cursor.execute("ANALYZE import_drafts")
        cursor.execute(
            f"""
            CREATE TEMP TABLE import_new AS
            SELECT s.id AS submission_id, f.no_kk,
                   jsonb_build_object('family', {family}, 'members', f.members) AS payload
            FROM (
                SELECT m.village_code, m.no_kk, min(m.row) AS first_row, jsonb_agg({member} ORDER BY m.row) AS members
                FROM {rows} m
                WHERE NOT EXISTS (SELECT 1 FROM {Family._meta.db_table} x
                                  WHERE x.no_kk = m.no_kk AND x.village_code = m.village_code
                                    AND x.status = {sql.lit(FamilyStatus.ACTIVE)})
                GROUP BY m.village_code, m.no_kk
            ) f
            JOIN {rows} h ON h.row = f.first_row
            JOIN import_drafts s ON s.village_code = f.village_code
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
        cursor.execute("DROP TABLE import_new, import_drafts")
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
    detail = sql.msg(_("%(count)d changes imported from %(file)s"), count="b.n", file=sql.lit(batch.file_name))
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
                FROM u WHERE s.id = u.id RETURNING s.id, s.version, u.n
            ),
            e AS (INSERT INTO {SubmissionEvent._meta.db_table} ({columns})
                  SELECT {values} FROM b ORDER BY b.id)
            INSERT INTO {touched} (importbatch_id, submission_id) SELECT {sql.lit(batch.pk)}, u.id FROM u ORDER BY u.id
            """,  # noqa: S608 - the names are ours, the values parameters
            sql.params,
        )
