"""core.lists: a list's filters, selector, page and export in one call."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template import Context, Template
from django.test import RequestFactory

from core.lists import Column, FilterForm, ListSpec, export_rows, list_page
from regions.models import Level, Region

ROWS = [
    SimpleNamespace(name=f"Desa {i}", region={"code": f"65.01.{i:02}"}, kind="a" if i % 2 else "b", parent=None)
    for i in range(1, 31)
]


class KindFilter(FilterForm):
    q = forms.CharField(required=False, max_length=10)
    kind = forms.ChoiceField(required=False, choices=[("", "---"), ("a", "A"), ("b", "B")])


def rows_for(*, user, kind="", q="", **extra):
    rows = [r for r in ROWS if (not kind or r.kind == kind) and q in r.name]
    return [*rows, *extra.get("more", [])]


SPEC = ListSpec(
    selector=rows_for,
    filter_form=KindFilter,
    export_columns=[
        Column("Nama", "name"),
        Column("Kode", "region.code"),
        Column("Induk", "parent.name"),
        Column("Besar", lambda r: r.name.upper()),
    ],
    filename="desa",
    per_page=10,
)


def get(query: str = "", user: object = "someone"):
    request = RequestFactory().get("/list/" + query)
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def export_text(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_a_list_without_filters_shows_the_first_page_of_the_selectors_rows():
    listing = list_page(get(), SPEC)
    assert listing.export is None
    assert listing.filters == {}
    assert listing.page_obj.paginator.count == 30
    assert [r.name for r in listing.page_rows] == [f"Desa {i}" for i in range(1, 11)]
    assert listing.context["filter_form"] is listing.filter_form


def test_valid_filters_reach_the_selector_and_the_page_number_is_kept():
    listing = list_page(get("?kind=a&page=2"), SPEC)
    assert listing.filters == {"kind": "a"}
    assert listing.page_obj.number == 2
    assert all(r.kind == "a" for r in listing.page_rows)


def test_an_invalid_filter_value_is_dropped_with_a_warning_and_the_others_still_apply():
    request = get("?kind=zzz&q=Desa 1")
    listing = list_page(request, SPEC)
    assert listing.filters == {"q": "Desa 1"}
    assert [m.level_tag for m in get_messages(request)] == ["warning"]


def test_a_list_may_drop_invalid_filters_silently():
    request = get("?kind=zzz")
    list_page(
        request,
        ListSpec(selector=rows_for, filter_form=KindFilter, export_columns=[], filename="x", warn_invalid=False),
    )
    assert list(get_messages(request)) == []


def test_a_selector_may_take_the_filters_as_one_argument():
    seen = {}

    def selector(*, user, filters):
        seen.update(user=user, filters=filters)
        return []

    spec = ListSpec(
        selector=selector, filter_form=KindFilter, export_columns=[], filename="x", filters_argument="filters"
    )
    list_page(get("?kind=b"), spec)
    assert seen == {"user": "someone", "filters": {"kind": "b"}}


def test_extra_selector_arguments_are_passed_through():
    listing = list_page(get(), SPEC, more=[SimpleNamespace(name="Extra")])
    assert listing.page_obj.paginator.count == 31


def test_export_csv_holds_the_filtered_rows_under_the_declared_columns():
    listing = list_page(get("?export=csv&kind=b"), SPEC)
    assert listing.page_obj is None
    lines = export_text(listing.export)
    assert lines[0] == ["Nama", "Kode", "Induk", "Besar"]
    assert lines[1] == ["Desa 2", "65.01.02", "", "DESA 2"]
    assert len(lines) == 16


def test_export_xlsx_is_a_spreadsheet_download():
    response = list_page(get("?export=xlsx"), SPEC).export
    assert response["Content-Disposition"].startswith('attachment; filename="desa-')
    assert response["Content-Disposition"].endswith('.xlsx"')


def test_an_unknown_export_format_shows_the_page():
    listing = list_page(get("?export=pdf"), SPEC)
    assert listing.export is None and listing.page_obj is not None


def test_page_rows_and_export_source_hooks_shape_what_is_shown_and_exported():
    spec = ListSpec(
        selector=rows_for,
        export_columns=[Column("Nama", "name")],
        filename="x",
        export_source=lambda rows: (SimpleNamespace(name=r.name + "!") for r in rows[:2]),
        page_rows=lambda objects: [o.name for o in objects],
    )
    assert list_page(get(), spec).page_rows[:2] == ["Desa 1", "Desa 2"]
    assert list(export_rows(spec, rows_for(user=None))) == [["Desa 1!"], ["Desa 2!"]]


def test_a_list_without_a_selector_pages_and_exports_the_rows_its_view_gives():
    spec = ListSpec(export_columns=[Column("Nama", "name")], filename="x", per_page=5)
    assert list_page(get(), spec, rows=ROWS).page_obj.paginator.num_pages == 6
    assert len(export_text(list_page(get("?export=csv"), spec, rows=ROWS[:3]).export)) == 4


def test_a_column_path_calls_a_display_method_at_its_end():
    row = SimpleNamespace(get_state_display=lambda: "Diajukan")
    assert Column("Status", "get_state_display").of(row) == "Diajukan"


@pytest.mark.django_db
def test_a_queryset_is_exported_in_chunks_from_the_database(django_assert_num_queries):
    Region.objects.create(code="65", name="Kalimantan Utara", level=Level.PROVINCE)
    spec = ListSpec(
        selector=lambda *, user: Region.objects.order_by("code"),
        export_columns=[Column("Kode", "code"), Column("Tingkat", "get_level_display")],
        filename="wilayah",
    )
    with django_assert_num_queries(1):
        assert list(export_rows(spec, spec.selector(user=None))) == [["65", str(Level.PROVINCE.label)]]


def test_the_filter_form_renders_through_crispy_as_a_get_form_row():
    form = KindFilter(None, user="someone")
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    assert "<form" not in html  # the page's template owns the <form method=get> and its buttons
    assert "data-autosubmit" in html and 'type="search"' in html
    assert "csrfmiddlewaretoken" not in html
