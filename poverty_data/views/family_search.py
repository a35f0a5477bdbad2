"""The search of a village's families, shared by the village page and the submission editor: the term
(a name or a number) is POSTed and kept in the session per village, never in a URL; the filters are GET."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions.models import Region

from .. import selectors
from ..forms import FamilyFilterForm, FamilySearchForm

SEARCH_KEY = "poverty_family_search"
FILTERS_IGNORED = gettext_lazy("Some filters were not valid and were ignored.")


def search_term(request: HttpRequest, village: Region) -> str:
    """The family search kept in the session for this village."""
    return request.session.get(SEARCH_KEY, {}).get(str(village.pk), "")


def search_keep(request: HttpRequest, village: Region) -> None:
    """POST: keep the search term in the session ("clear" forgets it). A control character or an
    overlong term: the search stays as it was, with a message."""
    search = FamilySearchForm(request.POST)
    if "clear" in request.POST or search.is_valid():
        searches = request.session.get(SEARCH_KEY, {})
        searches[str(village.pk)] = "" if "clear" in request.POST else search.cleaned_data["q"]
        request.session[SEARCH_KEY] = searches
    else:
        messages.warning(request, FILTERS_IGNORED)


def family_filters(
    request: HttpRequest, village: Region, *, full: bool, fields: Iterable[str] | None = None
) -> tuple[FamilyFilterForm, selectors.FamilyFilters]:
    """The filter form (GET; only ``fields`` when given) and the filters it and the kept search make.
    A number is searched only by those who may see numbers in full (``full``): the search would
    otherwise tell whose NIK or No. KK it is."""
    form = FamilyFilterForm(request.GET or None, dusun_choices=selectors.dusun_choices(village=village), fields=fields)
    filters = selectors.FamilyFilters(search=search_term(request, village))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters.dusun, filters.rt, filters.desil = data["dusun"], data["rt"], data["desil"]
        filters.status = data.get("status") or "active"
        filters.assistance, filters.invalid = data.get("assistance", ""), data.get("invalid", False)
    elif form.is_bound:
        messages.warning(request, FILTERS_IGNORED)
    if filters.status == "all":
        filters.status = ""
    if filters.search.isdigit() and not full:
        messages.warning(request, _("Searching by NIK or No. KK is only for roles that may see them."))
        filters.search = ""
    return form, filters


def search_form(filters: selectors.FamilyFilters) -> FamilySearchForm:
    return FamilySearchForm(initial={"q": filters.search}, searching=bool(filters.search))
