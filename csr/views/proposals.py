"""Proposals: the list, a proposal's page and form, its steps, attachments and the programmes it fits."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.views_support import allowed, form_saved, service_done, unconfirmed
from core.lists import list_page

from .. import forms, lists, matching, selectors, services
from ..files import CONTENT_TYPES
from ..models import MatchState, ProposalState


@allowed("proposal.view")
def proposal_list(request: HttpRequest) -> HttpResponse:
    listing = list_page(request, lists.PROPOSALS)
    can_create = policy.can(request.user, "proposal.edit")
    return listing.export or render(request, "csr/proposal_list.html", {**listing.context, "can_create": can_create})


def _proposal_form(request: HttpRequest, **kwargs) -> forms.ProposalForm:
    villages = forms.villages_for(request.user)
    kinds = forms.proposer_kinds_for(request.user)
    return forms.ProposalForm(request.POST or None, villages=villages, kinds=kinds, **kwargs)


@allowed("proposal.edit")
def proposal_create(request: HttpRequest) -> HttpResponse:
    form = _proposal_form(request)
    proposal = form_saved(
        request,
        form,
        lambda data: services.proposal_create(user=request.user, **data),
        _("Proposal saved as a draft. Submit it when it is complete."),
    )
    if proposal is not None:
        return redirect("csr:proposal_detail", pk=proposal.pk)
    return render(request, "csr/proposal_form.html", {"form": form})


@login_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, pk=pk, action="proposal.edit")
    if proposal.state != ProposalState.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect("csr:proposal_detail", pk=proposal.pk)
    form = _proposal_form(request, initial=forms.proposal_initial(proposal))
    if form_saved(
        request,
        form,
        lambda data: services.proposal_update(user=request.user, proposal=proposal, **data),
        _("Proposal saved."),
    ):
        return redirect("csr:proposal_detail", pk=proposal.pk)
    return render(request, "csr/proposal_form.html", {"form": form, "proposal": proposal})


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, pk=pk)
    context = selectors.proposal_detail(proposal=proposal, user=request.user)
    for match in context["matches"]:
        match.can_decide = match.state == MatchState.CONFIRMED and policy.can(request.user, "match.decide", match)
        match.can_report = (
            match.state == MatchState.ACCEPTED and services.realisation_side(user=request.user, match=match) is not None
        )
    may_edit_draft = proposal.state == ProposalState.DRAFT and policy.can(request.user, "proposal.edit", proposal)
    return render(
        request,
        "csr/proposal_detail.html",
        {
            "proposal": proposal,
            **context,
            "steps": services.proposal_allowed_steps(user=request.user, proposal=proposal),
            "can_attach": may_edit_draft,
            "can_edit": may_edit_draft,
            "can_match": policy.can(request.user, "match.confirm", proposal),
            "note_form": forms.NoteForm(),
            "attachment_form": forms.AttachmentForm(),
            "decision_form": forms.DecisionForm(),
            "pledged": sum(m.amount for m in context["matches"] if m.state != MatchState.DECLINED),
        },
    )


@login_required
@require_POST
def proposal_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in services.TRANSITIONS:
        raise Http404
    proposal = selectors.proposal_get_for_user(user=request.user, pk=pk, action=services.TRANSITION_ACTION[step])
    form = forms.NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if step in FINAL_STEPS and (question := _step_question(request, proposal, step)) is not None:
        return question
    transition = partial(services.proposal_transition, user=request.user, proposal=proposal, name=step, note=note)
    service_done(request, transition, _("Proposal updated."))
    return redirect("csr:proposal_detail", pk=proposal.pk)


# The steps after which the proposal cannot move again: each asks first, saying so.
FINAL_STEPS = ("withdraw", "complete")


def _step_question(request: HttpRequest, proposal, step: str) -> HttpResponse | None:
    """A step that ends the proposal for good asks first: what it ends, and what else it changes."""
    if step == "withdraw":
        question, label = _("Withdraw this proposal?"), _("Yes, withdraw")
        consequence = _(
            "The proposal “%(title)s” is withdrawn for good: it cannot be submitted again, and the matches still "
            "waiting for a company are declined."
        )
    else:
        question, label = _("Mark this proposal as realised?"), _("Yes, mark as realised")
        consequence = _(
            "The proposal “%(title)s” is closed as realised: no further step is possible, and its realisation "
            "reports count in the plan-versus-realisation and impact figures."
        )
    return unconfirmed(
        request,
        question=question,
        consequence=consequence % {"title": proposal.title},
        action_label=label,
        back_url=reverse("csr:proposal_detail", args=[proposal.pk]),
    )


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, pk=pk, action="proposal.edit")
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect("csr:proposal_detail", pk=proposal.pk)
    upload = form.cleaned_data["file"]
    attach = partial(services.attachment_add, user=request.user, proposal=proposal, upload=upload)
    service_done(request, attach, _("File attached."))
    return redirect("csr:proposal_detail", pk=proposal.pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, pk=pk)
    attachment = selectors.attachment_get(proposal=proposal, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=CONTENT_TYPES.get(attachment.kind)
    )


@login_required
def proposal_matching(request: HttpRequest, pk: int) -> HttpResponse:
    """The open programmes this proposal fits, ranked with the score explained; staff confirm here."""
    proposal = selectors.proposal_get_for_user(user=request.user, pk=pk, funding=True)
    can_confirm = policy.can(request.user, "match.confirm", proposal)
    if request.method == "POST":
        if not can_confirm:
            raise PermissionDenied
        if _confirm(request, proposal):
            return redirect("csr:proposal_detail", pk=proposal.pk)
    ranked = matching.rank_programmes(proposal, programmes=selectors.programmes_visible(user=request.user))
    return render(
        request,
        "csr/proposal_matching.html",
        {
            "proposal": proposal,
            "ranked": ranked,
            "need": matching.remaining_need(proposal),
            "weights": matching.weights_table(),
            "can_confirm": can_confirm,
        },
    )


def _confirm(request: HttpRequest, proposal) -> bool:
    """Confirm the match the ranking's form asks for; False (with messages) when it was refused."""
    form = forms.MatchConfirmForm(request.POST, programmes=selectors.programmes_visible(user=request.user))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return False
    confirm = partial(services.match_confirm, user=request.user, proposal=proposal, **form.cleaned_data)
    return service_done(request, confirm, _("Match confirmed; the company will accept or decline it."))
