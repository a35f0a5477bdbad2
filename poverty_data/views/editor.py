"""The submission editor: a draft's corrections side by side with the master data, new families and
members, deactivations, and the NIK check as one types. Edits carry the versions the user read, so a
stale one is refused with the input kept (409)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.views_support import add_service_errors
from regions.identity import KecamatanCodes, mask_number

from .. import selectors, services
from ..checks import nik_check as check_identity_number
from ..checks import nik_is_duplicate
from ..forms import DeactivateForm, FamilyForm, MemberForm, NewMemberForm, NikCheckForm, VersionsForm
from ..models import FAMILY_FIELDS, MEMBER_FIELDS, ChangeKind, Family, Member, Submission, SubmissionChange
from .change_rows import display
from .families import log_full_view

NEW_MEMBER_FORMS = 3


def _save(
    request: HttpRequest,
    submission: Submission,
    service: Callable[..., Any],
    *,
    form: Any,
    done: str,
    warnings: Callable[[], Iterable[str]] = list,
    record_version: str = "",
    **data: Any,
) -> tuple[HttpResponse | None, services.StaleEdit | None]:
    """Call ``service`` with the versions the user read (the record's as ``record_version``, when
    named) and ``data``. Saved: the NIK warnings and ``done`` as messages, back to the submission.
    Stale: the input stays, with a message (the exception is returned for the page). Refused: the
    reason on ``form``."""
    expected, record = VersionsForm(request.POST).versions()
    if record_version:
        data[record_version] = record
    try:
        service(user=request.user, submission=submission, expected_version=expected, **data)
    except services.StaleEdit as exc:
        messages.error(
            request,
            _("Not saved: someone changed this since you opened it. Your input is kept below; check and save again."),
        )
        return None, exc
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None, None
    for warning in warnings():
        messages.warning(request, warning)
    messages.success(request, done)
    return redirect("poverty_data:submission", submission.pk), None


def _editor(
    request: HttpRequest,
    template: str,
    *,
    submission: Submission,
    stale: services.StaleEdit | None,
    record: Family | Member | None = None,
    **context: Any,
) -> HttpResponse:
    """An editor page: on a POST the versions the user had read go back into the form, so a save after
    a stale refusal is checked against what they saw (400 for an invalid form, 409 when stale)."""
    posted = request.method == "POST"
    versions = VersionsForm(request.POST if posted else None)
    context["submission_version"] = versions["submission_version"].value() if posted else submission.version
    if record is not None:
        context["record_version"] = versions["record_version"].value() if posted else record.version
    status = 409 if stale else (400 if posted else 200)
    return render(
        request, f"poverty_data/{template}", {"submission": submission, "stale": stale, **context}, status=status
    )


def _full(request: HttpRequest, family: Family, *, subject: str, object_id: int) -> bool:
    """May the user see the identity numbers in full here? Then the page is a logged view of them."""
    full = policy.can(request.user, "family.view_identity", family)
    if full:
        log_full_view(request, subject=subject, object_id=object_id, region_code=family.village_code)
    return full


@login_required
def change_family(request: HttpRequest, pk: int, family_pk: int) -> HttpResponse:
    submission = selectors.draft_get_for_editor(user=request.user, pk=pk)
    family = selectors.family_of_draft(submission=submission, user=request.user, pk=family_pk)
    proposed = selectors.proposed_values(submission=submission, family=family)
    full = _full(request, family, subject="poverty_data.family", object_id=family.pk)
    stale = None
    if request.method == "POST":
        # A fresh instance: validating must not overwrite the master record held in ``family``.
        form = FamilyForm(request.POST, instance=Family(village=family.village), initial={"no_kk": family.no_kk})
        if not full:
            form.fields["no_kk"].disabled = True
        if form.is_valid():
            done, stale = _save(
                request, submission, services.change_family_correct, form=form, done=_("Correction saved in the draft."),
                warnings=lambda: getattr(form, "identity_warnings", []), record_version="family_version", family=family,
                data=form.cleaned_data,
            )  # fmt: skip
            if done:
                return done
    else:
        initial = {name: services.from_json(Family, name, proposed[name]) for name in proposed}
        form = FamilyForm(instance=family, initial=initial)
    rows = [
        (form[name], display(Family, name, services.to_json(getattr(family, name)), full=full))
        for name in FAMILY_FIELDS
    ]
    if not full:
        form.fields["no_kk"].disabled = True
        form.initial["no_kk"] = family.no_kk
    page = {"family": family, "form": form, "rows": rows}
    return _editor(request, "change_family.html", submission=submission, stale=stale, record=family, **page)


@login_required
def change_member(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    submission = selectors.draft_get_for_editor(user=request.user, pk=pk)
    member = selectors.member_of_draft(submission=submission, user=request.user, pk=member_pk)
    full = _full(request, member.family, subject="poverty_data.member", object_id=member.pk)
    proposed = selectors.proposed_values(submission=submission, member=member)
    stale = None
    if request.method == "POST":
        form = MemberForm(request.POST)
        if not full:
            form.fields["nik"].required = False
        if form.is_valid():
            data = dict(form.cleaned_data)
            if not full:
                data["nik"] = member.nik  # a masked NIK is never "corrected" to its mask
            done, stale = _save(
                request, submission, services.change_member_correct, form=form, done=_("Correction saved in the draft."),
                warnings=lambda: form.identity_warnings, record_version="member_version", member=member, data=data,
            )  # fmt: skip
            if done:
                return done
    else:
        initial = {name: services.from_json(Member, name, proposed[name]) for name in proposed}
        form = MemberForm(instance=member, initial=initial)
    if not full:
        form.fields["nik"].disabled = True
        form.initial["nik"] = mask_number(member.nik)
    rows = [
        (form[name], display(Member, name, services.to_json(getattr(member, name)), full=full))
        for name in MEMBER_FIELDS
    ]
    page = {"member": member, "family": member.family, "form": form, "rows": rows}
    return _editor(request, "change_member.html", submission=submission, stale=stale, record=member, **page)


@login_required
def change_member_add(request: HttpRequest, pk: int, family_pk: int) -> HttpResponse:
    submission = selectors.draft_get_for_editor(user=request.user, pk=pk)
    family = selectors.family_of_draft(submission=submission, user=request.user, pk=family_pk)
    stale = None
    form = NewMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, stale = _save(
            request, submission, services.change_member_add, form=form, done=_("New member saved in the draft."),
            warnings=lambda: form.identity_warnings, family=family, data=form.cleaned_data,
        )  # fmt: skip
        if done:
            return done
    return _editor(request, "change_member_add.html", submission=submission, stale=stale, family=family, form=form)


@login_required
def change_new_family(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.draft_get_for_editor(user=request.user, pk=pk)
    return _new_family(request, submission, None)


@login_required
def change_new_family_edit(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    """A new family proposed in the draft, corrected: the form prefilled with its proposal."""
    submission = selectors.draft_get_for_editor(user=request.user, pk=pk)
    change = selectors.change_get(submission=submission, pk=change_pk, kind=ChangeKind.NEW_FAMILY)
    return _new_family(request, submission, change)


def _new_family(request: HttpRequest, submission: Submission, change: SubmissionChange | None) -> HttpResponse:
    known = KecamatanCodes()
    data = request.POST if request.method == "POST" else None
    proposal = (change.payload or {}) if change is not None else {}
    proposed_members = proposal.get("members", [])
    family_initial = {k: services.from_json(Family, k, v) for k, v in proposal.get("family", {}).items()}
    form = FamilyForm(data, instance=Family(village=submission.village), initial=family_initial)

    def filled_in(i: int) -> bool:
        # Member 1 is required; the others count only when a NIK or a name was typed.
        return i == 0 or bool(data and (data.get(f"m{i}-nik", "").strip() or data.get(f"m{i}-name", "").strip()))

    def member_initial(i: int) -> dict[str, Any]:
        if i >= len(proposed_members):
            return {}
        return {k: services.from_json(Member, k, v) for k, v in proposed_members[i].items() if k != "presence"}

    member_forms = []
    for i in range(max(NEW_MEMBER_FORMS, len(proposed_members))):
        member_form = NewMemberForm(
            data if filled_in(i) else None,
            prefix=f"m{i}",
            known=known,
            use_required_attribute=i == 0,
            initial=member_initial(i),
        )
        if i and not member_form.is_bound:  # an optional member: nothing is required until something is typed
            for field in member_form.fields.values():
                field.required = False
        member_forms.append(member_form)
    stale = None
    filled = [m for m in member_forms if m.is_bound]
    if data is not None and form.is_valid() & all([m.is_valid() for m in filled]):
        service: Callable[..., Any] = services.change_new_family
        extra: dict[str, Any] = {}
        if change is not None:
            service, extra = services.change_new_family_update, {"change": change}
        done, stale = _save(
            request, submission, service, form=form, done=_("New family saved in the draft."),
            warnings=lambda: [warning for m in filled for warning in m.identity_warnings],
            family_data=form.cleaned_data, members_data=[m.cleaned_data for m in filled], **extra,
        )  # fmt: skip
        if done:
            return done
    return _editor(
        request,
        "change_new_family.html",
        submission=submission,
        stale=stale,
        form=form,
        member_forms=member_forms,
        change=change,
    )


@login_required
def change_deactivate(request: HttpRequest, pk: int, family_pk: int) -> HttpResponse:
    submission = selectors.draft_get_for_editor(user=request.user, pk=pk)
    family = selectors.family_of_draft(submission=submission, user=request.user, pk=family_pk)
    form = DeactivateForm(request.POST or None)
    family.head_name = next((m.name for m in selectors.family_members(family=family) if m.relationship == "head"), "")
    stale = None
    if request.method == "POST" and form.is_valid():
        done, stale = _save(
            request, submission, services.change_family_deactivate, form=form, done=_("Deactivation saved in the draft."),
            record_version="family_version", family=family, reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )  # fmt: skip
        if done:
            return done
    return _editor(
        request, "change_deactivate.html", submission=submission, stale=stale, record=family, family=family, form=form
    )


@login_required
@require_POST
def nik_check(request: HttpRequest) -> HttpResponse:
    """htmx: the NIK checks of one member form as the user types (an HTML fragment). POST only (405
    before the policy is asked), so the number never lands in a URL or a log."""
    policy.require(request.user, "submission.edit")
    form = NikCheckForm(request.POST)
    if not form.is_valid():  # a control character: refused as typed
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        return render(request, "poverty_data/base.html#nik-check", {"errors": errors, "warnings": [], "checked": True})
    nik = form.cleaned_data["nik"]
    errors, warnings = [], []
    if nik:
        result = check_identity_number(
            nik, birth_date=form.cleaned_data["birth_date"], sex=form.cleaned_data["sex"], known=KecamatanCodes()
        )
        errors, warnings = result.errors, result.warnings
        if result.ok and nik_is_duplicate(nik):
            errors = [_("This NIK already belongs to a present member of another active family.")]
    return render(
        request, "poverty_data/base.html#nik-check", {"errors": errors, "warnings": warnings, "checked": bool(nik)}
    )
