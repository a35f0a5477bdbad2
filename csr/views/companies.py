"""Companies: the list, a company's page and its profile form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import policy
from accounts.views_support import allowed, form_saved
from core.lists import list_page

from .. import forms, lists, selectors, services


@allowed("company.view")
def company_list(request: HttpRequest) -> HttpResponse:
    listing = list_page(request, lists.COMPANIES)
    return listing.export or render(request, "csr/company_list.html", listing.context)


@login_required
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = selectors.company_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "csr/company_detail.html",
        {
            "company": company,
            **selectors.company_detail(company=company, user=request.user),
            "can_edit": policy.can(request.user, "company.edit", company),
        },
    )


@login_required
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    company = selectors.company_get_for_user(user=request.user, pk=pk, action="company.edit")
    years = selectors.company_forum_years(company=company)
    form = forms.CompanyForm(request.POST or None, initial=forms.company_initial(company, forum_years=years))
    if form_saved(
        request,
        form,
        lambda data: services.company_update(user=request.user, company=company, **data),
        _("Company profile saved."),
    ):
        return redirect("csr:company_detail", pk=company.pk)
    return render(request, "csr/company_form.html", {"form": form, "company": company})
