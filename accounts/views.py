from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.exports import export_format, export_response, paginate

from . import policy, selectors
from .forms import LoginForm, PersonalDataAccessFilterForm


class PortalLoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@login_required
def personal_data_access_list(request: HttpRequest) -> HttpResponse:
    """The audit log of full NIK / No. KK views and personal-data exports, for province staff."""
    if not policy.can(request.user, "audit.view"):
        raise PermissionDenied
    form = PersonalDataAccessFilterForm(request.GET or None)
    qs = selectors.personal_data_accesses(user=request.user, filters=form.valid_filters())
    if fmt := export_format(request):
        return export_response(
            fmt=fmt,
            filename="log-akses-data-pribadi",
            header=selectors.PERSONAL_DATA_ACCESS_HEADER,
            rows=selectors.personal_data_access_rows(qs),
            sheet_title="Log akses",
        )
    return render(request, "accounts/personal_data_access_list.html", {"form": form, "page_obj": paginate(request, qs)})
