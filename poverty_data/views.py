"""Pages of the village poverty data. Thin: parse, call one selector or service, render or redirect.

Identity numbers (NIK, No. KK) and names never appear in URLs: records are addressed by pk,
and the family search term travels in a POST and lives in the session.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import DateField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.models import PersonalDataAccess, RoleAssignment, User
from accounts.services import personal_data_access_log
from core.db_router import use_replica
from core.exports import export_format, export_response, paginate
from regions.identity import KecamatanCodes, mask_number
from regions.models import Level, Region

from . import selectors, services
from .checks import nik_check as check_identity_number
from .checks import nik_is_duplicate, submission_issues
from .forms import (
    DeactivateForm,
    FamilyFilterForm,
    FamilyForm,
    FamilySearchForm,
    MemberForm,
    NewMemberForm,
    PokjaForm,
    PokjaMemberForm,
    ReasonForm,
    RoundForm,
    VerifyForm,
)
from .models import FAMILY_FIELDS, MEMBER_FIELDS, ChangeKind, Family, Member, PokjaMember, Round, SubmissionState
from .services import StaleEdit

SEARCH_KEY = "poverty_family_search"


def _log_full_view(request: HttpRequest, *, subject: str, object_id: Any, region_code: str) -> None:
    """A page showing full NIK / No. KK is a view of personal data: record who, when and which record."""
    personal_data_access_log(
        user=request.user,
        action=PersonalDataAccess.Action.VIEW,
        subject=subject,
        object_id=object_id,
        region_code=region_code,
    )


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


# ---------------------------------------------------------------------------- villages


@login_required
def village_list(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "family.view"):
        raise PermissionDenied
    round_ = selectors.current_round()
    villages = selectors.villages_visible(user=request.user, round=round_)
    page = paginate(request, villages)
    return render(request, "poverty_data/village_list.html", {"page_obj": page, "round": round_})


def _village_search(request: HttpRequest, pk: int) -> str:
    """The family search kept in the session for this village (it decides what the page shows, too)."""
    return request.session.get(SEARCH_KEY, {}).get(str(pk), "")


def _family_filters(request: HttpRequest, village: Region) -> tuple[FamilyFilterForm, selectors.FamilyFilters]:
    form = FamilyFilterForm(request.GET or None)
    filters = selectors.FamilyFilters(search=_village_search(request, village.pk))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters.dusun, filters.rt, filters.desil = data["dusun"], data["rt"], data["desil"]
        filters.status = data["status"] or "active"
        filters.assistance, filters.invalid = data["assistance"], data["invalid"]
    elif form.is_bound:
        messages.warning(request, _("Some filters were not valid and were ignored."))
    if filters.status == "all":
        filters.status = ""
    return form, filters


@login_required
def village_detail(request: HttpRequest, pk: int) -> HttpResponse:
    village = selectors.village_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        # The search term may be a name or a number: it stays out of the URL.
        search = FamilySearchForm(request.POST)
        if "clear" in request.POST or search.is_valid():
            searches = request.session.get(SEARCH_KEY, {})
            searches[str(village.pk)] = "" if "clear" in request.POST else search.cleaned_data["q"]
            request.session[SEARCH_KEY] = searches
        else:  # a control character or an overlong term: the search stays as it was
            messages.warning(request, _("Some filters were not valid and were ignored."))
        return redirect(reverse("poverty_data:village", args=[village.pk]))
    form, filters = _family_filters(request, village)
    full = policy.can(request.user, "family.view_identity", village)
    if filters.search.isdigit() and not full:
        # Searching by number would reveal whose NIK or No. KK it is: only for those who may see them.
        messages.warning(request, _("Searching by NIK or No. KK is only for roles that may see them."))
        filters.search = ""
    families = selectors.families_of_village(village=village, filters=filters)
    fmt = export_format(request)
    if fmt:
        if not policy.can(request.user, "family.export", village):
            raise PermissionDenied
        personal_data_access_log(
            user=request.user,
            action=PersonalDataAccess.Action.EXPORT,
            subject="poverty_data.family",
            object_id=f"village:{village.pk}",
            region_code=village.code,
            rows=families.count(),
        )
        return export_response(
            fmt=fmt,
            filename=f"keluarga-{village.code}",
            header=[_("No. KK"), _("Head of family"), _("Dusun"), "RT", "RW", _("Desil"), _("Members"), _("Status")],
            rows=(
                [
                    f.no_kk if full else mask_number(f.no_kk),
                    f.head_name,
                    f.dusun,
                    f.rt,
                    f.rw,
                    f.desil,
                    f.present_members or 0,
                    f.get_status_display(),
                ]
                for f in families.iterator(chunk_size=2000)
            ),
            sheet_title=_("Families"),
        )
    round_, submission = selectors.village_submission(village=village)
    page = paginate(request, families)
    return render(
        request,
        "poverty_data/village_detail.html",
        {
            "village": village,
            "page_obj": page,
            "filter_form": form,
            "filter_selects": form.selects(),
            "search": filters.search,
            "dusun_choices": selectors.dusun_choices(village=village),
            "round": round_,
            "submission": submission,
            "can_start": round_ is not None
            and submission is None
            and policy.can(request.user, "submission.edit", village)
            and (
                policy.has_role(request.user, "administrator") or services.is_pokja_member(request.user, village.code)
            ),
            "pokja": selectors.pokja_of(village=village),
            "can_manage_pokja": policy.can(request.user, "pokja.manage", village),
            "can_export": policy.can(request.user, "family.export", village),
        },
    )


@login_required
@require_POST
def submission_start(request: HttpRequest, pk: int) -> HttpResponse:
    village = selectors.village_get_for_user(user=request.user, pk=pk)
    round_ = selectors.current_round()
    if round_ is None:
        raise Http404
    try:
        submission = services.submission_start(user=request.user, round=round_, village=village)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
        return redirect(reverse("poverty_data:village", args=[village.pk]))
    return redirect(reverse("poverty_data:submission", args=[submission.pk]))


# ---------------------------------------------------------------------------- families


@login_required
def family_detail(request: HttpRequest, pk: int) -> HttpResponse:
    family = selectors.family_get_for_user(user=request.user, pk=pk)
    reveal = False
    if request.method == "POST":
        if not policy.can(request.user, "family.view_identity", family):
            raise PermissionDenied
        reveal = True
        _log_full_view(request, subject="poverty_data.family", object_id=family.pk, region_code=family.village_code)
    members = list(family.members.order_by("pk"))
    return render(
        request,
        "poverty_data/family_detail.html",
        {
            "family": family,
            "members": members,
            "reveal": reveal,
            "can_reveal": policy.can(request.user, "family.view_identity", family),
            "timeline": selectors.family_history(family=family, reveal=reveal),
        },
    )


# ---------------------------------------------------------------------------- submission page


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(user=request.user, pk=pk)
    return _render_submission(request, submission)


def _render_submission(request: HttpRequest, submission: Any, *, status: int = 200, **extra: Any) -> HttpResponse:
    user = request.user
    changes = selectors.submission_changes(submission=submission)
    issues = submission_issues(submission, changes)
    full = policy.can(user, "family.view_identity", submission)
    if full and any(_shows_identity(change) for change in changes):
        _log_full_view(
            request, subject="poverty_data.submission", object_id=submission.pk, region_code=submission.village_code
        )
    rows = _grouped([_change_row(change, issues[change.pk], full=full) for change in changes])
    editable = (
        submission.state == SubmissionState.DRAFT
        and submission.round.is_open
        and policy.can(user, "submission.edit", submission)
        and (policy.has_role(user, "administrator") or services.is_pokja_member(user, submission.village_code))
    )
    state = submission.state
    context = {
        "submission": submission,
        "rows": rows,
        "blocking": sum(1 for row in rows if row["errors"]),
        "warnings": sum(1 for row in rows if row["warnings"]),
        "events": list(submission.events.select_related("user").order_by("-at", "-pk")),
        "editable": editable,
        "can_verify": state == SubmissionState.SUBMITTED and policy.can(user, "submission.verify", submission),
        "can_approve": state == SubmissionState.VERIFIED and policy.can(user, "submission.approve", submission),
        "can_finalise": state == SubmissionState.APPROVED and policy.can(user, "submission.finalise", submission),
        "can_return": services.can_return(user, submission),
        "can_take_back": services.can_take_back(user, submission),
        "can_resolve": editable
        or (state == SubmissionState.APPROVED and policy.can(user, "submission.finalise", submission)),
        "families": (
            selectors.families_of_village(village=submission.village, filters=selectors.FamilyFilters())
            if editable
            else None
        ),
        "verify_form": extra.pop("verify_form", VerifyForm()),
        "return_form": extra.pop("return_form", ReasonForm()),
        "steps": _steps(submission),
    }
    context.update(extra)
    if context["families"] is not None:
        context["family_page"] = paginate(request, context["families"], per_page=15)
    return render(request, "poverty_data/submission_detail.html", context, status=status)


def _steps(submission: Any) -> list[dict[str, Any]]:
    order = [s.value for s in SubmissionState]
    reached = order.index(submission.state)
    return [
        {"label": state.label, "done": i <= reached, "current": i == reached} for i, state in enumerate(SubmissionState)
    ]


def _display(model: type, field: str, value: Any, *, full: bool) -> str:
    if value is None or value == "":
        return "—"
    if field in ("nik", "no_kk"):
        return value if full else mask_number(str(value))
    model_field = model._meta.get_field(field)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


FIELD_KINDS = (ChangeKind.FAMILY_FIELD, ChangeKind.MEMBER_FIELD, ChangeKind.MEMBER_PRESENCE)


def _shows_identity(change: Any) -> bool:
    return change.kind in (ChangeKind.NEW_FAMILY, ChangeKind.MEMBER_ADDED) or change.field in ("nik", "no_kk")


def _grouped(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Field corrections of one family (or one member) shown as one card, each field removable."""
    groups: dict[Any, dict[str, Any]] = {}
    for row in rows:
        change = row["change"]
        if change.kind in FIELD_KINDS:
            key = ("member", change.member_id) if change.member_id else ("family", change.family_id)
        else:
            key = ("single", change.pk)
        group = groups.get(key)
        if group is None:
            groups[key] = {**row, "grouped": key[0] != "single", "resolve_change": None}
            group = groups[key]
        else:
            group["pairs"] = group["pairs"] + row["pairs"]
            group["errors"] = group["errors"] + row["errors"]
            group["warnings"] = group["warnings"] + row["warnings"]
        if row["duplicate"]:
            group["duplicate"] = True
            group["resolve_change"] = change
    return list(groups.values())


def _change_row(change: Any, issues: Any, *, full: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "change": change,
        "errors": issues.shown_errors,
        "warnings": issues.shown_warnings,
        "duplicate": bool(issues.duplicates),
        "pairs": [],
    }
    if change.kind in (ChangeKind.FAMILY_FIELD, ChangeKind.MEMBER_FIELD, ChangeKind.MEMBER_PRESENCE):
        model = Family if change.kind == ChangeKind.FAMILY_FIELD else Member
        row["pairs"] = [
            (
                capfirst(model._meta.get_field(change.field).verbose_name),
                _display(model, change.field, change.old_value, full=full),
                _display(model, change.field, change.new_value, full=full),
                change.pk,
            )
        ]
    elif change.kind == ChangeKind.NEW_FAMILY:
        family = (change.payload or {}).get("family", {})
        row["pairs"] = [
            (capfirst(Family._meta.get_field(k).verbose_name), "—", _display(Family, k, v, full=full), None)
            for k, v in family.items()
            if v not in (None, "", False)
        ]
        row["members"] = [
            {
                "name": m.get("name", ""),
                "nik": _display(Member, "nik", m.get("nik"), full=full),
                "relationship": _display(Member, "relationship", m.get("relationship"), full=full),
            }
            for m in (change.payload or {}).get("members", [])
        ]
    elif change.kind == ChangeKind.MEMBER_ADDED:
        data = change.payload or {}
        row["pairs"] = [
            (capfirst(Member._meta.get_field(k).verbose_name), "—", _display(Member, k, v, full=full), None)
            for k, v in data.items()
            if v not in (None, "") and k != "presence"
        ]
    elif change.kind == ChangeKind.FAMILY_DEACTIVATED:
        value = change.new_value or {}
        row["pairs"] = [
            (capfirst(_("status")), _("Active"), _("Inactive"), None),
            (_("Reason"), "—", _display(Family, "inactive_reason", value.get("reason"), full=full), None),
        ]
        if value.get("note"):
            row["pairs"].append((_("Note"), "—", value["note"], None))
    return row


@login_required
@require_POST
def submission_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One-click steps of the review chain; return needs a reason, verify needs the minutes."""
    submission = selectors.submission_get_for_user(user=request.user, pk=pk)
    user = request.user
    back = request.POST.get("next") == "queue"
    try:
        if action == "submit":
            services.submission_submit(user=user, submission=submission)
            messages.success(request, _("Submitted to the village head."))
        elif action == "verify":
            policy.require(user, "submission.verify", submission)
            form = VerifyForm(request.POST, request.FILES)
            if not form.is_valid():
                return _render_submission(request, submission, status=400, verify_form=form)
            services.submission_verify(user=user, submission=submission, minutes=form.cleaned_data["minutes"])
            messages.success(request, _("Verified and sent to the kabupaten/kota."))
        elif action == "approve":
            services.submission_approve(user=user, submission=submission)
            messages.success(request, _("Approved and sent to the province."))
        elif action == "finalise":
            services.submission_finalise(user=user, submission=submission)
            messages.success(request, _("Finalised: the changes are now in the village's data."))
        elif action == "return":
            services.submission_return_check(user=user, submission=submission)
            form = ReasonForm(request.POST)
            if not form.is_valid():
                if back:
                    messages.error(request, _("Give the reason for returning it."))
                    return redirect(reverse("poverty_data:queue"))
                return _render_submission(request, submission, status=400, return_form=form)
            services.submission_return(user=user, submission=submission, reason=form.cleaned_data["reason"])
            messages.success(request, _("Returned to the Pokja as a draft."))
        elif action == "take-back":
            services.submission_take_back(user=user, submission=submission)
            messages.success(request, _("Your step was taken back."))
        else:
            raise Http404
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    return redirect(reverse("poverty_data:queue") if back else reverse("poverty_data:submission", args=[submission.pk]))


# ---------------------------------------------------------------------------- submission editor


def _editable(request: HttpRequest, pk: int) -> Any:
    submission = selectors.submission_get_for_user(user=request.user, pk=pk, action="submission.edit")
    if submission.state != SubmissionState.DRAFT or not submission.round.is_open:
        raise PermissionDenied
    if not policy.has_role(request.user, "administrator") and not services.is_pokja_member(
        request.user, submission.village_code
    ):
        raise PermissionDenied
    return submission


def _stale_message(request: HttpRequest, exc: StaleEdit) -> None:
    messages.error(
        request,
        _("Not saved: someone changed this since you opened it. Your input is kept below; check and save again."),
    )


def _versions(request: HttpRequest) -> tuple[int | None, int | None]:
    def number(name: str) -> int | None:
        try:
            return int(request.POST.get(name, ""))
        except ValueError:
            return None

    return number("submission_version"), number("record_version")


def _editor(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, f"poverty_data/{template}", context, status=status)


def _family_in(submission: Any, user: Any, family_pk: int) -> Family:
    family = selectors.family_get_for_user(user=user, pk=family_pk)
    if family.village_code != submission.village_code:
        raise Http404
    return family


@login_required
def change_family(request: HttpRequest, pk: int, family_pk: int) -> HttpResponse:
    submission = _editable(request, pk)
    family = _family_in(submission, request.user, family_pk)
    proposed = selectors.proposed_values(submission=submission, family=family)
    full = policy.can(request.user, "family.view_identity", family)
    if full:
        _log_full_view(request, subject="poverty_data.family", object_id=family.pk, region_code=family.village_code)
    stale = None
    if request.method == "POST":
        # A fresh instance: validating must not overwrite the master record held in ``family``.
        form = FamilyForm(request.POST, instance=Family(village=family.village), initial={"no_kk": family.no_kk})
        if not full:
            form.fields["no_kk"].disabled = True
        expected, record_version = _versions(request)
        if form.is_valid():
            try:
                services.change_family_correct(
                    user=request.user,
                    submission=submission,
                    expected_version=expected,
                    family=family,
                    family_version=record_version,
                    data=form.cleaned_data,
                )
            except StaleEdit as exc:
                _stale_message(request, exc)
                stale = exc
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                for warning in getattr(form, "identity_warnings", []):
                    messages.warning(request, warning)
                messages.success(request, _("Correction saved in the draft."))
                return redirect(reverse("poverty_data:submission", args=[submission.pk]))
    else:
        initial = {name: services.from_json(Family, name, proposed[name]) for name in proposed}
        form = FamilyForm(instance=family, initial=initial)
    rows = [
        (form[name], _display(Family, name, services.to_json(getattr(family, name)), full=full))
        for name in FAMILY_FIELDS
    ]
    if not full:
        form.fields["no_kk"].disabled = True
        form.initial["no_kk"] = family.no_kk
    return _editor(
        request,
        "change_family.html",
        {
            "submission": submission,
            "family": family,
            "form": form,
            "rows": rows,
            "stale": stale,
            "submission_version": submission.version
            if request.method == "GET"
            else request.POST.get("submission_version"),
            "record_version": family.version if request.method == "GET" else request.POST.get("record_version"),
        },
        status=409 if stale else (400 if request.method == "POST" else 200),
    )


@login_required
def change_member(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    submission = _editable(request, pk)
    member = policy.get_for_user(Member.objects.select_related("family"), request.user, "family.view", pk=member_pk)
    if member.family.village_code != submission.village_code:
        raise Http404
    full = policy.can(request.user, "family.view_identity", member.family)
    if full:
        _log_full_view(
            request, subject="poverty_data.member", object_id=member.pk, region_code=member.family.village_code
        )
    proposed = selectors.proposed_values(submission=submission, member=member)
    stale = None
    if request.method == "POST":
        form = MemberForm(request.POST)
        expected, record_version = _versions(request)
        if not full:
            form.fields["nik"].required = False
        if form.is_valid():
            data = dict(form.cleaned_data)
            if not full:
                data["nik"] = member.nik  # a masked NIK is never "corrected" to its mask
            try:
                services.change_member_correct(
                    user=request.user,
                    submission=submission,
                    expected_version=expected,
                    member=member,
                    member_version=record_version,
                    data=data,
                )
            except StaleEdit as exc:
                _stale_message(request, exc)
                stale = exc
            else:
                for warning in form.identity_warnings:
                    messages.warning(request, warning)
                messages.success(request, _("Correction saved in the draft."))
                return redirect(reverse("poverty_data:submission", args=[submission.pk]))
    else:
        initial = {name: services.from_json(Member, name, proposed[name]) for name in proposed}
        form = MemberForm(instance=member, initial=initial)
    if not full:
        form.fields["nik"].disabled = True
        form.initial["nik"] = mask_number(member.nik)
    rows = [
        (form[name], _display(Member, name, services.to_json(getattr(member, name)), full=full))
        for name in MEMBER_FIELDS
    ]
    return _editor(
        request,
        "change_member.html",
        {
            "submission": submission,
            "member": member,
            "family": member.family,
            "form": form,
            "rows": rows,
            "stale": stale,
            "submission_version": submission.version
            if request.method == "GET"
            else request.POST.get("submission_version"),
            "record_version": member.version if request.method == "GET" else request.POST.get("record_version"),
        },
        status=409 if stale else (400 if request.method == "POST" else 200),
    )


@login_required
def change_member_add(request: HttpRequest, pk: int, family_pk: int) -> HttpResponse:
    submission = _editable(request, pk)
    family = _family_in(submission, request.user, family_pk)
    stale = None
    form = NewMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        expected, _record = _versions(request)
        try:
            services.change_member_add(
                user=request.user,
                submission=submission,
                expected_version=expected,
                family=family,
                data=form.cleaned_data,
            )
        except StaleEdit as exc:
            _stale_message(request, exc)
            stale = exc
        else:
            for warning in form.identity_warnings:
                messages.warning(request, warning)
            messages.success(request, _("New member saved in the draft."))
            return redirect(reverse("poverty_data:submission", args=[submission.pk]))
    return _editor(
        request,
        "change_member_add.html",
        {
            "submission": submission,
            "family": family,
            "form": form,
            "stale": stale,
            "submission_version": submission.version
            if request.method == "GET"
            else request.POST.get("submission_version"),
        },
        status=409 if stale else (400 if request.method == "POST" else 200),
    )


NEW_MEMBER_FORMS = 3


@login_required
def change_new_family(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _editable(request, pk)
    known = KecamatanCodes()
    data = request.POST if request.method == "POST" else None
    form = FamilyForm(data, instance=Family(village=submission.village))

    def filled_in(i: int) -> bool:
        # Member 1 is required; the others count only when a NIK or a name was typed.
        return i == 0 or bool(data and (data.get(f"m{i}-nik", "").strip() or data.get(f"m{i}-name", "").strip()))

    member_forms = [
        NewMemberForm(data if filled_in(i) else None, prefix=f"m{i}", known=known, use_required_attribute=i == 0)
        for i in range(NEW_MEMBER_FORMS)
    ]
    stale = None
    if request.method == "POST":
        filled = [m for m in member_forms if m.is_bound]
        valid = form.is_valid() & all([m.is_valid() for m in filled])
        if valid:
            expected, _record = _versions(request)
            try:
                services.change_new_family(
                    user=request.user,
                    submission=submission,
                    expected_version=expected,
                    family_data=form.cleaned_data,
                    members_data=[m.cleaned_data for m in filled],
                )
            except StaleEdit as exc:
                _stale_message(request, exc)
                stale = exc
            else:
                for m in filled:
                    for warning in m.identity_warnings:
                        messages.warning(request, warning)
                messages.success(request, _("New family saved in the draft."))
                return redirect(reverse("poverty_data:submission", args=[submission.pk]))
    return _editor(
        request,
        "change_new_family.html",
        {
            "submission": submission,
            "form": form,
            "member_forms": member_forms,
            "stale": stale,
            "submission_version": submission.version
            if request.method == "GET"
            else request.POST.get("submission_version"),
        },
        status=409 if stale else (400 if request.method == "POST" else 200),
    )


@login_required
def change_deactivate(request: HttpRequest, pk: int, family_pk: int) -> HttpResponse:
    submission = _editable(request, pk)
    family = _family_in(submission, request.user, family_pk)
    form = DeactivateForm(request.POST or None)
    stale = None
    if request.method == "POST" and form.is_valid():
        expected, record_version = _versions(request)
        try:
            services.change_family_deactivate(
                user=request.user,
                submission=submission,
                expected_version=expected,
                family=family,
                family_version=record_version,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except StaleEdit as exc:
            _stale_message(request, exc)
            stale = exc
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Deactivation saved in the draft."))
            return redirect(reverse("poverty_data:submission", args=[submission.pk]))
    return _editor(
        request,
        "change_deactivate.html",
        {
            "submission": submission,
            "family": family,
            "form": form,
            "stale": stale,
            "submission_version": submission.version
            if request.method == "GET"
            else request.POST.get("submission_version"),
            "record_version": family.version if request.method == "GET" else request.POST.get("record_version"),
        },
        status=409 if stale else (400 if request.method == "POST" else 200),
    )


@login_required
@require_POST
def change_remove(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    submission = _editable(request, pk)
    change = submission.changes.filter(pk=change_pk).first()
    if change is None:
        raise Http404
    expected, _record = _versions(request)
    try:
        services.change_remove(user=request.user, submission=submission, expected_version=expected, change=change)
        messages.success(request, _("Change removed from the draft."))
    except StaleEdit:
        messages.error(request, _("Not removed: someone changed this submission since you opened it. Check it again."))
    return redirect(reverse("poverty_data:submission", args=[submission.pk]))


@login_required
@require_POST
def change_resolve(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(user=request.user, pk=pk)
    change = submission.changes.filter(pk=change_pk).first()
    if change is None:
        raise Http404
    try:
        services.change_resolve_duplicate(
            user=request.user, submission=submission, change=change, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The duplicate NIK is marked as resolved."))
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    return redirect(reverse("poverty_data:submission", args=[submission.pk]))


@login_required
@require_POST
def nik_check(request: HttpRequest) -> HttpResponse:
    """htmx: the NIK checks of one member form as the user types (an HTML fragment)."""
    if not policy.can(request.user, "submission.edit"):
        raise PermissionDenied
    prefix = request.POST.get("prefix", "")[:10]
    nik = request.POST.get(f"{prefix}nik", "").strip()
    sex = request.POST.get(f"{prefix}sex", "")
    try:
        birth_date = DateField(required=False).clean(request.POST.get(f"{prefix}birth_date", ""))
    except ValidationError:
        birth_date = None
    errors, warnings = [], []
    if nik:
        result = check_identity_number(nik, birth_date=birth_date, sex=sex, known=KecamatanCodes())
        errors, warnings = result.errors, result.warnings
        if result.ok and nik_is_duplicate(nik):
            errors = [_("This NIK already belongs to a present member of another active family.")]
    return render(
        request, "poverty_data/_nik_check.html", {"errors": errors, "warnings": warnings, "checked": bool(nik)}
    )


# ---------------------------------------------------------------------------- review queue and rounds


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "submission.view"):
        raise PermissionDenied
    queue = selectors.review_queue(user=request.user)
    drafts = selectors.drafts_for(user=request.user)
    page = paginate(request, queue)
    return render(
        request,
        "poverty_data/review_queue.html",
        {"page_obj": page, "drafts": list(drafts[:20]), "return_form": ReasonForm()},
    )


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "round.view"):
        raise PermissionDenied
    can_manage = policy.can(request.user, "round.manage", "65")
    form = RoundForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                round_ = services.round_open(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The round is open."))
                return redirect(reverse("poverty_data:round", args=[round_.pk]))
    rounds = Round.objects.all()
    return render(
        request,
        "poverty_data/round_list.html",
        {"page_obj": paginate(request, rounds), "form": form, "can_manage": can_manage},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def round_overview(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, pk=pk)
    parent = None
    region_param = request.GET.get("wilayah")
    if region_param:
        try:
            parent = Region.objects.get(pk=int(region_param), level__lt=Level.DESA_KELURAHAN)
        except (Region.DoesNotExist, ValueError):
            raise Http404 from None
        if not policy.can(request.user, "round.view", parent) and not any(
            g.is_global or (g.region_code and g.region_code.startswith(parent.code))
            for g in policy.grants(request.user)
        ):
            raise Http404
    rows = selectors.round_overview(round=round_, user=request.user, parent=parent)
    if request.method == "POST" and "close" in request.POST:
        services.round_close(user=request.user, round=round_)
        messages.success(request, _("The round is closed."))
        return redirect(reverse("poverty_data:round", args=[round_.pk]))
    fmt = export_format(request)
    header = [
        _("Code"), _("Region"), _("Villages"), _("Missing"), _("Submitted"), _("Verified"), _("Approved"),
        _("Finalised"), _("On time"), _("Late"),
    ]  # fmt: skip
    if fmt:
        return export_response(
            fmt=fmt,
            filename=f"periode-{round_.pk}",
            header=header,
            rows=(
                [
                    r.code,
                    r.region.name if r.region else "",
                    r.villages,
                    r.missing,
                    r.submitted,
                    r.verified,
                    r.approved,
                    r.finalised,
                    r.on_time,
                    r.late,
                ]
                for r in rows
            ),  # fmt: skip
        )
    late = selectors.late_villages(round=round_, user=request.user) if round_.is_open else []
    reminded = set(round_.reminders.values_list("village_id", "step"))
    # One sentence per step (its label and deadline are the same for every village behind it).
    behind: dict[str, str] = {}
    for row in late[:100]:
        row["reminded"] = (row["pk"], row["step"]) in reminded
        if row["step"] not in behind:
            behind[row["step"]] = mark_safe(  # noqa: S308 - a translated sentence around two escaped values
                _('behind the "%(step)s" deadline of %(deadline)s')
                % {
                    "step": escape(SubmissionState(row["step"]).label),
                    "deadline": escape(date_format(row["deadline"], "j F Y")),
                }
            )
        row["behind"] = behind[row["step"]]
    totals = {
        key: sum(getattr(r, key) for r in rows)
        for key in ("villages", "missing", "submitted", "verified", "approved", "finalised", "on_time", "late")
    }
    return render(
        request,
        "poverty_data/round_overview.html",
        {
            "round": round_,
            "parent": parent,
            "rows": rows,
            "totals": totals,
            "late": late[:100],
            "late_count": len(late),
            "village_level": parent is not None and parent.level == Level.KECAMATAN,
            "can_manage": policy.can(request.user, "round.manage", "65"),
        },
    )


@login_required
@use_replica()
def dashboard(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "poverty.dashboard"):
        raise PermissionDenied
    region = None
    region_param = request.GET.get("wilayah")
    if region_param:
        try:
            region = Region.objects.get(pk=int(region_param), level__lt=Level.DESA_KELURAHAN)
        except (Region.DoesNotExist, ValueError):
            raise Http404 from None
    stats = selectors.dashboard(user=request.user, region=region)
    chart = {
        "desil": {
            "labels": [str(r["desil"]) for r in stats["by_desil"]],
            "values": [r["families"] for r in stats["by_desil"]],
        },
        "poor": {
            "labels": [r["name"] for r in stats["poor"]],
            "poor4": [r["poor4"] for r in stats["poor"]],
            "poor5": [r["poor5"] for r in stats["poor"]],
        },
        "changed": {
            "labels": [r["submission__round__name"] for r in stats["changed"]],
            "values": [r["families"] for r in stats["changed"]],
        },
        "labels": {
            "families": _("Families"),
            "poor4": _("Desil 1-4"),
            "poor5": _("Desil 1-5"),
            "changed": _("Families changed"),
        },
    }
    return render(request, "poverty_data/dashboard.html", {"stats": stats, "chart": chart, "region": region})


# ---------------------------------------------------------------------------- Pokja


@login_required
def pokja_edit(request: HttpRequest, pk: int) -> HttpResponse:
    village = selectors.village_get_for_user(user=request.user, pk=pk)
    if not policy.can(request.user, "pokja.manage", village):
        raise PermissionDenied
    pokja = selectors.pokja_of(village=village)
    users = User.objects.filter(
        pk__in=RoleAssignment.objects.active().filter(region__code=village.code).values("user")
    ).order_by("first_name", "username")
    form = PokjaForm(request.POST if request.POST.get("form") == "pokja" else None, instance=pokja)
    member_form = PokjaMemberForm(request.POST if request.POST.get("form") == "member" else None, users=users)
    if request.method == "POST":
        if form.is_bound and form.is_valid():
            services.pokja_save(user=request.user, village=village, **form.cleaned_data)
            messages.success(request, _("Pokja saved."))
            return redirect(reverse("poverty_data:pokja", args=[village.pk]))
        if member_form.is_bound and member_form.is_valid():
            if pokja is None:
                pokja = services.pokja_save(
                    user=request.user,
                    village=village,
                    sk_number="",
                    sk_date=None,
                    budget_dana_desa=None,
                    budget_year=None,
                )
            services.pokja_member_add(
                user=request.user,
                pokja=pokja,
                member=member_form.cleaned_data["user"],
                position=member_form.cleaned_data["position"],
            )
            messages.success(request, _("Member added to the Pokja."))
            return redirect(reverse("poverty_data:pokja", args=[village.pk]))
        if request.POST.get("form") == "remove" and pokja is not None:
            membership = PokjaMember.objects.filter(pokja=pokja, pk=_int(request.POST.get("membership"))).first()
            if membership is None:
                raise Http404
            services.pokja_member_remove(user=request.user, membership=membership)
            messages.success(request, _("Member removed from the Pokja."))
            return redirect(reverse("poverty_data:pokja", args=[village.pk]))
    return render(
        request,
        "poverty_data/pokja_edit.html",
        {"village": village, "pokja": pokja, "form": form, "member_form": member_form},
        status=400 if request.method == "POST" else 200,
    )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
