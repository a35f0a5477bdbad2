"""Editing a draft submission: its start, the proposed changes, their removal and resolution.

Edits are optimistically locked: the editor sends the submission's (and the record's) version
it read; ``update ... where version = n`` refuses a stale edit with ``StaleEdit``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from regions.models import Region

from ..models import (
    FAMILY_FIELDS,
    MEMBER_FIELDS,
    ChangeKind,
    Family,
    FamilyStatus,
    InactiveReason,
    Member,
    Presence,
    Round,
    Submission,
    SubmissionChange,
    SubmissionEvent,
    SubmissionState,
)
from .values import StaleEdit, same_value, to_json

S = SubmissionState
Action = SubmissionEvent.Action


def event_log(
    submission: Submission, action: str, user: Any, *, from_state: str = "", to_state: str = "", detail: str = ""
):
    return SubmissionEvent.objects.create(
        submission=submission,
        action=action,
        from_state=from_state,
        to_state=to_state,
        version=submission.version,
        detail=detail,
        user=user if getattr(user, "pk", None) else None,
    )


def require_editor(user: Any, submission: Submission) -> None:
    """The user may edit the submission (the policy: an officer on the village's Pokja) and it is an
    open round's draft. A closed round or a submission past its draft is said as such to anyone
    preparing the village's submission; the seat on the Pokja is asked last."""
    policy.require(user, "submission.prepare", submission)
    if not submission.round.is_open:
        raise ValidationError(_("This round is closed."))
    if submission.state != S.DRAFT:
        raise ValidationError(
            _("Only a draft can be changed; this submission is %(state)s.") % {"state": submission.get_state_display()}
        )
    policy.require(user, "submission.edit", submission)


def _bump(*, submission: Submission, expected_version: int | None, user: Any, detail: str) -> None:
    """Take the optimistic lock: ``update ... where version = n``; StaleEdit when someone was faster."""
    expected = submission.version if expected_version is None else expected_version
    updated = Submission.objects.filter(pk=submission.pk, version=expected).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleEdit(events=list(submission.events.filter(version__gt=expected).select_related("user")))
    submission.version = expected + 1
    event_log(submission, Action.EDITED, user, detail=detail)


@transaction.atomic
def submission_start(*, user: Any, round: Round, village: Region) -> Submission:  # noqa: A002
    """The village's submission in ``round``, created as a draft on first use."""
    policy.require(user, "submission.prepare", village)
    if not round.is_open:
        raise ValidationError(_("This round is closed."))
    submission, created = Submission.objects.get_or_create(
        round=round, village=village, defaults={"village_code": village.code}
    )
    if created:
        event_log(submission, Action.CREATED, user, to_state=S.DRAFT)
    return submission


def _check_family_version(family: Family, family_version: int | None) -> None:
    if family_version is not None and family.version != family_version:
        changed = _fields_changed_since(Family, family, family_version, FAMILY_FIELDS)
        raise StaleEdit(fields=changed)


def _check_member_version(member: Member, member_version: int | None) -> None:
    if member_version is not None and member.version != member_version:
        raise StaleEdit(fields=_fields_changed_since(Member, member, member_version, MEMBER_FIELDS))


def _fields_changed_since(model: type, obj: Any, version: int, fields: tuple[str, ...]) -> list[tuple[str, Any, Any]]:
    old = obj.history.filter(version=version).order_by("-history_date").first()
    if old is None:
        return []
    return [
        (str(model._meta.get_field(f).verbose_name), getattr(old, f), getattr(obj, f))
        for f in fields
        if not same_value(getattr(old, f), getattr(obj, f))
    ]


@transaction.atomic
def change_new_family(
    *,
    user: Any,
    submission: Submission,
    expected_version: int | None,
    family_data: dict[str, Any],
    members_data: list[dict[str, Any]],
) -> SubmissionChange:
    """Propose a new family with its members."""
    require_editor(user, submission)
    _bump(submission=submission, expected_version=expected_version, user=user, detail=_("new family"))
    return SubmissionChange.objects.create(
        submission=submission,
        kind=ChangeKind.NEW_FAMILY,
        payload=_new_family_payload(family_data, members_data),
        created_by=user,
    )


@transaction.atomic
def change_new_family_update(
    *,
    user: Any,
    submission: Submission,
    expected_version: int | None,
    change: SubmissionChange,
    family_data: dict[str, Any],
    members_data: list[dict[str, Any]],
) -> SubmissionChange:
    """Correct a new family proposed in this draft: its proposal is replaced by ``family_data`` and
    ``members_data`` (the whole form, as when it was proposed)."""
    require_editor(user, submission)
    if change.submission_id != submission.pk or change.kind != ChangeKind.NEW_FAMILY:
        raise PermissionDenied
    _bump(submission=submission, expected_version=expected_version, user=user, detail=_("new family corrected"))
    change.payload = _new_family_payload(family_data, members_data)
    change.save(update_fields=["payload"])
    return change


def _new_family_payload(family_data: dict[str, Any], members_data: list[dict[str, Any]]) -> dict[str, Any]:
    payload = {
        "family": {k: to_json(family_data.get(k)) for k in FAMILY_FIELDS if k in family_data},
        "members": [{k: to_json(m.get(k)) for k in MEMBER_FIELDS if k in m} for m in members_data],
    }
    for m in payload["members"]:
        m["presence"] = Presence.NEW
    return payload


@transaction.atomic
def change_family_correct(
    *,
    user: Any,
    submission: Submission,
    expected_version: int | None,
    family: Family,
    family_version: int | None,
    data: dict[str, Any],
) -> list[SubmissionChange]:
    """Propose corrections to ``family``: one change row per field that differs from the master data.

    Replaces this submission's earlier corrections of the family; a field set back to the
    current value drops its correction.
    """
    require_editor(user, submission)
    _require_same_village(submission, family.village_code)
    _check_family_version(family, family_version)
    _bump(submission=submission, expected_version=expected_version, user=user, detail=_("family correction"))
    submission.changes.filter(kind=ChangeKind.FAMILY_FIELD, family=family).delete()
    rows = [
        SubmissionChange(
            submission=submission,
            kind=ChangeKind.FAMILY_FIELD,
            family=family,
            field=name,
            old_value=to_json(getattr(family, name)),
            new_value=to_json(data[name]),
            base_version=family.version,
            created_by=user,
        )
        for name in FAMILY_FIELDS
        if name in data and not same_value(getattr(family, name), data[name])
    ]
    return SubmissionChange.objects.bulk_create(rows)


@transaction.atomic
def change_member_correct(
    *,
    user: Any,
    submission: Submission,
    expected_version: int | None,
    member: Member,
    member_version: int | None,
    data: dict[str, Any],
) -> list[SubmissionChange]:
    """Propose corrections to ``member`` field by field; a change of presence is its own kind."""
    require_editor(user, submission)
    _require_same_village(submission, member.family.village_code)
    _check_member_version(member, member_version)
    _bump(submission=submission, expected_version=expected_version, user=user, detail=_("member correction"))
    submission.changes.filter(kind__in=[ChangeKind.MEMBER_FIELD, ChangeKind.MEMBER_PRESENCE], member=member).delete()
    rows = [
        SubmissionChange(
            submission=submission,
            kind=ChangeKind.MEMBER_PRESENCE if name == "presence" else ChangeKind.MEMBER_FIELD,
            family_id=member.family_id,
            member=member,
            field=name,
            old_value=to_json(getattr(member, name)),
            new_value=to_json(data[name]),
            base_version=member.version,
            created_by=user,
        )
        for name in MEMBER_FIELDS
        if name in data and not same_value(getattr(member, name), data[name])
    ]
    return SubmissionChange.objects.bulk_create(rows)


@transaction.atomic
def change_member_add(
    *, user: Any, submission: Submission, expected_version: int | None, family: Family, data: dict[str, Any]
) -> SubmissionChange:
    require_editor(user, submission)
    _require_same_village(submission, family.village_code)
    _bump(submission=submission, expected_version=expected_version, user=user, detail=_("member added"))
    payload = {k: to_json(data.get(k)) for k in MEMBER_FIELDS if k in data}
    payload["presence"] = Presence.NEW
    return SubmissionChange.objects.create(
        submission=submission, kind=ChangeKind.MEMBER_ADDED, family=family, payload=payload, created_by=user
    )


@transaction.atomic
def change_family_deactivate(
    *,
    user: Any,
    submission: Submission,
    expected_version: int | None,
    family: Family,
    family_version: int | None,
    reason: str,
    note: str = "",
) -> SubmissionChange:
    require_editor(user, submission)
    _require_same_village(submission, family.village_code)
    if reason not in InactiveReason.values:
        raise ValidationError(_("Choose why the family is no longer active."))
    if not family.is_active:
        raise ValidationError(_("This family is already inactive."))
    _check_family_version(family, family_version)
    _bump(submission=submission, expected_version=expected_version, user=user, detail=_("family deactivated"))
    submission.changes.filter(kind=ChangeKind.FAMILY_DEACTIVATED, family=family).delete()
    return SubmissionChange.objects.create(
        submission=submission,
        kind=ChangeKind.FAMILY_DEACTIVATED,
        family=family,
        old_value=FamilyStatus.ACTIVE,
        new_value={"reason": reason, "note": note},
        base_version=family.version,
        created_by=user,
    )


@transaction.atomic
def change_remove(*, user: Any, submission: Submission, expected_version: int | None, change: SubmissionChange) -> None:
    require_editor(user, submission)
    if change.submission_id != submission.pk:
        raise PermissionDenied
    _bump(submission=submission, expected_version=expected_version, user=user, detail=_("change removed"))
    change.delete()


@transaction.atomic
def change_resolve_duplicate(*, user: Any, submission: Submission, change: SubmissionChange, reason: str) -> None:
    """Record why a duplicate NIK is acceptable: by the Pokja in a draft, or by the province before finalising."""
    if change.submission_id != submission.pk:
        raise PermissionDenied
    if submission.state == S.DRAFT:
        require_editor(user, submission)
    elif submission.state == S.APPROVED:
        policy.require(user, "submission.finalise", submission)
    else:
        raise ValidationError(_("A duplicate NIK is resolved in a draft or before finalising."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason."))
    change.resolution = reason[:300]
    change.save(update_fields=["resolution"])
    Submission.objects.filter(pk=submission.pk).update(version=F("version") + 1, updated_at=timezone.now())
    submission.version += 1
    event_log(submission, Action.RESOLVED, user, detail=reason[:300])


def _require_same_village(submission: Submission, village_code: str) -> None:
    if village_code != submission.village_code:
        raise PermissionDenied("another village")
