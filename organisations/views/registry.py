"""The registry: the list, the dashboard, an organisation's page, history and profile."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from accounts import policy
from accounts.views_support import allowed
from core.db_router import use_replica
from core.lists import list_page

from .. import lists, selectors, services
from ..forms import OrganisationCreateForm, OrganisationForm
from ..models import ASPECTS
from .forms import fields, form_page


@allowed(selectors.VIEW)
def organisation_list(request: HttpRequest) -> HttpResponse:
    listing = list_page(request, lists.ORGANISATIONS)
    return listing.export or render(
        request,
        "organisations/organisation_list.html",
        {
            **listing.context,
            "can_create": policy.can(request.user, "organisation.create"),
            "can_dashboard": policy.can(request.user, "registry.dashboard"),
        },
    )


@allowed("registry.dashboard")
@use_replica()
def registry_dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/registry_dashboard.html", selectors.registry_dashboard(user=request.user))


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk)
    user = request.user
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "page": selectors.organisation_page(organisation=organisation),
            "organisation": organisation,
            "aspects": ASPECTS,
            "can_edit": policy.can(user, "organisation.edit", organisation),
            "can_assess": policy.can(user, "organisation.assess", organisation),
            "can_record_assistance": policy.can(user, "assistance.record", organisation),
            "can_see_history": policy.can(user, "organisation.history", organisation),
        },
    )


@login_required
def organisation_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The change history, read only when asked for: the organisation page links here (htmx puts the
    table, the template's "history" partial, into the page; without JavaScript the link opens this page)."""
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk, action="organisation.history")
    context = {"organisation": organisation, "history": selectors.organisation_history(organisation=organisation)}
    template = "organisations/organisation_history.html"
    if request.headers.get("HX-Request"):
        template += "#history"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@allowed("organisation.create")
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationCreateForm(request.POST or None, regions=selectors.regions_for_create(user=request.user))
    return form_page(
        request,
        form=form,
        save=lambda data: services.organisation_create(
            user=request.user, region=data["region"], **fields(data, services.PROFILE_FIELDS)
        ),
        success_url=lambda organisation: reverse("organisations:detail", args=[organisation.pk]),
        cancel_url=reverse("organisations:list"),
        title=_("Register a Karang Taruna"),
        template="organisations/organisation_form.html",
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk, action="organisation.edit")
    return form_page(
        request,
        form=OrganisationForm(request.POST or None, instance=organisation),
        save=lambda data: services.organisation_update(
            user=request.user, organisation=organisation, **fields(data, services.PROFILE_FIELDS)
        ),
        success_url=reverse("organisations:detail", args=[organisation.pk]),
        title=_("Edit the profile of %(name)s") % {"name": organisation.name},
        template="organisations/organisation_form.html",
    )
