"""Matches: the list, a company's decision and the realisation reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.views_support import allowed, flash_service_errors, form_saved, unconfirmed
from core.lists import list_page

from .. import forms, lists, selectors, services
from ..models import INCOME_SECTORS
from ..money import rupiah


@allowed("match.view")
def match_list(request: HttpRequest) -> HttpResponse:
    listing = list_page(request, lists.MATCHES)
    return listing.export or render(request, "csr/match_list.html", listing.context)


@login_required
@require_POST
def match_decide(request: HttpRequest, pk: int) -> HttpResponse:
    match = selectors.match_get_for_user(user=request.user, pk=pk, action="match.decide")
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or decline."))
        return redirect("csr:proposal_detail", pk=match.proposal_id)
    accept = form.cleaned_data["decision"] == "accept"
    # A decline without a reason is refused by the service below: no need to ask first.
    if accept or form.cleaned_data["reason"].strip():
        if (question := _decision_question(request, match, accept=accept)) is not None:
            return question
    try:
        if accept:
            services.match_accept(user=request.user, match=match, note=form.cleaned_data["reason"])
            messages.success(request, _("Match accepted: the amount is committed."))
        else:
            services.match_decline(user=request.user, match=match, reason=form.cleaned_data["reason"])
            messages.success(request, _("Match declined; the proposer sees your reason."))
    except ValidationError as exc:
        flash_service_errors(request, exc)
    return redirect("csr:proposal_detail", pk=match.proposal_id)


def _decision_question(request: HttpRequest, match, *, accept: bool) -> HttpResponse | None:
    """Accepting commits the company's money, declining ends the match: say how much, to whom, first."""
    figures = {
        "amount": rupiah(match.amount),
        "programme": match.programme.title,
        "proposal": match.proposal.title,
        "village": match.proposal.village.display_name,
    }
    if accept:
        question, label = _("Accept this match?"), _("Yes, commit %(amount)s") % figures
        consequence = _(
            "Accepting commits %(amount)s of the programme “%(programme)s” to the proposal “%(proposal)s” "
            "(%(village)s). The amount is no longer available to other proposals, and the proposer may start the work."
        )
    else:
        question, label = _("Decline this match?"), _("Yes, decline")
        consequence = _(
            "Declining ends this match for good: the programme “%(programme)s” will not fund %(amount)s to the "
            "proposal “%(proposal)s” (%(village)s), and the proposer reads your reason."
        )
    return unconfirmed(
        request,
        question=question,
        consequence=consequence % figures,
        action_label=label,
        back_url=reverse("csr:proposal_detail", args=[match.proposal_id]),
    )


@login_required
def realisation_create(request: HttpRequest, pk: int) -> HttpResponse:
    match = selectors.match_get_for_user(user=request.user, pk=pk, action="realisation.report")
    if services.realisation_side(user=request.user, match=match) is None:
        raise PermissionDenied
    form = forms.RealisationForm(request.POST or None, request.FILES or None)

    def report(data: dict):
        evidence = data.pop("evidence")
        files = [evidence] if evidence else []
        return services.realisation_report(user=request.user, match=match, files=files, **data)

    if form_saved(request, form, report, _("Realisation reported.")):
        return redirect("csr:proposal_detail", pk=match.proposal_id)
    income = match.programme.sector in INCOME_SECTORS
    return render(request, "csr/realisation_form.html", {"form": form, "match": match, "income": income})
