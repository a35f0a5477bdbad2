"""A submission's page and its review chain: one view per step (submit, verify, approve, finalise,
return, take back), and the two one-click acts on a change (remove it, resolve a duplicate NIK)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.models import PersonalDataAccess
from accounts.services import personal_data_access_log
from accounts.views_support import flash_service_errors
from core.exports import paginate
from core.uploads import ALLOWED, extension_of

from .. import selectors, services
from ..checks import ChangeIssues, submission_issues
from ..forms import ReasonForm, ResolveForm, StepForm, VerifyForm, VersionsForm
from ..models import Submission, SubmissionState
from .change_rows import change_row, grouped, shows_identity, steps
from .families import log_full_view
from .family_search import family_filters, search_form, search_keep

EDITOR_FILTERS = ("dusun", "rt", "desil")


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":  # the search of the village's families, kept as on the village page
        search_keep(request, submission.village)
        return redirect("poverty_data:submission", submission.pk)
    return render_submission(request, submission)


@login_required
def submission_minutes(request: HttpRequest, pk: int) -> FileResponse:
    """The minutes of the village deliberation, to whoever may see the submission (the reviewers at the
    kabupaten and the province above all); each download is logged as an access to personal data."""
    submission = selectors.submission_get_for_user(user=request.user, pk=pk)
    if not submission.minutes:
        raise Http404
    ext = extension_of(submission.minutes.name)
    file_type = ALLOWED.get(ext)
    try:
        handle = submission.minutes.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    personal_data_access_log(
        user=request.user,
        action=PersonalDataAccess.Action.DOWNLOAD,
        subject="poverty_data.minutes",
        object_id=submission.pk,
        region_code=submission.village_code,
    )
    return FileResponse(
        handle,
        as_attachment=not (file_type and file_type.inline),
        filename=f"berita-acara-musdes-{submission.village_code}.{ext}",
        content_type=file_type.content_type if file_type else "application/octet-stream",
    )


def render_submission(request: HttpRequest, submission: Submission, *, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    changes = selectors.submission_changes(submission=submission)
    applied = submission.state == SubmissionState.FINALISED
    # The checks describe pending changes; once finalised the page shows what was applied (a check would
    # now find the new families' own NIKs "already taken").
    issues = defaultdict(ChangeIssues) if applied else submission_issues(submission, changes)
    full = policy.can(user, "family.view_identity", submission)
    if full and any(shows_identity(change) for change in changes):
        log_full_view(
            request, subject="poverty_data.submission", object_id=submission.pk, region_code=submission.village_code
        )
    rows = grouped([change_row(change, issues[change.pk], full=full) for change in changes])
    state = submission.state
    editable = (
        state == SubmissionState.DRAFT and submission.round.is_open and policy.can(user, "submission.edit", submission)
    )
    may_finalise = state == SubmissionState.APPROVED and policy.can(user, "submission.finalise", submission)
    families = filter_form = family_search = None
    if editable:
        filter_form, filters = family_filters(request, submission.village, full=full, fields=EDITOR_FILTERS)
        families = selectors.families_of_village(village=submission.village, filters=filters)
        family_search = search_form(filters)
    context = {
        "submission": submission,
        "applied": applied,
        "rows": rows,
        "blocking": sum(1 for row in rows if row["errors"]),
        "warnings": sum(1 for row in rows if row["warnings"]),
        "events": selectors.submission_events(submission=submission),
        "editable": editable,
        "can_verify": state == SubmissionState.SUBMITTED and policy.can(user, "submission.verify", submission),
        "can_approve": state == SubmissionState.VERIFIED and policy.can(user, "submission.approve", submission),
        "can_finalise": may_finalise,
        "can_return": selectors.can_return(user, submission),
        "can_take_back": selectors.can_take_back(user, submission),
        "can_resolve": editable or may_finalise,
        "families": families,
        "filter_form": filter_form,
        "search_form": family_search,
        "family_page": paginate(request, families, per_page=15) if families is not None else None,
        "verify_form": forms.get("verify_form") or VerifyForm(),
        "return_form": forms.get("return_form") or ReasonForm(),
        "resolve_form": ResolveForm(),
        "steps": steps(submission),
    }
    return render(request, "poverty_data/submission_detail.html", context, status=status)


def _step(
    request: HttpRequest, submission: Submission, service: Callable[..., Any], done: str, **data: Any
) -> HttpResponse:
    """Take one step of the chain (``service``); a refusal becomes messages. Back to the review queue
    when the step was taken there, else to the submission."""
    try:
        service(user=request.user, submission=submission, **data)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, done)
    return _back(request, submission)


def _back(request: HttpRequest, submission: Submission) -> HttpResponse:
    if StepForm(request.POST).back_to_queue():
        return redirect("poverty_data:queue")
    return redirect("poverty_data:submission", submission.pk)


def _one_click(service: Callable[..., Any], done: str) -> Callable[..., HttpResponse]:
    """The view of a step taken with one click: its service says whether it is the user's turn."""

    @login_required
    @require_POST
    def step(request: HttpRequest, pk: int) -> HttpResponse:
        submission = selectors.submission_get_for_user(user=request.user, pk=pk)
        return _step(request, submission, service, done)

    return step


submission_submit = _one_click(services.submission_submit, gettext_lazy("Submitted to the village head."))
submission_approve = _one_click(services.submission_approve, gettext_lazy("Approved and sent to the province."))
submission_finalise = _one_click(
    services.submission_finalise, gettext_lazy("Finalised: the changes are now in the village's data.")
)
submission_take_back = _one_click(services.submission_take_back, gettext_lazy("Your step was taken back."))


@login_required
@require_POST
def submission_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """The village head verifies with the minutes of the village deliberation attached."""
    submission = selectors.submission_get_for_user(user=request.user, pk=pk)
    policy.require(request.user, "submission.verify", submission)
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_submission(request, submission, status=400, verify_form=form)
    done = _("Verified and sent to the kabupaten/kota.")
    return _step(request, submission, services.submission_verify, done, minutes=form.cleaned_data["minutes"])


@login_required
@require_POST
def submission_return(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer whose turn it is sends it back to the Pokja, saying why (asked after the turn)."""
    submission = selectors.submission_get_for_user(user=request.user, pk=pk)
    try:
        services.submission_return_check(user=request.user, submission=submission)
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return _back(request, submission)
    form = ReasonForm(request.POST)
    if form.is_valid():
        done = _("Returned to the Pokja as a draft.")
        return _step(request, submission, services.submission_return, done, reason=form.cleaned_data["reason"])
    if StepForm(request.POST).back_to_queue():
        messages.error(request, _("Give the reason for returning it."))
        return redirect("poverty_data:queue")
    return render_submission(request, submission, status=400, return_form=form)


@login_required
@require_POST
def change_remove(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    submission = selectors.draft_get_for_editor(user=request.user, pk=pk)
    change = selectors.change_get(submission=submission, pk=change_pk)
    expected, _record = VersionsForm(request.POST).versions()
    try:
        services.change_remove(user=request.user, submission=submission, expected_version=expected, change=change)
        messages.success(request, _("Change removed from the draft."))
    except services.StaleEdit:
        messages.error(request, _("Not removed: someone changed this submission since you opened it. Check it again."))
    return redirect("poverty_data:submission", submission.pk)


@login_required
@require_POST
def change_resolve(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(user=request.user, pk=pk)
    change = selectors.change_get(submission=submission, pk=change_pk)
    form = ResolveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""  # the service says what is missing
    try:
        services.change_resolve_duplicate(user=request.user, submission=submission, change=change, reason=reason)
        messages.success(request, _("The duplicate NIK is marked as resolved."))
    except ValidationError as exc:
        flash_service_errors(request, exc)
    return redirect("poverty_data:submission", submission.pk)
