"""Hypothesis strategies for what a browser (or someone with curl) can send to a form field."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from hypothesis import strategies as st

NASTY_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\u202e",
            "🙂🙂🙂",
            "null",
            "None",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "../../etc/passwd",
            '=HYPERLINK("http://x")',
            "١٢٣",
        ]
    ),
    st.integers(min_value=100, max_value=20_000).map(lambda n: "a" * n),  # longer than any column
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        ["NaN", "Infinity", "-inf", "1e309", "1e-400", "0x10", "1_000", "١٢", "9" * 40, "-0", "1.5", "1,5", "Rp 1.000"]
    ),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
)
DATES = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from(["2026-02-30", "0000-01-01", "9999-12-31", "0001-01-01", "2026-12-31T10:00", "31-12-2026", "-1"]),
)
BOOLEANS = st.sampled_from(["on", "true", "false", "0", "1", "", "off", "yes"])


def uploads(extensions=("pdf", "png", "jpg", "csv", "xlsx", "exe", "html", "svg", "")):
    """A file as a browser sends it: any name, any bytes (a PDF or PNG header sometimes)."""
    name = st.tuples(st.text(max_size=20), st.sampled_from(extensions)).map(
        lambda t: f"{t[0]}.{t[1]}" if t[1] else t[0]
    )
    content = st.one_of(
        st.binary(max_size=2000),
        st.binary(max_size=200).map(lambda b: b"%PDF-1.4\n" + b),
        st.binary(max_size=200).map(lambda b: b"\x89PNG\r\n\x1a\n" + b),
    )
    return st.builds(lambda n, c: SimpleUploadedFile(as_received(n), c), name, content)


def as_received(name: str) -> str:
    """The file name as Django's multipart parser hands it to a form.

    The parser keeps only the last path component (a browser never sends a folder), drops what
    would not be a name at all, and a name it cannot use ("", ".", "..") leaves no file. The
    upload field only ever sees such names, so the fuzzer sends only such names.
    """
    name = MultiPartParser.sanitize_file_name(None, name) or ""
    return name if name not in {"", ".", ".."} else "x"


def choice_values(field: forms.ChoiceField) -> list[str]:
    values = []
    for value, label in field.choices:
        if isinstance(label, (list, tuple)):  # a group
            values.extend(str(v) for v, _l in label)
        else:
            values.append(str(value))
    return values


def for_field(field: forms.Field) -> st.SearchStrategy:
    """The values a field may receive: right-looking ones for its type mixed with anything at all."""
    if isinstance(field, forms.FileField):
        return uploads()
    if isinstance(field, forms.ModelMultipleChoiceField):
        pks = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:50]]
        one = st.one_of(st.sampled_from(pks), NUMBERS) if pks else NUMBERS
        return st.lists(one, max_size=4)
    if isinstance(field, forms.ModelChoiceField):
        pks = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:50]]
        return st.one_of(st.sampled_from(pks), NUMBERS, NASTY_TEXT) if pks else st.one_of(NUMBERS, NASTY_TEXT)
    if isinstance(field, forms.ChoiceField):
        values = choice_values(field)
        return st.one_of(st.sampled_from(values), NASTY_TEXT) if values else NASTY_TEXT
    if isinstance(field, forms.BooleanField):
        return BOOLEANS
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        return st.one_of(NUMBERS, NASTY_TEXT)
    if isinstance(field, (forms.DateField, forms.DateTimeField)):
        return st.one_of(DATES, NASTY_TEXT)
    if isinstance(field, forms.EmailField):
        return st.one_of(st.emails().map(str), NASTY_TEXT)
    return NASTY_TEXT


@st.composite
def form_input(draw, form: forms.Form, *, fixed: dict | None = None):
    """(data, files) for ``form``: each field either left out or given a drawn value."""
    data, files = {}, {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if fixed and name in fixed:
            data[key] = fixed[name]
            continue
        if draw(st.integers(min_value=0, max_value=9)) == 0:
            continue  # the field is missing from the request
        value = draw(for_field(field))
        if isinstance(value, SimpleUploadedFile):
            files[key] = value
        else:
            data[key] = value
    return data, files
