"""Reading the poverty lists villages really hold: CSV (any of , ; | tab; UTF-8 with or
without BOM, Windows-1252, or UTF-16 with its BOM as Excel's "Unicode text") and XLSX
(first sheet or a named one), one row per member.

The reader streams a CSV: it holds one batch of about 8 MB at a time (an XLSX is read whole by
fastexcel). It recognises the file from its content, not its name; matches headers ignoring case,
spaces, dots and underscores; and yields polars frames of text columns keyed by canonical column
name, with the spreadsheet's row numbers. A CSV batch is read by polars unless it holds a quote mark
or a lone carriage return (or polars reads it otherwise than Python would): from there Python's
``csv`` module reads the rest, so every file reads as it always has. File-level problems (wrong type,
encoding, missing columns, a cell too long) raise ``ImportFileError`` with an Indonesian message;
the row checks live in ``checks``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import fastexcel
import polars as pl
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .indicators import indicator_parsers

# Canonical columns. Required ones must be present (kode_desa unless the import names one village).
REQUIRED = ("no_kk", "nik", "nama", "jenis_kelamin", "tanggal_lahir", "hubungan_keluarga", "kode_desa")
OPTIONAL = ("tempat_lahir", "alamat", "dusun", "rt", "rw", "desil", "status_kehadiran")
DELIMITERS = (",", ";", "|", "\t")
SNIFF_BYTES = 64 * 1024

XLSX_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: old .xls, or an encrypted (password-protected) .xlsx
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # Excel's "Unicode text" export
CHUNK = 4 * 1024 * 1024
# Read and checked at a time (about 60,000 rows): memory stays bounded by the batch, not the file. 8 MB
# batches read and checked a million rows in 2.5 s where 4 MB took 2.9-3.5 s (each batch's hundred
# polars steps cost the same whatever its size), for 15 MB more at the import's reading step.
BATCH_BYTES = 8 * 1024 * 1024
BATCH_ROWS = 100_000
# Python's csv module refuses a cell over this many characters (most often a quote never closed).
CELL_LIMIT = csv.field_size_limit()
# What Python's str.strip() removes (every character whose isspace() is true), written out: building it
# from the 1.1 million code points cost every process half a second.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing was imported."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalise_header(name: Any) -> str:
    """``No KK``, ``NO_KK``, ``no.kk`` and ``nokk`` are one column."""
    return re.sub(r"[\s_.\-/]+", "", str(name or "")).lower().lstrip("\ufeff")


@dataclass
class SourceFile:
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    columns: tuple[str, ...] = ()  # canonical names, in file order
    ignored_columns: tuple[str, ...] = ()
    numbers: pl.DataFrame | None = field(default=None, repr=False)  # XLSX: (row, column) of No. KK / NIK numbers


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


def _utf8_chunks(stream: IO[bytes], encoding: str) -> Iterator[bytes]:
    """The file as UTF-8 bytes, without its byte-order mark, in chunks of about ``CHUNK``."""
    stream.seek(0)
    if encoding == "utf-8-sig":
        first = True
        while chunk := stream.read(CHUNK):
            if first and chunk.startswith(codecs.BOM_UTF8):
                chunk = chunk[3:]
            first = False
            yield chunk
        return
    decoder = codecs.getincrementaldecoder(encoding)()
    while chunk := stream.read(CHUNK):
        yield decoder.decode(chunk).lstrip("\ufeff").encode("utf-8")
    if tail := decoder.decode(b"", final=True):
        yield tail.encode("utf-8")


class _ChunkReader(io.RawIOBase):
    """A readable stream over an iterator of byte chunks (for Python's csv reader on the rest of a file)."""

    def __init__(self, first: bytes, chunks: Iterator[bytes]) -> None:
        self.pending, self.chunks = first, chunks

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - a memoryview
        while not self.pending:
            self.pending = next(self.chunks, b"")
            if not self.pending:
                return 0
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def _csv_frames(
    stream: IO[bytes], info: SourceFile, extra_optional: tuple[str, ...], village_given: bool, batch_rows: int
) -> Iterator[pl.DataFrame]:
    info.encoding = detect_encoding(stream)
    chunks = _utf8_chunks(stream, info.encoding)
    buffer = b""
    while True:  # the header: the first line
        end = min((p for p in (buffer.find(b"\n"), buffer.find(b"\r")) if p >= 0), default=-1)
        if end >= 0:
            break
        chunk = next(chunks, b"")
        if not chunk:
            end = len(buffer)
            break
        buffer += chunk
    first = buffer[:end].decode("utf-8")
    if not first.strip():
        raise ImportFileError(_("The file is empty."))
    rest = buffer[end + 2 if buffer[end : end + 2] == b"\r\n" else end + 1 :]
    try:
        info.delimiter = detect_delimiter(first)
        header = next(csv.reader([first], delimiter=info.delimiter))
    except csv.Error:
        raise ImportFileError(_too_long(1)) from None
    mapping, info.columns, info.ignored_columns = map_columns(
        header, extra_optional=extra_optional, village_given=village_given
    )
    yield pl.DataFrame()  # the header is read and checked
    width = len(mapping)
    names = [f"c{i}" for i in range(width)]
    wanted = {f"c{i}": name for i, name in enumerate(mapping) if name}
    number = 1  # rows so far, as a spreadsheet numbers them (the header is row 1)
    # Batches without a quote mark or a lone carriage return are read by polars; from the first one
    # that has either (or that polars reads otherwise than Python would), Python's csv reader reads the rest.
    pending = rest
    done = False
    while not done:
        while len(pending) < BATCH_BYTES and (chunk := next(chunks, b"")):
            pending += chunk
        cut = pending.rfind(b"\n") if len(pending) >= BATCH_BYTES else -1
        if cut < 0:
            batch, pending, done = pending, b"", True
        else:
            batch, pending = pending[: cut + 1], pending[cut + 1 :]
        if not batch:
            break
        frame = _polars_batch(batch, names, info.delimiter)
        if frame is None:
            yield from _python_frames(batch + pending, chunks, info, mapping, number, batch_rows)
            return
        frame = frame.with_row_index("row", offset=number + 1).select(
            pl.col("row").cast(pl.Int64), *[pl.col(c).alias(name) for c, name in wanted.items()]
        )
        number += frame.height
        yield _drop_blank(frame, tuple(wanted.values()))


def _polars_batch(batch: bytes, names: list[str], delimiter: str) -> pl.DataFrame | None:
    """The rows of a batch read by polars, or None when Python's reader must read it."""
    # A lone carriage return: counted only in a file that has any (most have none, or CRLF throughout).
    if b'"' in batch or (b"\r" in batch and batch.count(b"\r") != batch.count(b"\r\n")):
        return None
    lines = batch.count(b"\n") + (0 if batch.endswith(b"\n") else 1)
    try:
        frame = pl.read_csv(
            batch, has_header=False, new_columns=names, infer_schema=False, separator=delimiter, quote_char=None,
            truncate_ragged_lines=True, missing_columns="insert",
        )  # fmt: skip
    except Exception:  # noqa: BLE001 - any disagreement: the exact reader takes over
        return None
    if frame.height != lines or frame.width != len(names):
        return None
    # Characters are counted only in a column whose longest cell has more bytes than the limit's characters.
    if frame.height and any(
        (frame.get_column(c).str.len_bytes().max() or 0) > CELL_LIMIT
        and (frame.get_column(c).str.len_chars().max() or 0) > CELL_LIMIT
        for c in names
    ):
        return None
    return frame


def _drop_blank(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    """The frame without its blank rows (every cell empty or spaces): they are skipped, as they always were."""
    if not columns:
        return frame.clear()

    def blank(column: str) -> pl.Expr:
        return pl.col(column).fill_null("").str.strip_chars(WHITESPACE) == ""

    # Only rows whose first column is blank can be blank: the others are not looked at again.
    candidates = frame.filter(blank(columns[0]))
    if not candidates.height:
        return frame
    drop = candidates.filter(pl.all_horizontal([blank(c) for c in columns[1:]] or [pl.lit(True)])).get_column("row")
    return frame.filter(~pl.col("row").is_in(drop.implode())) if drop.len() else frame


def _python_frames(
    first: bytes, chunks: Iterator[bytes], info: SourceFile, mapping: list[str | None], number: int, batch_rows: int
) -> Iterator[pl.DataFrame]:
    """The rest of the file read by Python's csv module, ``batch_rows`` rows a frame."""
    text = io.TextIOWrapper(io.BufferedReader(_ChunkReader(first, chunks)), encoding="utf-8", newline="")
    reader = csv.reader(text, delimiter=info.delimiter)
    positions = [(i, name) for i, name in enumerate(mapping) if name]
    rows: list[int] = []
    values: dict[str, list[str]] = {name: [] for _i, name in positions}
    try:
        for record in reader:
            number += 1
            if not any(cell.strip() for cell in record):
                continue
            rows.append(number)
            for i, name in positions:
                values[name].append(record[i] if i < len(record) else "")
            if len(rows) >= batch_rows:
                yield pl.DataFrame(
                    {"row": rows, **values}, schema={"row": pl.Int64, **dict.fromkeys(values, pl.String)}
                )
                rows, values = [], {name: [] for _i, name in positions}
    except csv.Error:
        # The only error of a non-strict reader: a cell over the limit, most often a quote never closed.
        raise ImportFileError(_too_long(number + 1)) from None
    yield pl.DataFrame({"row": rows, **values}, schema={"row": pl.Int64, **dict.fromkeys(values, pl.String)})


def _too_long(row: int) -> str:
    return _(
        'Row %(row)d: a cell is longer than %(limit)d characters. Usually a quote mark (") is not closed; '
        "otherwise the file is not a list of members."
    ) % {"row": row, "limit": csv.field_size_limit()}


def _damaged(exc: BaseException) -> ImportFileError:
    return ImportFileError(
        _("The Excel file is damaged and cannot be read (%(detail)s).") % {"detail": type(exc).__name__}
    )


def _xlsx_frames(
    stream: IO[bytes], info: SourceFile, extra_optional: tuple[str, ...], village_given: bool, sheet: str | None
) -> Iterator[pl.DataFrame]:
    """The sheet read by fastexcel (calamine) as text; the No. KK / NIK cells held as numbers in ``info.numbers``."""
    stream.seek(0)
    data = stream.read()
    try:
        workbook = fastexcel.read_excel(data)
        names = workbook.sheet_names
    except Exception as exc:  # noqa: BLE001 - calamine raises its own kinds on a damaged file
        raise _damaged(exc) from None
    if sheet and sheet not in names:
        raise ImportFileError(
            _("The sheet “%(sheet)s” is not in the file; its sheets are: %(sheets)s.")
            % {"sheet": sheet, "sheets": ", ".join(names)}
        )
    if not names:
        raise ImportFileError(_("The Excel file has no sheet."))
    index = names.index(sheet) if sheet else 0
    try:
        table = workbook.load_sheet(index, header_row=None, skip_rows=0, dtypes="string").to_polars()
    except Exception as exc:  # noqa: BLE001
        raise _damaged(exc) from None
    if not table.height:
        raise ImportFileError(_("The file is empty."))
    header = [None if v is None else str(v) for v in table.row(0)]
    if not any(h not in (None, "") for h in header):
        raise ImportFileError(_("The file is empty."))
    mapping, info.columns, info.ignored_columns = map_columns(
        header, extra_optional=extra_optional, village_given=village_given
    )
    yield pl.DataFrame()
    source = table.columns
    frame = (
        table.slice(1)
        .with_row_index("row", offset=2)
        .select(
            pl.col("row").cast(pl.Int64),
            *[_xlsx_text(pl.col(source[i])).alias(name) for i, name in enumerate(mapping) if name],
        )
    )
    info.numbers = _xlsx_numbers(workbook, index, data, mapping, sheet)
    yield _drop_blank(frame, tuple(c for c in mapping if c))


def _xlsx_text(cell: pl.Expr) -> pl.Expr:
    """A date cell reads as its date (``2020-01-02 00:00:00`` -> ``2020-01-02``), as it always has."""
    return cell.str.replace(r"^([0-9]{4}-[0-9]{2}-[0-9]{2}) [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?$", "${1}")


def _xlsx_numbers(workbook: Any, index: int, data: bytes, mapping: list[str | None], sheet: str | None) -> pl.DataFrame:
    """(row, column) of the No. KK and NIK cells stored as numbers."""
    found: list[tuple[int, str]] = []
    for position, name in enumerate(mapping):
        if name not in ("no_kk", "nik"):
            continue
        try:
            column = workbook.load_sheet(
                index, header_row=0, use_columns=[position], schema_sample_rows=None, dtype_coercion="strict"
            )
            kind = column.selected_columns[0].dtype
            if kind == "string":
                continue
            values = column.to_polars().to_series()
            found += [(i + 2, name) for i in range(len(values)) if values[i] is not None]
        except Exception:  # noqa: BLE001 - numbers and text mixed: openpyxl says which cells
            found += _numbers_by_openpyxl(data, position, name, sheet)
    return pl.DataFrame(found, schema={"row": pl.Int64, "column": pl.String}, orient="row")


def _numbers_by_openpyxl(data: bytes, position: int, name: str, sheet: str | None) -> list[tuple[int, str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        found = [
            (number, name)
            for number, (value,) in enumerate(
                worksheet.iter_rows(min_row=2, min_col=position + 1, max_col=position + 1, values_only=True), start=2
            )
            if isinstance(value, (int, float)) and not isinstance(value, bool)
        ]
        workbook.close()
    except Exception:  # noqa: BLE001 - calamine read it; a cell this reader cannot is not a number
        return []
    return found


def read_frames(
    stream: IO[bytes],
    *,
    extra_optional: tuple[str, ...] = (),
    village_given: bool = False,
    sheet: str | None = None,
    batch_rows: int = BATCH_ROWS,
) -> tuple[SourceFile, Iterator[pl.DataFrame]]:
    """Open an uploaded list; returns what was detected and a lazy iterator over frames of its rows.

    Each frame has ``row`` (the spreadsheet's row number) and the canonical columns as text, blank rows
    left out. The header is read (and checked) before this returns, so a missing column is an
    ``ImportFileError`` here; later errors (a cell too long) come from the iterator.
    """
    if not extra_optional:
        extra_optional = _indicator_columns()
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    kind = detect_kind(head)
    info = SourceFile(kind=kind)
    if kind == "xlsx":
        frames = _xlsx_frames(stream, info, extra_optional, village_given, sheet)
    else:
        frames = _csv_frames(stream, info, extra_optional, village_given, batch_rows)
    next(frames)  # reads and checks the header now
    return info, frames


def _indicator_columns() -> tuple[str, ...]:
    return tuple(indicator_parsers())
