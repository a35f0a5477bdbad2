"""Reading the poverty lists villages really hold: CSV (any of , ; | tab; UTF-8 with or
without BOM, Windows-1252, or UTF-16 with its BOM as Excel's "Unicode text") and XLSX
(first sheet or a named one), one row per member.

The reader streams: it never holds the file in memory. It recognises the file from its
content, not its name; matches headers ignoring case, spaces, dots and underscores; and
yields ``SourceRow`` objects with the raw cell values keyed by canonical column name.
File-level problems (wrong type, encoding, missing columns) raise ``ImportFileError``
with an Indonesian message; row-level checks live in ``validation``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

# Canonical columns. Required ones must be present (kode_desa unless the import names one village).
REQUIRED = ("no_kk", "nik", "nama", "jenis_kelamin", "tanggal_lahir", "hubungan_keluarga", "kode_desa")
OPTIONAL = ("tempat_lahir", "alamat", "dusun", "rt", "rw", "desil", "status_kehadiran")
DELIMITERS = (",", ";", "|", "\t")
SNIFF_BYTES = 64 * 1024

XLSX_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: old .xls, or an encrypted (password-protected) .xlsx
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # Excel's "Unicode text" export


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing was imported."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalise_header(name: Any) -> str:
    """``No KK``, ``NO_KK``, ``no.kk`` and ``nokk`` are one column."""
    return re.sub(r"[\s_.\-/]+", "", str(name or "")).lower().lstrip("\ufeff")


@dataclass(frozen=True)
class SourceRow:
    number: int  # the row number as a spreadsheet shows it (the header is row 1)
    values: dict[str, Any]


@dataclass
class SourceFile:
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    columns: tuple[str, ...] = ()  # canonical names, in file order
    ignored_columns: tuple[str, ...] = ()


def detect_kind(head: bytes) -> str:
    """'xlsx' or 'csv' from the first bytes; anything else is refused with a clear message."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(CFB_MAGIC):
        raise ImportFileError(
            _(
                "The file is a password-protected Excel file or an old .xls file. Remove the password or save it as .xlsx or CSV."
            )
        )
    if not head.strip():
        raise ImportFileError(_("The file is empty."))
    if head.startswith(UTF16_BOMS):
        return "csv"
    if b"\x00" in head[:SNIFF_BYTES]:
        raise ImportFileError(_("The file is not a CSV or XLSX file (it contains binary data)."))
    return "csv"


def detect_encoding(stream: IO[bytes]) -> str:
    """'utf-16' after a UTF-16 BOM; 'utf-8-sig' when the whole file is valid UTF-8 (with or
    without BOM); else 'cp1252' when the whole file is valid Windows-1252.

    Streamed passes with an incremental decoder; the stream is rewound afterwards. A file
    that is none of these (five byte values mean nothing in Windows-1252) is refused.
    """
    stream.seek(0)
    candidates = ("utf-16",) if stream.read(2) in UTF16_BOMS else ("utf-8-sig", "cp1252")
    for encoding in candidates:
        if _decodes(stream, encoding):
            return encoding
    raise ImportFileError(
        _("The file is not readable text: save it again as “CSV UTF-8” or as an Excel workbook (.xlsx).")
    )


def _decodes(stream: IO[bytes], encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    stream.seek(0)
    try:
        while chunk := stream.read(1024 * 1024):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True


def detect_delimiter(header_line: str) -> str:
    """The delimiter among , ; | and tab that splits the header line into the most columns."""
    counts = {d: len(next(csv.reader([header_line], delimiter=d))) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 1 else ","


def map_columns(
    header: list[Any], *, extra_optional: tuple[str, ...] = (), village_given: bool = False
) -> tuple[list[str | None], tuple[str, ...], tuple[str, ...]]:
    """Canonical name for each header cell (None when ignored), the canonical columns, the ignored ones."""
    known = {normalise_header(c): c for c in (*REQUIRED, *OPTIONAL, *extra_optional)}
    mapping: list[str | None] = []
    seen: dict[str, int] = {}
    ignored: list[str] = []
    for position, cell in enumerate(header):
        canonical = known.get(normalise_header(cell))
        if canonical is None:
            if str(cell or "").strip():
                ignored.append(str(cell).strip())
            mapping.append(None)
            continue
        if canonical in seen:
            raise ImportFileError(
                _("The column %(column)s appears twice in the header (columns %(first)d and %(second)d).")
                % {"column": canonical, "first": seen[canonical] + 1, "second": position + 1}
            )
        seen[canonical] = position
        mapping.append(canonical)
    required = [c for c in REQUIRED if not (c == "kode_desa" and village_given)]
    missing = [c for c in required if c not in seen]
    if missing:
        raise ImportFileError(
            _("Required column(s) missing: %(columns)s. The header must contain: %(expected)s.")
            % {"columns": ", ".join(missing), "expected": ", ".join(required)}
        )
    columns = tuple(c for c in mapping if c)
    return mapping, columns, tuple(ignored)


def _csv_rows(
    stream: IO[bytes], info: SourceFile, extra_optional: tuple[str, ...], village_given: bool
) -> Iterator[SourceRow]:
    info.encoding = detect_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=info.encoding, newline="")
    first = text.readline()
    if not first.strip():
        raise ImportFileError(_("The file is empty."))
    try:
        info.delimiter = detect_delimiter(first.rstrip("\r\n"))
        header = next(csv.reader([first], delimiter=info.delimiter))
    except csv.Error:
        raise ImportFileError(_too_long(1)) from None
    mapping, info.columns, info.ignored_columns = map_columns(
        header, extra_optional=extra_optional, village_given=village_given
    )
    reader = csv.reader(text, delimiter=info.delimiter)
    number = 1
    try:
        for record in reader:
            number += 1
            if not any(cell.strip() for cell in record):
                continue
            values = {name: record[i] if i < len(record) else "" for i, name in enumerate(mapping) if name}
            yield SourceRow(number=number, values=values)
    except csv.Error:
        # The only error of a non-strict reader: a cell over the limit, most often a quote never closed.
        raise ImportFileError(_too_long(number + 1)) from None


def _too_long(row: int) -> str:
    return _(
        'Row %(row)d: a cell is longer than %(limit)d characters. Usually a quote mark (") is not closed; '
        "otherwise the file is not a list of members."
    ) % {"row": row, "limit": csv.field_size_limit()}


def _xlsx_rows(
    stream: IO[bytes], info: SourceFile, extra_optional: tuple[str, ...], village_given: bool, sheet: str | None
) -> Iterator[SourceRow]:
    from openpyxl import load_workbook

    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportFileError(
            _("The Excel file is damaged and cannot be read (%(detail)s).") % {"detail": type(exc).__name__}
        ) from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise ImportFileError(
            _("The Excel file is damaged and cannot be read (%(detail)s).") % {"detail": type(exc).__name__}
        ) from None
    try:
        if sheet:
            if sheet not in workbook.sheetnames:
                raise ImportFileError(
                    _("The sheet “%(sheet)s” is not in the file; its sheets are: %(sheets)s.")
                    % {"sheet": sheet, "sheets": ", ".join(workbook.sheetnames)}
                )
            worksheet = workbook[sheet]
        elif workbook.worksheets:
            worksheet = workbook.worksheets[0]
        else:
            raise ImportFileError(_("The Excel file has no sheet."))
        rows = worksheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or not any(c not in (None, "") for c in header):
            raise ImportFileError(_("The file is empty."))
        mapping, info.columns, info.ignored_columns = map_columns(
            list(header), extra_optional=extra_optional, village_given=village_given
        )
        number = 1
        for record in rows:
            number += 1
            if not any(c not in (None, "") and str(c).strip() for c in record):
                continue
            values = {name: record[i] if i < len(record) else None for i, name in enumerate(mapping) if name}
            yield SourceRow(number=number, values=values)
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - the sheet is parsed lazily: damage shows while reading rows
        raise ImportFileError(
            _("The Excel file is damaged and cannot be read (%(detail)s).") % {"detail": type(exc).__name__}
        ) from None
    finally:
        workbook.close()


def read_rows(
    stream: IO[bytes],
    *,
    extra_optional: tuple[str, ...] = (),
    village_given: bool = False,
    sheet: str | None = None,
) -> tuple[SourceFile, Iterator[SourceRow]]:
    """Open an uploaded list; returns what was detected and a lazy iterator over its rows.

    The header is read (and checked) before this returns, so a missing column is an
    ``ImportFileError`` here; later row errors come from the iterator.
    """
    if not extra_optional:
        extra_optional = _indicator_columns()
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    kind = detect_kind(head)
    info = SourceFile(kind=kind)
    if kind == "xlsx":
        rows = _xlsx_rows(stream, info, extra_optional, village_given, sheet)
    else:
        rows = _csv_rows(stream, info, extra_optional, village_given)
    first = next(rows, None)  # reads and checks the header now
    if first is None:
        raise ImportFileError(_("The file has a header but no rows."))

    def all_rows() -> Iterator[SourceRow]:
        yield first
        yield from rows

    return info, all_rows()


def _indicator_columns() -> tuple[str, ...]:
    try:
        from .indicators import indicator_parsers
    except ImportError:  # the poverty-data models are not installed
        return ()
    return tuple(indicator_parsers())


# ---- cell values -------------------------------------------------------------------------

# DD-MM-YYYY or DD/MM/YYYY (one separator throughout; day and month may have one digit) and YYYY-MM-DD.
# The import's SQL path (``fastpath``) uses the same two patterns, so both read the same dates.
DATE_DMY = r"^([0-9]{1,2})([-/])([0-9]{1,2})\2([0-9]{4})$"
DATE_YMD = r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$"
_DMY, _YMD = re.compile(DATE_DMY), re.compile(DATE_YMD)
# Python's csv module refuses a cell over this many characters (most often a quote never closed); the
# SQL path hands such a file to it, so both refuse it with the same message.
CELL_LIMIT = csv.field_size_limit()


def cell_text(value: Any) -> str:
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def parse_date(value: Any) -> dt.date | None:
    """DD-MM-YYYY, DD/MM/YYYY, YYYY-MM-DD, or an Excel date cell; None when it is none of those."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
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
