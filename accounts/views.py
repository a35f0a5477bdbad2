from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.lists import Column, ListSpec, list_page

from . import selectors
from .forms import LoginForm, PersonalDataAccessFilterForm
from .views_support import allowed

# The audit log's list: who, when, what record (never the personal data itself).
PERSONAL_DATA_ACCESSES = ListSpec(
    selector=selectors.personal_data_accesses,
    filter_form=PersonalDataAccessFilterForm,
    filters_argument="filters",
    warn_invalid=False,
    filename="log-akses-data-pribadi",
    sheet_title="Log akses",
    export_source=lambda qs: qs.iterator(chunk_size=2000),
    export_columns=[
        Column("at", "at"),
        Column("username", "user.username"),
        Column("name", "user.get_full_name"),
        Column("action", "get_action_display"),
        Column("subject", "subject_label"),
        Column("record", "object_id"),
        Column("region_code", "region_code"),
        Column("rows", "rows"),
    ],
)


class PortalLoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@allowed("audit.view")
def personal_data_access_list(request: HttpRequest) -> HttpResponse:
    """The audit log of full NIK / No. KK views and personal-data exports, for province staff."""
    listing = list_page(request, PERSONAL_DATA_ACCESSES)
    return listing.export or render(request, "accounts/personal_data_access_list.html", listing.context)
