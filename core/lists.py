"""List pages: one shape for every list (filter form → selector → export or page).

An app declares each of its lists once, next to the selector that reads it::

    PROGRAMMES = ListSpec(
        selector=selectors.programme_list,          # called as selector(user=..., **filters)
        filter_form=forms.ProgrammeFilter,          # a FilterForm: crispy-rendered, GET, never an error page
        export_columns=[Column(_("Title"), "title"), Column(_("Company"), "company.name"), ...],
        filename="program-csr",
    )

and the view is a policy check, one call and a render::

    listing = list_page(request, PROGRAMMES)
    if listing.export:                              # ?export=csv|xlsx
        return listing.export
    return render(request, "csr/programme_list.html", {**listing.context, ...})

Filter values that do not validate are dropped (the list shows everything for that field), and,
when the spec asks for it, the user is told so. Exports hold the same rows as the page, streamed
through ``core.exports``. This module imports no app of ours: core is the bottom layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .exports import PER_PAGE, export_format, export_response, paginate

EXPORT_CHUNK = 500


def _resolve(row: Any, path: str) -> Any:
    """``row``'s value at a dotted path: mapping keys and attributes alike; a missing link gives None;
    a callable at the end (``get_status_display``) is called."""
    value = row
    for part in path.split("."):
        if value is None:
            return None
        value = value[part] if isinstance(value, Mapping) else getattr(value, part)
    return value() if callable(value) else value


@dataclass(frozen=True)
class Column:
    """One column of an export: its header and the row's value (a dotted path or a function of the row)."""

    header: Any
    value: str | Callable[[Any], Any]

    def of(self, row: Any) -> Any:
        return _resolve(row, self.value) if isinstance(self.value, str) else self.value(row)


class FilterForm(forms.Form):
    """A list's filters, sent by GET and rendered by crispy in one row.

    ``user`` is the user whose list it is (a form that offers choices by scope uses it).
    ``filters()`` gives the valid, non-empty values; a field whose value does not validate is left out.
    """

    autosubmit = True  # selects submit the form when changed (static/js)
    field_columns = "col-12 col-sm-auto"  # the grid column of each field (the form is a Bootstrap row)

    def __init__(self, data: Any = None, *, user: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.user = user
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.wrapper_class = self.field_columns
        self.helper.label_class = "small mb-0"
        for name, bound in self.fields.items():
            widget = bound.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
                if self.autosubmit:
                    widget.attrs.setdefault("data-autosubmit", "")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")
            if isinstance(widget, forms.TextInput) and name == "q":
                widget.input_type = "search"

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None, [])}


@dataclass(frozen=True, kw_only=True)
class ListSpec:
    """A list: its selector, its filter form, its export. See the module's docstring.

    A list whose rows come out of a larger read (a board, a report) has no selector: its view
    passes the rows to ``list_page``.
    """

    export_columns: Sequence[Column]
    filename: str
    selector: Callable[..., Any] | None = None
    filter_form: type[FilterForm] | None = None
    sheet_title: str = "Data"
    per_page: int = PER_PAGE
    warn_invalid: bool = True
    # The objects an export iterates, from the selector's result (default: a QuerySet in chunks,
    # anything else as it is); an app uses it to prepare names for a whole export in one query.
    export_source: Callable[[Any], Iterable[Any]] | None = None
    # What a page shows of its objects (default: the objects); an app uses it to read a page's
    # related data in a few queries.
    page_rows: Callable[[list[Any]], Any] | None = None
    # The selector's argument that takes the filters as one dict (default: one keyword argument each).
    filters_argument: str | None = None


@dataclass
class ListPage:
    """What ``list_page`` found: an export to return, or the page to render."""

    filter_form: FilterForm | None
    filters: dict[str, Any]
    rows: Any
    export: HttpResponse | None = None
    page_obj: Page | None = None
    page_rows: Any = None

    @property
    def context(self) -> dict[str, Any]:
        """The template's names: ``page_obj``, ``filter_form`` and ``rows`` (the page's rows)."""
        return {"page_obj": self.page_obj, "filter_form": self.filter_form, "rows": self.page_rows}


def export_rows(spec: ListSpec, rows: Any) -> Iterable[list[Any]]:
    """``rows`` as export lines under ``spec``'s columns, lazily."""
    if spec.export_source is not None:
        source: Iterable[Any] = spec.export_source(rows)
    elif isinstance(rows, QuerySet):
        source = rows.iterator(chunk_size=EXPORT_CHUNK)
    else:
        source = rows
    columns = spec.export_columns
    return ([column.of(row) for column in columns] for row in source)


def list_page(request: HttpRequest, spec: ListSpec, *, rows: Any = None, **selector_kwargs: Any) -> ListPage:
    """Filter, read and either export (``?export=csv|xlsx``) or paginate ``spec``'s list for the request's user.

    The selector is called as ``spec.selector(user=request.user, **selector_kwargs, **filters)``
    (or with ``<filters_argument>=filters``); a spec without one lists the ``rows`` given.
    """
    form = spec.filter_form(request.GET or None, user=request.user) if spec.filter_form else None
    filters = form.filters() if form is not None else {}
    if form is not None and form.errors and spec.warn_invalid:
        messages.warning(request, _("Some filter values were not valid and were ignored."))
    if spec.selector is not None:
        arguments = {spec.filters_argument: filters} if spec.filters_argument else filters
        rows = spec.selector(user=request.user, **selector_kwargs, **arguments)
    elif rows is None:
        raise TypeError("a ListSpec without a selector lists the rows its view gives")
    listing = ListPage(filter_form=form, filters=filters, rows=rows)
    if fmt := export_format(request):
        listing.export = export_response(
            fmt=fmt,
            filename=spec.filename,
            header=[str(column.header) for column in spec.export_columns],
            rows=export_rows(spec, rows),
            sheet_title=spec.sheet_title,
        )
        return listing
    listing.page_obj = paginate(request, rows, per_page=spec.per_page)
    objects = list(listing.page_obj.object_list)
    listing.page_rows = spec.page_rows(objects) if spec.page_rows else objects
    return listing
