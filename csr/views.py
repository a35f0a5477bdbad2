"""CSR pages. Thin: parse, call one selector or service, render or redirect.

Every view that takes an id starts with a policy-checked getter (404 outside the scope,
403 when visible but not allowed); every list filters, paginates and exports.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from core.db_router import use_replica
from core.exports import export_format, export_response, paginate

from . import forms, matching, selectors, services
from .files import CONTENT_TYPES
from .models import INCOME_SECTORS, Company, Match, MatchState, Programme, ProgrammeStatus, ProposalState


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in _errors(exc):
        messages.error(request, message)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _filters(form_class, request: HttpRequest):
    """A bound filter form and its valid values; a bad value is dropped with a message."""
    form = form_class(request.GET)
    form.is_valid()
    if form.errors:
        messages.warning(request, _("Some filter values were not valid and were ignored."))
    values = {name: form.cleaned_data.get(name) or "" for name in form.fields}
    return form, values


# Programmes -------------------------------------------------------------------------------------


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "programme.view"):
        raise PermissionDenied
    form, values = _filters(forms.ProgrammeFilter, request)
    rows = selectors.programme_list(user=request.user, **values)
    if fmt := export_format(request):
        return export_response(
            fmt=fmt,
            filename="program-csr",
            header=[
                _("Title"),
                _("Company"),
                _("Sector"),
                _("Status"),
                _("Total budget (Rp)"),
                _("Committed (Rp)"),
                _("Budget left (Rp)"),
                _("Starts on"),
                _("Ends on"),
            ],
            rows=(
                [
                    p.title,
                    p.company.name,
                    p.get_sector_display(),
                    p.get_status_display(),
                    p.budget,
                    p.committed,
                    p.budget_left,
                    p.starts_on,
                    p.ends_on,
                ]
                for p in rows.iterator(chunk_size=500)
            ),
        )
    return render(
        request,
        "csr/programme_list.html",
        {
            "page_obj": paginate(request, rows),
            "filter_form": form,
            "can_create": policy.can(request.user, "programme.edit") and _own_company(request.user) is not None,
        },
    )


def _own_company(user) -> Company | None:
    ids = [g.company_id for g in policy.grants(user) if g.company_id]
    return Company.objects.filter(pk=ids[0]).first() if ids else None


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get_for_user(user=request.user, pk=pk)
    programme = (
        Programme.objects.with_budget()
        .select_related("company")
        .prefetch_related("target_regions")
        .get(pk=programme.pk)
    )
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
    company = _own_company(request.user)
    if company is None or not policy.can(request.user, "programme.edit", company):
        raise PermissionDenied
    form = forms.ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(user=request.user, company=company, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Programme saved as a draft. Open it to receive proposals."))
            return redirect("csr:programme_detail", pk=programme.pk)
    return render(request, "csr/programme_form.html", {"form": form, "company": company})


@login_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get_for_user(user=request.user, pk=pk, action="programme.edit")
    initial = {
        "title": programme.title,
        "sector": programme.sector,
        "description": programme.description,
        "target_regions": ", ".join(programme.target_codes),
        "budget": programme.budget,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "beneficiary_target": programme.beneficiary_target,
        "accepts": programme.accepts,
    }
    form = forms.ProgrammeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        targets = data.pop("target_regions")
        try:
            services.programme_update(user=request.user, programme=programme, target_regions=targets, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("csr:programme_detail", pk=programme.pk)
    return render(
        request, "csr/programme_form.html", {"form": form, "company": programme.company, "programme": programme}
    )


@login_required
@require_POST
def programme_status(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get_for_user(user=request.user, pk=pk, action="programme.edit")
    try:
        services.programme_set_status(user=request.user, programme=programme, status=request.POST.get("status", ""))
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Programme status: %(status)s.") % {"status": programme.get_status_display()})
    return redirect("csr:programme_detail", pk=programme.pk)


@login_required
def programme_matching(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposals this programme could fund, ranked with the score explained."""
    programme = selectors.programme_get_for_user(user=request.user, pk=pk)
    if not policy.can(request.user, "proposal.view"):
        raise PermissionDenied
    programme = (
        Programme.objects.with_budget()
        .select_related("company")
        .prefetch_related("target_regions")
        .get(pk=programme.pk)
    )
    ranked = matching.rank_proposals(programme, selectors.Proposal.objects.visible_to(request.user))
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


# Proposals --------------------------------------------------------------------------------------


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "proposal.view"):
        raise PermissionDenied
    form, values = _filters(forms.ProposalFilter, request)
    rows = selectors.proposal_list(user=request.user, **values)
    if fmt := export_format(request):
        return export_response(
            fmt=fmt,
            filename="usulan-csr",
            header=[
                _("Title"),
                _("Village code"),
                _("Village"),
                _("Sector"),
                _("State"),
                _("Amount requested (Rp)"),
                _("Funded (Rp)"),
                _("Beneficiaries"),
                _("Submitted"),
            ],
            rows=(
                [
                    p.title,
                    p.village.code,
                    p.village.name,
                    p.get_sector_display(),
                    p.get_state_display(),
                    p.amount_requested,
                    p.funded,
                    p.beneficiaries,
                    p.submitted_at,
                ]
                for p in rows.iterator(chunk_size=500)
            ),
        )
    return render(
        request,
        "csr/proposal_list.html",
        {
            "page_obj": paginate(request, rows),
            "filter_form": form,
            "can_create": policy.can(request.user, "proposal.edit"),
        },
    )


@login_required
def proposal_create(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "proposal.edit"):
        raise PermissionDenied
    villages = forms.villages_for(request.user)
    form = forms.ProposalForm(request.POST or None, villages=villages, kinds=forms.proposer_kinds_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Proposal saved as a draft. Submit it when it is complete."))
            return redirect("csr:proposal_detail", pk=proposal.pk)
    return render(request, "csr/proposal_form.html", {"form": form})


@login_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, pk=pk, action="proposal.edit")
    if proposal.state != ProposalState.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect("csr:proposal_detail", pk=proposal.pk)
    villages = forms.villages_for(request.user)
    initial = {
        f: getattr(proposal, f)
        for f in ("proposer_kind", "sector", "title", "description", "amount_requested", "beneficiaries")
    }
    initial["village"] = proposal.village_id
    form = forms.ProposalForm(
        request.POST or None, villages=villages, initial=initial, kinds=forms.proposer_kinds_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(user=request.user, proposal=proposal, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Proposal saved."))
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
    return render(
        request,
        "csr/proposal_detail.html",
        {
            "proposal": proposal,
            **context,
            "steps": services.proposal_allowed_steps(user=request.user, proposal=proposal),
            "can_attach": proposal.state == ProposalState.DRAFT and policy.can(request.user, "proposal.edit", proposal),
            "can_edit": proposal.state == ProposalState.DRAFT and policy.can(request.user, "proposal.edit", proposal),
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
    try:
        services.proposal_transition(user=request.user, proposal=proposal, name=step, note=note)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Proposal updated."))
    return redirect("csr:proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, pk=pk, action="proposal.edit")
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            services.attachment_add(user=request.user, proposal=proposal, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("File attached."))
    return redirect("csr:proposal_detail", pk=proposal.pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, pk=pk)
    attachment = proposal.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
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
    form = forms.MatchConfirmForm(request.POST or None)
    if request.method == "POST":
        if not can_confirm:
            raise PermissionDenied
        if form.is_valid():
            programme = Programme.objects.visible_to(request.user).filter(pk=form.cleaned_data["programme"]).first()
            if programme is None:
                messages.error(request, _("Unknown programme."))
            else:
                try:
                    services.match_confirm(
                        user=request.user,
                        proposal=proposal,
                        programme=programme,
                        amount=form.cleaned_data["amount"],
                        note=form.cleaned_data["note"],
                    )
                except ValidationError as exc:
                    _flash_errors(request, exc)
                else:
                    messages.success(request, _("Match confirmed; the company will accept or decline it."))
                    return redirect("csr:proposal_detail", pk=proposal.pk)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
    ranked = matching.rank_programmes(proposal, programmes=Programme.objects.visible_to(request.user))
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


# Matches ----------------------------------------------------------------------------------------


@login_required
@require_POST
def match_decide(request: HttpRequest, pk: int) -> HttpResponse:
    match = selectors.match_get_for_user(user=request.user, pk=pk, action="match.decide")
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or decline."))
        return redirect("csr:proposal_detail", pk=match.proposal_id)
    try:
        if form.cleaned_data["decision"] == "accept":
            services.match_accept(user=request.user, match=match, note=form.cleaned_data["reason"])
            messages.success(request, _("Match accepted: the amount is committed."))
        else:
            services.match_decline(user=request.user, match=match, reason=form.cleaned_data["reason"])
            messages.success(request, _("Match declined; the proposer sees your reason."))
    except ValidationError as exc:
        _flash_errors(request, exc)
    return redirect("csr:proposal_detail", pk=match.proposal_id)


@login_required
def match_list(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "match.view"):
        raise PermissionDenied
    state = request.GET.get("state", "")
    if state and state not in MatchState.values:
        messages.warning(request, _("Some filter values were not valid and were ignored."))
        state = ""
    rows = Match.objects.visible_to(request.user).select_related("programme__company", "proposal__village")
    if state:
        rows = rows.filter(state=state)
    if fmt := export_format(request):
        return export_response(
            fmt=fmt,
            filename="kecocokan-csr",
            header=[
                _("Programme"),
                _("Company"),
                _("Proposal"),
                _("Village code"),
                _("Amount (Rp)"),
                _("State"),
                _("Score"),
                _("Confirmed"),
            ],
            rows=(
                [
                    m.programme.title,
                    m.programme.company.name,
                    m.proposal.title,
                    m.proposal.village.code,
                    m.amount,
                    m.get_state_display(),
                    m.score,
                    m.confirmed_at,
                ]
                for m in rows.iterator(chunk_size=500)
            ),
        )
    return render(
        request,
        "csr/match_list.html",
        {"page_obj": paginate(request, rows), "state": state, "states": MatchState.choices},
    )


@login_required
def realisation_create(request: HttpRequest, pk: int) -> HttpResponse:
    match = selectors.match_get_for_user(user=request.user, pk=pk, action="realisation.report")
    if services.realisation_side(user=request.user, match=match) is None:
        raise PermissionDenied
    form = forms.RealisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        evidence = data.pop("evidence")
        try:
            services.realisation_report(user=request.user, match=match, files=[evidence] if evidence else [], **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Realisation reported."))
            return redirect("csr:proposal_detail", pk=match.proposal_id)
    return render(
        request,
        "csr/realisation_form.html",
        {"form": form, "match": match, "income": match.programme.sector in INCOME_SECTORS},
    )


# Reports ----------------------------------------------------------------------------------------


@login_required
def plan_vs_realisation(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "match.view"):
        raise PermissionDenied
    tables = selectors.plan_vs_realisation(matches_qs=Match.objects.visible_to(request.user))
    group = request.GET.get("by", "company")
    if group not in tables:
        group = "company"
    if fmt := export_format(request):
        return export_response(
            fmt=fmt,
            filename=f"rencana-realisasi-{group}",
            header=[
                _("Group"),
                _("Matches"),
                _("Committed (Rp)"),
                _("Spent (Rp)"),
                _("Realised %"),
                _("Beneficiaries reached"),
            ],
            rows=([r.label, r.matches, r.committed, r.spent, r.percent, r.beneficiaries] for r in tables[group]),
        )
    chart = {
        "labels": [r.label for r in tables[group]][:15],
        "committed": [int(r.committed) for r in tables[group]][:15],
        "spent": [int(r.spent) for r in tables[group]][:15],
        "committed_label": _("Committed"),
        "spent_label": _("Spent"),
    }
    return render(request, "csr/plan_vs_realisation.html", {"tables": tables, "group": group, "chart": chart})


@login_required
@use_replica()
def board(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "csr.board"):
        raise PermissionDenied
    data = selectors.sync_board(user=request.user, scope_code=selectors.board_scope_code(request.user))
    if fmt := export_format(request):
        return export_response(
            fmt=fmt,
            filename="desa-miskin-belum-terjangkau",
            header=[
                _("Village code"),
                _("Village"),
                _("Kecamatan"),
                _("Kabupaten/kota"),
                _("Poor families"),
                _("Families"),
                _("Share poor %"),
            ],
            rows=(
                [
                    r["village"].code,
                    r["village"].name,
                    r["kecamatan"].name if r["kecamatan"] else "",
                    r["kabupaten"].name if r["kabupaten"] else "",
                    r["poor"],
                    r["families"],
                    r["share"],
                ]
                for r in data.unreached
            ),
        )
    page = paginate(request, data.unreached)
    return render(
        request,
        "csr/board.html",
        {"board": data, "page_obj": page},
    )


def catalogue(request: HttpRequest) -> HttpResponse:
    """Public, no login: open programmes and aggregate realisation, no personal data."""
    tables = selectors.plan_vs_realisation(matches_qs=Match.objects.all())
    return render(
        request,
        "csr/catalogue.html",
        {"programmes": selectors.catalogue(), "by_sector": tables["sector"], "by_kabupaten": tables["kabupaten"]},
    )


@login_required
def planner(request: HttpRequest) -> HttpResponse:
    """Suggested allocation (max poor families reached) next to first come; staff turn pairs into matches."""
    from . import planner as planning

    if not policy.can(request.user, "csr.plan"):
        raise PermissionDenied
    if request.method == "POST":
        return _planner_apply(request)
    programmes, proposals, offers, needs, poor = selectors.planner_inputs(user=request.user)
    plan, greedy = planning.plan_allocation(offers, needs, poor)
    amounts = {n.id: n.amount for n in needs}
    rows = [
        {
            "proposal": proposals[need_id],
            "programme": programmes[offer_id],
            "amount": amounts[need_id],
            "poor": poor.get(proposals[need_id].village.code),
        }
        for need_id, offer_id in sorted(
            plan.pairs.items(), key=lambda kv: (-(poor.get(proposals[kv[0]].village.code) or 0), kv[0])
        )
    ]
    if fmt := export_format(request):
        return export_response(
            fmt=fmt,
            filename="rencana-alokasi",
            header=[
                _("Proposal"),
                _("Village code"),
                _("Poor families"),
                _("Programme"),
                _("Company"),
                _("Amount (Rp)"),
            ],
            rows=(
                [
                    r["proposal"].title,
                    r["proposal"].village.code,
                    r["poor"],
                    r["programme"].title,
                    r["programme"].company.name,
                    r["amount"],
                ]
                for r in rows
            ),
        )
    return render(
        request,
        "csr/planner.html",
        {
            "plan": plan,
            "greedy": greedy,
            "page_obj": paginate(request, rows, per_page=100),
            "has_poverty_data": bool(poor),
            "offers": len(offers),
            "needs": len(needs),
        },
    )


def _planner_apply(request: HttpRequest) -> HttpResponse:
    pairs = []
    for value in request.POST.getlist("pair")[:500]:
        left, _sep, right = value.partition("-")
        if left.isdigit() and right.isdigit() and len(left) < 18 and len(right) < 18:
            pairs.append((int(left), int(right)))
    proposals = {
        p.pk: p
        for p in policy.scoped(selectors.Proposal.objects.all(), request.user, "match.confirm")
        .filter(pk__in=[a for a, _b in pairs])
        .with_funding()
    }
    programmes = Programme.objects.in_bulk([b for _a, b in pairs])
    made = 0
    for proposal_id, programme_id in pairs:
        proposal, programme = proposals.get(proposal_id), programmes.get(programme_id)
        if proposal is None or programme is None:
            messages.error(request, _("A suggestion refers to an unknown proposal or programme."))
            continue
        try:
            services.match_confirm(
                user=request.user,
                proposal=proposal,
                programme=programme,
                amount=matching.remaining_need(proposal),
                note=_("From the allocation planner."),
            )
            made += 1
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, f"{proposal.title}: {message}")
    if made:
        messages.success(
            request, _("%(n)s matches confirmed; the companies will accept or decline them.") % {"n": made}
        )
    return redirect("csr:planner")


@login_required
def impact(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "csr.board"):
        raise PermissionDenied
    data = selectors.impact(user=request.user)
    if fmt := export_format(request):
        return export_response(
            fmt=fmt,
            filename="dampak-csr",
            header=[
                _("Village code"),
                _("Village"),
                _("Committed (Rp)"),
                _("Beneficiaries reached"),
                _("Income before (Rp)"),
                _("Income after (Rp)"),
                _("Change %"),
                _("Poor families"),
                _("Share poor %"),
                _("Poor families before the programme"),
                _("Poor families at the latest round"),
                _("Change in poor families"),
                _("Comparable villages: change in poor families (average)"),
            ],
            rows=(
                [
                    v["code"],
                    v["name"],
                    v["committed"],
                    v["beneficiaries"],
                    v["before"],
                    v["after"],
                    v["change"],
                    v["poor"],
                    v["share"],
                    *(
                        [t["before"], t["latest"], t["change"], t["others"]["change"] if t["others"] else None]
                        if (t := v["trend"])
                        else [None] * 4
                    ),
                ]
                for v in data["villages"]
            ),
        )
    return render(request, "csr/impact.html", {**data, "page_obj": paginate(request, data["villages"])})


# Companies --------------------------------------------------------------------------------------


@login_required
def company_list(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "company.view"):
        raise PermissionDenied
    q = request.GET.get("q", "")[:100].replace("\x00", "")
    rows = selectors.company_list(user=request.user, q=q)
    if fmt := export_format(request):
        return export_response(
            fmt=fmt,
            filename="perusahaan-csr",
            header=[
                _("Company"),
                _("Business sector"),
                _("Kabupaten/kota"),
                _("Contact person"),
                _("Email"),
                _("Phone"),
                _("Programmes"),
            ],
            rows=(
                [
                    c.name,
                    c.business_sector,
                    c.kabupaten.name if c.kabupaten else "",
                    c.contact_name,
                    c.email,
                    c.phone,
                    c.programme_count,
                ]
                for c in rows
            ),
        )
    return render(
        request, "csr/company_list.html", {"page_obj": paginate(request, rows), "q": request.GET.get("q", "")[:100]}
    )


@login_required
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = policy.get_for_user(Company.objects.select_related("kabupaten"), request.user, "company.view", pk=pk)
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
    company = policy.get_for_user(
        Company.objects.select_related("kabupaten"), request.user, "company.edit", view_action="company.view", pk=pk
    )
    years = company.forum_memberships.filter(forum="tjslbu").values_list("year", flat=True)
    initial = {
        "business_sector": company.business_sector,
        "address": company.address,
        "kabupaten": company.kabupaten_id,
        "contact_name": company.contact_name,
        "email": company.email,
        "phone": company.phone,
        "forum": "tjslbu",
        "forum_years": ", ".join(str(y) for y in sorted(years)),
    }
    form = forms.CompanyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_update(user=request.user, company=company, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Company profile saved."))
            return redirect("csr:company_detail", pk=company.pk)
    return render(request, "csr/company_form.html", {"form": form, "company": company})
