"""Programmes: the list, a programme's page, its form, its status and the proposals it could fund."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.views_support import allowed, flash_service_errors, form_saved, unconfirmed
from core.lists import list_page

from .. import forms, lists, matching, selectors, services
from ..models import ProgrammeStatus
from ..money import rupiah


@allowed("programme.view")
def programme_list(request: HttpRequest) -> HttpResponse:
    listing = list_page(request, lists.PROGRAMMES)
    can_create = policy.can(request.user, "programme.edit") and selectors.company_of_user(request.user) is not None
    return listing.export or render(request, "csr/programme_list.html", {**listing.context, "can_create": can_create})


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get_for_user(user=request.user, pk=pk)
    programme = selectors.programme_with_budget(programme=programme)
    return render(
        request,
        "csr/programme_detail.html",
        {
            "programme": programme,
            "available": matching.available(programme),
            "matches": selectors.programme_matches(programme=programme, user=request.user),
            "can_edit": policy.can(request.user, "programme.edit", programme),
            "can_rank": policy.can(request.user, "proposal.view"),
        },
    )


@login_required
def programme_create(request: HttpRequest) -> HttpResponse:
    company = selectors.company_of_user(request.user)
    if company is None:
        raise PermissionDenied
    policy.require(request.user, "programme.edit", company)
    form = forms.ProgrammeForm(request.POST or None)
    programme = form_saved(
        request,
        form,
        lambda data: services.programme_create(user=request.user, company=company, **data),
        _("Programme saved as a draft. Open it to receive proposals."),
    )
    if programme is not None:
        return redirect("csr:programme_detail", pk=programme.pk)
    return render(request, "csr/programme_form.html", {"form": form, "company": company})


@login_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get_for_user(user=request.user, pk=pk, action="programme.edit")
    form = forms.ProgrammeForm(request.POST or None, initial=forms.programme_initial(programme))
    if form_saved(
        request,
        form,
        lambda data: services.programme_update(user=request.user, programme=programme, **data),
        _("Programme saved."),
    ):
        return redirect("csr:programme_detail", pk=programme.pk)
    context = {"form": form, "company": programme.company, "programme": programme}
    return render(request, "csr/programme_form.html", context)


@login_required
@require_POST
def programme_status(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get_for_user(user=request.user, pk=pk, action="programme.edit")
    status = forms.ProgrammeStatusForm(request.POST).status_value()
    if status == ProgrammeStatus.CLOSED and (question := _close_question(request, programme)) is not None:
        return question
    try:
        services.programme_set_status(user=request.user, programme=programme, status=status)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("Programme status: %(status)s.") % {"status": programme.get_status_display()})
    return redirect("csr:programme_detail", pk=programme.pk)


def _close_question(request: HttpRequest, programme) -> HttpResponse | None:
    """Closing stops the programme's intake: say what closes before it is done."""
    consequence = _(
        "The programme “%(title)s” stops receiving proposals: it leaves the public catalogue and the province can no "
        "longer match proposals to it. Matches already accepted (%(committed)s) stay committed. "
        "You can open it again later."
    ) % {"title": programme.title, "committed": rupiah(selectors.programme_with_budget(programme=programme).committed)}
    return unconfirmed(
        request,
        question=_("Close the programme?"),
        consequence=consequence,
        action_label=_("Yes, close the programme"),
        back_url=reverse("csr:programme_detail", args=[programme.pk]),
    )


@login_required
def programme_matching(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposals this programme could fund, ranked with the score explained."""
    programme = selectors.programme_get_for_user(user=request.user, pk=pk)
    policy.require(request.user, "proposal.view")
    programme = selectors.programme_with_budget(programme=programme)
    ranked = matching.rank_proposals(programme, selectors.proposals_visible(user=request.user))
    return render(
        request,
        "csr/programme_matching.html",
        {
            "programme": programme,
            "available": matching.available(programme),
            "ranked": ranked,
            "weights": matching.weights_table(),
            "can_confirm": policy.can(request.user, "match.confirm") and programme.status == ProgrammeStatus.OPEN,
        },
    )
