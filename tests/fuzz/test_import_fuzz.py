"""Fuzzing the import parser and row checks (poverty_imports/reader.py, checks.py) and the import itself.

Whatever a village uploads (random bytes, any encoding, any delimiter, huge cells, quoted
newlines, damaged XLSX files), the reader either yields rows or raises ``ImportFileError``
with a translated message; the row checks return issues, never an exception; and an
import of a file with any error stores nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import pytest
from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from poverty_data.models import Family, Member, Submission, SubmissionChange
from poverty_imports.checks import ERROR, WARNING
from poverty_imports.indicators import indicator_parsers
from poverty_imports.models import ImportBatch, ImportIssue, ImportStatus
from poverty_imports.reader import OPTIONAL, REQUIRED
from poverty_imports.report import validate_stream
from poverty_imports.services import import_create, import_run

KNOWN = {"65.01.01", "65.01.02", "65.03.01", "65.71.01"}
VILLAGES = {"65.01.01.2005", "65.01.01.1001", "65.03.01.2001"}
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1")
DELIMITERS = (",", ";", "|", "\t", " ", ":")
COLUMNS = (*REQUIRED, *OPTIONAL, *sorted(indicator_parsers()))
GOOD_ROW = {
    "no_kk": "6501010101200001",
    "nik": "6501011203850001",
    "nama": "Budi Santoso",
    "jenis_kelamin": "L",
    "tanggal_lahir": "12-03-1985",
    "hubungan_keluarga": "Kepala Keluarga",
    "kode_desa": "65.01.01.2005",
}

# ---- strategies ---------------------------------------------------------------------------

HUGE = st.integers(min_value=1, max_value=300_000).map(lambda n: "x" * n)
CELL_TEXT = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\A[0-9]{14,18}\Z"),
    st.sampled_from(["L", "P", "Laki-laki", "Istri", "Anak", "Kepala Keluarga", "Ada", "Pindah", "ya", "tidak"]),
    st.sampled_from(["12-03-1985", "31/02/2000", "2026-13-01", "0000-00-00", "=1+1", "@SUM(A1)", "-2", "+62"]),
    st.sampled_from(["65.01.01.2005", "6501012005", "65.99.99.9999", ""]),
    st.text(alphabet='",;|\t\r\n\\ x', max_size=12),  # quotes, delimiters and newlines inside a cell
    HUGE,
)
HEADER = st.one_of(
    st.permutations(COLUMNS).flatmap(
        lambda cols: st.integers(min_value=1, max_value=len(cols)).map(lambda n: cols[:n])
    ),
    st.lists(st.one_of(st.sampled_from(COLUMNS), st.text(max_size=12)), max_size=12),
    st.just(REQUIRED),
).map(list)


@st.composite
def tables(draw, cells=CELL_TEXT):
    header = draw(HEADER)
    if draw(st.booleans()):  # variants of the names the reader must recognise
        header = [draw(st.sampled_from([h, h.upper(), h.replace("_", " "), f" {h}. "])) for h in header]
    width = st.integers(min_value=0, max_value=len(header) + 2)
    rows = draw(
        st.lists(st.one_of(st.builds(lambda w, c: [c] * w, width, cells), st.lists(cells, max_size=12)), max_size=6)
    )
    if draw(st.booleans()):
        rows.insert(0, [GOOD_ROW.get(h, "") for h in header])
    return header, rows


@st.composite
def csv_files(draw):
    header, rows = draw(tables())
    delimiter = draw(st.sampled_from(DELIMITERS))
    buffer = io.StringIO()
    style = draw(st.sampled_from(["minimal", "all", "raw"]))
    if style == "raw":  # joined by hand: quotes and newlines left as they are
        buffer.write("\n".join(delimiter.join(map(str, line)) for line in [header, *rows]))
    else:
        writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL if style == "all" else csv.QUOTE_MINIMAL)
        writer.writerows([header, *rows])
    encoding = draw(st.sampled_from(ENCODINGS))
    data = buffer.getvalue().encode(encoding, errors="replace")
    if draw(st.booleans()):  # damaged in transit: cut short, or stray bytes inserted
        cut = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:cut] + draw(st.binary(max_size=8)) + data[cut + draw(st.integers(0, 4)) :]
    return data


def _xlsx_cell(value):
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:32_000] if isinstance(value, str) else value


XLSX_CELL = st.one_of(
    CELL_TEXT,
    st.integers(min_value=-(10**17), max_value=10**17),
    st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),  # noqa: DTZ001 - Excel cells are naive
    st.booleans(),
    st.none(),
)


@st.composite
def xlsx_files(draw):
    header, rows = draw(tables(cells=XLSX_CELL))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(draw(st.sampled_from(["Sheet1", "Data", "Lembar 1"])))
    for line in [header, *rows]:
        sheet.append([_xlsx_cell(v) for v in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    damage = draw(st.sampled_from(["none", "member", "drop", "truncate"]))
    if damage == "truncate":
        return data[: draw(st.integers(min_value=4, max_value=len(data)))]
    if damage == "none":
        return data
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    victim = draw(st.sampled_from(names))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            content = source.read(name)
            if name == victim:
                if damage == "drop":
                    continue
                cut = draw(st.integers(min_value=0, max_value=len(content)))
                content = content[:cut] + draw(st.binary(max_size=16)) + content[cut:]
            target.writestr(name, content)
    return out.getvalue()


RANDOM_BYTES = st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=500).map(lambda b: b"PK\x03\x04" + b),  # looks like a zip
    st.binary(max_size=500).map(lambda b: b"\xef\xbb\xbf" + b),  # UTF-8 BOM then anything
    st.binary(max_size=500).map(lambda b: b"\xff\xfe" + b),  # UTF-16 BOM then anything
    st.binary(max_size=200).map(
        lambda b: b"no_kk,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,kode_desa\n" + b
    ),
)

# ---- reading and checking -------------------------------------------------------------------


def _lookup(code: str) -> str:
    return "ok" if code in VILLAGES else "unknown"


def read_and_check(data: bytes, *, village: str | None = None) -> tuple[str | None, list]:
    """(file error or None, issues of every row) for an uploaded file's bytes."""
    report = validate_stream(io.BytesIO(data), village_lookup=_lookup, village=village, kecamatan=KNOWN)
    return report.file_error or None, report.issues


def assert_answers_well(data: bytes) -> None:
    with translation.override("id"):
        error, issues = read_and_check(data)
    for issue in issues:
        assert issue.severity in (ERROR, WARNING)
        assert issue.column in (*COLUMNS, "")
        assert isinstance(issue.message, str) and issue.message.strip()
    if error is not None:
        assert isinstance(error, str) and error.strip()
        with translation.override("en"):
            english, _issues = read_and_check(data)
        assert error != english, f"not translated: {error!r}"


@given(data=RANDOM_BYTES)
@example(data=b"no_kk,nik\n\x81\x8d\x8f\x90\x9d")
@example(data=b"\xff\xfen\x00o\x00_\x00k\x00k\x00")
def test_random_bytes_give_rows_or_a_translated_file_error(data):
    assert_answers_well(data)


@given(data=csv_files())
def test_a_csv_in_any_encoding_and_delimiter_gives_rows_or_a_translated_file_error(data):
    assert_answers_well(data)


@settings(max_examples=60)
@given(data=xlsx_files())
def test_an_xlsx_file_whole_or_damaged_gives_rows_or_a_translated_file_error(data):
    assert_answers_well(data)


@pytest.mark.parametrize("size", [131_073, 2_000_000])
def test_a_huge_header_cell_is_a_file_error_not_a_crash(size):
    data = ("no_kk,nik," + "n" * size + "\n1,2,3\n").encode()
    assert_answers_well(data)


def test_a_huge_cell_in_a_row_is_a_file_error_that_names_the_row():
    header = ",".join(REQUIRED)
    data = f"{header}\n{'x' * 200_000},1,2,3,4,5,6\n".encode()
    with translation.override("id"):
        error, _issues = read_and_check(data)
    assert error is not None and "2" in error


def _workbook_with(damage: str) -> bytes:
    workbook = Workbook()
    workbook.active.append(list(REQUIRED))
    workbook.active.append([GOOD_ROW[c] for c in REQUIRED])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                if damage == "sheet dropped":
                    continue
                content = content[: len(content) // 2]  # cut in the middle of the rows
            if name == "xl/workbook.xml" and damage == "no sheets":
                content = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", content)
            target.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize("damage", ["no sheets", "sheet dropped", "sheet cut short"])
def test_an_xlsx_without_sheets_or_with_a_damaged_sheet_is_a_file_error(damage):
    with translation.override("id"):
        error, _issues = read_and_check(_workbook_with(damage))
    assert error is not None and error.startswith("Berkas Excel"), error


# ---- the import stores nothing from a bad file ------------------------------------------------


@st.composite
def bad_files(draw):
    """A file with at least one error (a row whose NIK is short), or one that cannot be read at all."""
    kind = draw(st.sampled_from(["csv", "xlsx", "bytes"]))
    if kind == "bytes":
        return draw(RANDOM_BYTES.filter(lambda b: b.strip()))
    header, rows = draw(tables())
    header = list(dict.fromkeys([*REQUIRED, *header]))
    rows.append([{**GOOD_ROW, "nik": "12345"}.get(h, "") for h in header])
    if kind == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Data")
        for line in [header, *rows]:
            sheet.append([_xlsx_cell(v) for v in line])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=draw(st.sampled_from(DELIMITERS[:4]))).writerows([header, *rows])
    return buffer.getvalue().encode(draw(st.sampled_from(ENCODINGS[:3])), errors="replace")


@settings(max_examples=40)
@given(data=bad_files())
@example(data=b"no_kk,nik\n\x81\x8d\x8f\x90\x9d")
def test_an_import_of_a_file_with_any_error_stores_nothing(data, officer, open_round, pokja, families, region_tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = (
        Family.objects.count(),
        Member.objects.count(),
        sorted(Submission.objects.values_list("pk", "version")),
        SubmissionChange.objects.count(),
    )
    upload = SimpleUploadedFile("daftar.csv", data)
    try:
        batch = import_create(user=officer, round=open_round, upload=upload, file_name="daftar.csv", start=False)
    except Exception as exc:  # refused at upload: only a ValidationError with a message
        from django.core.exceptions import ValidationError

        assert isinstance(exc, ValidationError), exc
        assert exc.messages and all(m.strip() for m in exc.messages)
    else:
        batch = import_run(batch=batch)
        assert batch.status == ImportStatus.REFUSED
        assert batch.file_error or ImportIssue.objects.filter(batch=batch, severity=ERROR).exists()
    after = (
        Family.objects.count(),
        Member.objects.count(),
        sorted(Submission.objects.values_list("pk", "version")),
        SubmissionChange.objects.count(),
    )
    assert after == before
    assert not ImportBatch.objects.filter(status=ImportStatus.IMPORTED).exists()
