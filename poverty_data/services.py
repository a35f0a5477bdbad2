"""Every write of the poverty data: Pokja, rounds, submissions, their changes and the review chain.

State machine of a submission (one per village per round)::

    draft --submit (Pokja)--> submitted --verify (village head, minutes)--> verified
          --approve (kabupaten/kota)--> approved --finalise (province)--> finalised

Any reviewer whose turn it is may *return* it to draft with a reason. A level may *take back*
its own step while the next level has not acted (submitted -> draft, verified -> submitted,
approved -> verified). Finalised is read-only forever.

The master data (``Family``, ``Member``) changes only in ``submission_finalise``, in one
transaction, with a history row per version naming the user and the submission.

Edits are optimistically locked: the editor sends the submission's (and the record's) version
it read; ``update ... where version = n`` refuses a stale edit with ``StaleEdit``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts import policy
from regions.models import Level, Region

from . import signals, stats
from .checks import nik_is_well_formed, submission_issues
from .models import (
    FAMILY_FIELDS,
    MEMBER_FIELDS,
    ChangeKind,
    Family,
    FamilyStatus,
    InactiveReason,
    Member,
    Pokja,
    PokjaMember,
    Presence,
    Round,
    Submission,
    SubmissionChange,
    SubmissionEvent,
    SubmissionState,
)

S = SubmissionState
Action = SubmissionEvent.Action


class StaleEdit(Exception):  # noqa: N818 - reads as the situation it reports
    """Someone changed the submission or the record since the user opened it; nothing was written."""

    def __init__(
        self, *, events: list[SubmissionEvent] | None = None, fields: list[tuple[str, Any, Any]] | None = None
    ):
        self.events = events or []
        self.fields = fields or []  # (field label, value you read, value now)
        super().__init__("stale edit")


# ---------------------------------------------------------------------------- values


def to_json(value: Any) -> Any:
    """A model value as stored in a change row: dates as ISO strings, decimals as strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def from_json(model: type, field_name: str, value: Any) -> Any:
    return model._meta.get_field(field_name).to_python(value)


def _same(a: Any, b: Any) -> bool:
    return json.dumps(to_json(a)) == json.dumps(to_json(b))


# ---------------------------------------------------------------------------- Pokja


@transaction.atomic
def pokja_save(
    *,
    user: Any,
    village: Region,
    sk_number: str,
    sk_date: dt.date | None,
    budget_dana_desa: Decimal | None,
    budget_year: int | None,
) -> Pokja:
    """Create or update the village's Pokja (the village head's decree and the dana desa budget)."""
    policy.require(user, "pokja.manage", village)
    if village.level != Level.DESA_KELURAHAN:
        raise ValidationError(_("A Pokja belongs to a village."))
    pokja = Pokja.objects.filter(village=village).first() or Pokja(village=village, village_code=village.code)
    pokja.sk_number, pokja.sk_date = sk_number, sk_date
    pokja.budget_dana_desa, pokja.budget_year = budget_dana_desa, budget_year
    pokja._history_user = user
    pokja.save()
    return pokja


@transaction.atomic
def pokja_member_add(*, user: Any, pokja: Pokja, member: Any, position: str) -> PokjaMember:
    policy.require(user, "pokja.manage", pokja)
    row, _created = PokjaMember.objects.update_or_create(pokja=pokja, user=member, defaults={"position": position})
    return row


@transaction.atomic
def pokja_member_remove(*, user: Any, membership: PokjaMember) -> None:
    policy.require(user, "pokja.manage", membership.pokja)
    membership.delete()


def is_pokja_member(user: Any, village_code: str) -> bool:
    return PokjaMember.objects.filter(pokja__village_code=village_code, user_id=user.pk).exists()


# ---------------------------------------------------------------------------- rounds


@transaction.atomic
def round_open(
    *,
    user: Any,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    submit_deadline: dt.date,
    verify_deadline: dt.date,
    approve_deadline: dt.date,
    finalise_deadline: dt.date,
) -> Round:
    """Open an update round; its deadlines must follow one another."""
    policy.require(user, "round.manage", "65")
    if period_end < period_start:
        raise ValidationError(_("The period ends before it starts."))
    if not (submit_deadline <= verify_deadline <= approve_deadline <= finalise_deadline):
        raise ValidationError(_("Each deadline must be on or after the one before it."))
    return Round.objects.create(
        name=name,
        period_start=period_start,
        period_end=period_end,
        submit_deadline=submit_deadline,
        verify_deadline=verify_deadline,
        approve_deadline=approve_deadline,
        finalise_deadline=finalise_deadline,
        created_by=user,
    )


@transaction.atomic
def round_close(*, user: Any, round: Round) -> Round:  # noqa: A002 - the domain word
    """Close the round; villages without a finalised submission get their current figures as the round's."""
    policy.require(user, "round.manage", "65")
    round.is_open = False
    round.save(update_fields=["is_open"])
    stats.village_round_stats_record(round=round)
    signals.round_closed_on_commit(round=round)
    return round


# ---------------------------------------------------------------------------- submissions: editing


def _log(submission: Submission, action: str, user: Any, *, from_state: str = "", to_state: str = "", detail: str = ""):
    return SubmissionEvent.objects.create(
        submission=submission,
        action=action,
        from_state=from_state,
        to_state=to_state,
        version=submission.version,
        detail=detail,
        user=user if getattr(user, "pk", None) else None,
    )


def _require_editor(user: Any, submission: Submission) -> None:
    policy.require(user, "submission.edit", submission)
    if not submission.round.is_open:
        raise ValidationError(_("This round is closed."))
    if submission.state != S.DRAFT:
        raise ValidationError(
            _("Only a draft can be changed; this submission is %(state)s.") % {"state": submission.get_state_display()}
        )
    if not policy.has_role(user, "administrator") and not is_pokja_member(user, submission.village_code):
        raise PermissionDenied("submission.edit: not in the Pokja")


def _bump(*, submission: Submission, expected_version: int | None, user: Any, detail: str) -> None:
    """Take the optimistic lock: ``update ... where version = n``; StaleEdit when someone was faster."""
    expected = submission.version if expected_version is None else expected_version
    updated = Submission.objects.filter(pk=submission.pk, version=expected).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleEdit(events=list(submission.events.filter(version__gt=expected).select_related("user")))
    submission.version = expected + 1
    _log(submission, Action.EDITED, user, detail=detail)


@transaction.atomic
def submission_start(*, user: Any, round: Round, village: Region) -> Submission:  # noqa: A002
    """The village's submission in ``round``, created as a draft on first use."""
    policy.require(user, "submission.edit", village)
    if not round.is_open:
        raise ValidationError(_("This round is closed."))
    submission, created = Submission.objects.get_or_create(
        round=round, village=village, defaults={"village_code": village.code}
    )
    if created:
        _log(submission, Action.CREATED, user, to_state=S.DRAFT)
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
        if not _same(getattr(old, f), getattr(obj, f))
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
    _require_editor(user, submission)
    _bump(submission=submission, expected_version=expected_version, user=user, detail=_("new family"))
    payload = {
        "family": {k: to_json(family_data.get(k)) for k in FAMILY_FIELDS if k in family_data},
        "members": [{k: to_json(m.get(k)) for k in MEMBER_FIELDS if k in m} for m in members_data],
    }
    for m in payload["members"]:
        m["presence"] = Presence.NEW
    return SubmissionChange.objects.create(
        submission=submission, kind=ChangeKind.NEW_FAMILY, payload=payload, created_by=user
    )


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
    _require_editor(user, submission)
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
        if name in data and not _same(getattr(family, name), data[name])
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
    _require_editor(user, submission)
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
        if name in data and not _same(getattr(member, name), data[name])
    ]
    return SubmissionChange.objects.bulk_create(rows)


@transaction.atomic
def change_member_add(
    *, user: Any, submission: Submission, expected_version: int | None, family: Family, data: dict[str, Any]
) -> SubmissionChange:
    _require_editor(user, submission)
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
    _require_editor(user, submission)
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
    _require_editor(user, submission)
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
        _require_editor(user, submission)
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
    _log(submission, Action.RESOLVED, user, detail=reason[:300])


def _require_same_village(submission: Submission, village_code: str) -> None:
    if village_code != submission.village_code:
        raise PermissionDenied("another village")


# ---------------------------------------------------------------------------- submissions: the review chain


def _move(
    *,
    submission: Submission,
    user: Any,
    from_state: str,
    to_state: str,
    action: str,
    detail: str = "",
    held: bool = False,
    **stamps: Any,
) -> Submission:
    """Change state only if nobody moved it meanwhile (``update ... where state = from``).

    ``held``: the caller read ``submission`` locked (``select_for_update``) in this transaction, so
    its values are current and are updated in place instead of read again.
    """
    now = timezone.now()
    values = {name: now for name in stamps.pop("stamp", [])}
    values.update(stamps)
    updated = Submission.objects.filter(pk=submission.pk, state=from_state).update(
        state=to_state, version=F("version") + 1, updated_at=now, **values
    )
    if not updated:
        raise ValidationError(_("Someone else acted on this submission in the meantime. Reload the page."))
    if held:
        submission.state, submission.version, submission.updated_at = to_state, submission.version + 1, now
        for name, value in values.items():
            setattr(submission, name, value)
    else:
        submission.refresh_from_db()
    _log(submission, action, user, from_state=from_state, to_state=to_state, detail=detail)
    return submission


def _require_state(submission: Submission, state: str) -> None:
    if submission.state != state:
        raise ValidationError(
            _("This is not possible while the submission is %(state)s.") % {"state": submission.get_state_display()}
        )


@transaction.atomic
def submission_submit(*, user: Any, submission: Submission) -> Submission:
    """Pokja: send the draft to the village head. Malformed NIK or No. KK must be fixed first."""
    _require_editor(user, submission)
    # Lock the row before checking: an edit landing between the check and the state change would
    # otherwise go up unchecked. An edit waits here and then finds the version moved (StaleEdit).
    list(Submission.objects.select_for_update().filter(pk=submission.pk).values_list("pk"))
    issues = submission_issues(submission)
    if any(i.errors for i in issues.values()):
        raise ValidationError(_("Fix the errors marked in the changes before submitting."))
    return _move(
        submission=submission,
        user=user,
        from_state=S.DRAFT,
        to_state=S.SUBMITTED,
        action=Action.SUBMITTED,
        stamp=["submitted_at"],
        last_return_reason="",
    )


@transaction.atomic
def submission_verify(*, user: Any, submission: Submission, minutes: File | None) -> Submission:
    """Village head: verify after the village deliberation, attaching its minutes."""
    policy.require(user, "submission.verify", submission)
    _require_state(submission, S.SUBMITTED)
    if not minutes and not submission.minutes:
        raise ValidationError(_("Attach the minutes of the village deliberation."))
    if minutes:
        submission.minutes.save(minutes.name, minutes, save=False)
        Submission.objects.filter(pk=submission.pk).update(minutes=submission.minutes.name)
    return _move(
        submission=submission,
        user=user,
        from_state=S.SUBMITTED,
        to_state=S.VERIFIED,
        action=Action.VERIFIED,
        stamp=["verified_at"],
    )


@transaction.atomic
def submission_approve(*, user: Any, submission: Submission) -> Submission:
    policy.require(user, "submission.approve", submission)
    _require_state(submission, S.VERIFIED)
    return _move(
        submission=submission,
        user=user,
        from_state=S.VERIFIED,
        to_state=S.APPROVED,
        action=Action.APPROVED,
        stamp=["approved_at"],
    )


# Who may return a submission in each state, and who may take a step back.
RETURN_ACTION = {S.SUBMITTED: "submission.verify", S.VERIFIED: "submission.approve", S.APPROVED: "submission.finalise"}
TAKE_BACK = {
    S.SUBMITTED: ("submission.edit", S.DRAFT, "submitted_at"),
    S.VERIFIED: ("submission.verify", S.SUBMITTED, "verified_at"),
    S.APPROVED: ("submission.approve", S.VERIFIED, "approved_at"),
}


def submission_return_check(*, user: Any, submission: Submission) -> None:
    """Raise unless ``user`` may return ``submission`` now: ValidationError in a state nobody returns
    from, PermissionDenied when it is not the user's turn (asked before the reason is read)."""
    action = RETURN_ACTION.get(submission.state)
    if action is None:
        raise ValidationError(
            _("This is not possible while the submission is %(state)s.") % {"state": submission.get_state_display()}
        )
    policy.require(user, action, submission)


def can_return(user: Any, submission: Submission) -> bool:
    action = RETURN_ACTION.get(submission.state)
    return bool(action and policy.can(user, action, submission))


def can_take_back(user: Any, submission: Submission) -> bool:
    rule = TAKE_BACK.get(submission.state)
    if not rule or not policy.can(user, rule[0], submission):
        return False
    if rule[0] == "submission.edit" and not policy.has_role(user, "administrator"):
        return is_pokja_member(user, submission.village_code)
    return True


@transaction.atomic
def submission_return(*, user: Any, submission: Submission, reason: str) -> Submission:
    """A reviewer sends the submission back to the Pokja as a draft, saying why."""
    submission_return_check(user=user, submission=submission)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for returning it."))
    return _move(
        submission=submission,
        user=user,
        from_state=submission.state,
        to_state=S.DRAFT,
        action=Action.RETURNED,
        detail=reason,
        last_return_reason=reason,
        submitted_at=None,
        verified_at=None,
        approved_at=None,
    )


@transaction.atomic
def submission_take_back(*, user: Any, submission: Submission) -> Submission:
    """A level takes back its own step, possible only until the next level has acted."""
    rule = TAKE_BACK.get(submission.state)
    if rule is None:
        raise ValidationError(
            _("This is not possible while the submission is %(state)s.") % {"state": submission.get_state_display()}
        )
    if not can_take_back(user, submission):
        raise PermissionDenied("take back")
    _action, to_state, stamp = rule
    return _move(
        submission=submission,
        user=user,
        from_state=submission.state,
        to_state=to_state,
        action=Action.TAKEN_BACK,
        **{stamp: None},
    )


# ---------------------------------------------------------------------------- finalisation


@dataclass
class _Apply:
    """What finalisation will write, collected before any write."""

    new_families: list[tuple[Family, list[Member]]] = field(default_factory=list)
    families: dict[int, Family] = field(default_factory=dict)
    family_fields: set[str] = field(default_factory=set)
    members: dict[int, Member] = field(default_factory=dict)
    member_fields: set[str] = field(default_factory=set)
    added_members: list[Member] = field(default_factory=list)
    touched_families: set[int] = field(default_factory=set)
    touched_members: set[int] = field(default_factory=set)
    conflicts: list[str] = field(default_factory=list)


@transaction.atomic
def submission_finalise(*, user: Any, submission: Submission) -> Submission:
    """Province: apply every change to the master data in one transaction, then mark it finalised.

    Refused (nothing written) while a change has an error, an unresolved duplicate NIK, or
    conflicts with the master data (a field changed since the Pokja read it).
    """
    policy.require(user, "submission.finalise", submission)
    _one_finalisation_at_a_time()
    # The service's one read of the submission: locked and fresh (another step may have moved it
    # since the page loaded it), into the caller's instance, with its round and village.
    submission.refresh_from_db(
        from_queryset=Submission.objects.select_for_update(of=("self",)).select_related("round", "village")
    )
    _require_state(submission, S.APPROVED)
    changes = list(submission.changes.select_related("member").order_by("pk"))
    issues = submission_issues(submission, changes)
    blocking = [c for c in changes if issues[c.pk].blocking]
    if blocking:
        raise ValidationError(
            _("%(count)d change(s) have errors or unresolved duplicate NIKs; resolve or return them first.")
            % {"count": len(blocking)}
        )
    plan = _plan(changes, village=submission.village)
    if plan.conflicts:
        raise ValidationError(
            [_("The master data changed since this was proposed; return the submission to update it.")] + plan.conflicts
        )
    # Villages sharing a NIK with this one before the write (a NIK corrected away, a member who
    # died) and after it (a NIK corrected into) see their duplicate counts change too.
    sharing = stats.villages_sharing_niks([submission.village_code])
    _write(plan, user=user, submission=submission)
    sharing |= stats.villages_sharing_niks([submission.village_code])
    stats.village_stats_refresh(codes={submission.village_code, *sharing})
    stats.village_round_stats_record(round=submission.round, codes=[submission.village_code])
    return _move(
        submission=submission,
        user=user,
        from_state=S.APPROVED,
        to_state=S.FINALISED,
        action=Action.FINALISED,
        stamp=["finalised_at"],
        held=True,
        **change_counts(submission),
    )


# The PostgreSQL advisory lock held by a finalisation for its transaction (any constant unique to it).
FINALISE_LOCK = 6_500_001


def _one_finalisation_at_a_time() -> None:
    """Finalisations run one after another across all villages and rounds.

    Each checks for duplicate NIKs against every active family and then writes; two at once
    would each miss the NIKs the other brings in.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FINALISE_LOCK])


def change_counts(submission: Submission) -> dict[str, int]:
    """The families a submission's changes touch and the new families it adds (one query), kept on
    the submission when it is finalised: new families have their ids once the changes are applied."""
    return submission.changes.aggregate(
        families_changed=Count("family", distinct=True),
        families_new=Count("pk", filter=Q(kind=ChangeKind.NEW_FAMILY)),
    )


def _plan(changes: list[SubmissionChange], *, village: Region) -> _Apply:
    plan = _Apply()
    family_ids = {c.family_id for c in changes if c.family_id}
    member_ids = {c.member_id for c in changes if c.member_id}
    plan.families = {f.pk: f for f in Family.objects.select_for_update().filter(pk__in=family_ids)}
    plan.members = {m.pk: m for m in Member.objects.select_for_update().filter(pk__in=member_ids)}
    for change in changes:
        if change.kind == ChangeKind.NEW_FAMILY:
            data = (change.payload or {}).get("family", {})
            family = Family(village=village, village_code=village.code)
            for name, value in data.items():
                setattr(family, name, from_json(Family, name, value))
            members = [_member_from(m) for m in (change.payload or {}).get("members", [])]
            plan.new_families.append((family, members))
        elif change.kind == ChangeKind.FAMILY_FIELD:
            family = plan.families[change.family_id]
            _set(plan, Family, family, change, plan.family_fields)
            plan.touched_families.add(family.pk)
        elif change.kind == ChangeKind.FAMILY_DEACTIVATED:
            family = plan.families[change.family_id]
            if not family.is_active:
                plan.conflicts.append(_("A family to deactivate is already inactive."))
            family.status = FamilyStatus.INACTIVE
            family.inactive_reason = (change.new_value or {}).get("reason", "")
            family.inactive_note = (change.new_value or {}).get("note", "")[:300]
            plan.family_fields |= {"status", "inactive_reason", "inactive_note"}
            plan.touched_families.add(family.pk)
        elif change.kind in (ChangeKind.MEMBER_FIELD, ChangeKind.MEMBER_PRESENCE):
            member = plan.members[change.member_id]
            _set(plan, Member, member, change, plan.member_fields)
            plan.touched_members.add(member.pk)
            plan.touched_families.add(member.family_id)
        elif change.kind == ChangeKind.MEMBER_ADDED:
            member = _member_from(change.payload or {})
            member.family_id = change.family_id
            plan.added_members.append(member)
            plan.touched_families.add(change.family_id)
    return plan


def _set(plan: _Apply, model: type, obj: Any, change: SubmissionChange, fields: set[str]) -> None:
    current = getattr(obj, change.field)
    if not _same(current, change.old_value):
        plan.conflicts.append(
            _("%(field)s: proposed from %(old)s, but it is now %(now)s.")
            % {
                "field": model._meta.get_field(change.field).verbose_name,
                "old": change.old_value,
                "now": to_json(current),
            }
        )
    setattr(obj, change.field, from_json(model, change.field, change.new_value))
    fields.add(change.field)


def _member_from(data: dict[str, Any]) -> Member:
    member = Member()
    for name, value in data.items():
        if name in MEMBER_FIELDS:
            setattr(member, name, from_json(Member, name, value))
    member.presence = member.presence or Presence.NEW
    member.nik_valid = nik_is_well_formed(member.nik)
    return member


def _write(plan: _Apply, *, user: Any, submission: Submission) -> None:
    history = {"history_submission_id": submission.pk}
    now = timezone.now()
    if plan.new_families:
        families = [f for f, _m in plan.new_families]
        for family in families:
            family.created_at = family.updated_at = now
        _write_families_created(families, user=user, history=history)
        for family, members in plan.new_families:
            for member in members:
                member.family = family
            plan.added_members.extend(members)
    touched = [plan.families[pk] for pk in plan.touched_families if pk in plan.families]
    for family in touched:
        family.version += 1
        family.updated_at = now
    if touched:
        _write_families_updated(
            touched, fields=[*plan.family_fields, "version", "updated_at"], user=user, history=history
        )
    if plan.added_members:
        _write_members_created(plan.added_members, user=user, history=history)
    members = [plan.members[pk] for pk in plan.touched_members]
    for member in members:
        member.version += 1
        member.nik_valid = nik_is_well_formed(member.nik)
    if members:
        _write_members_updated(
            members, fields=[*plan.member_fields, "version", "nik_valid"], user=user, history=history
        )


def _write_families_created(families: list[Family], *, user: Any, history: dict) -> None:
    bulk_create_with_history(families, Family, batch_size=500, default_user=user, custom_historical_attrs=history)


def _write_families_updated(families: list[Family], *, fields: list[str], user: Any, history: dict) -> None:
    bulk_update_with_history(
        families, Family, sorted(set(fields)), batch_size=500, default_user=user, custom_historical_attrs=history
    )


def _write_members_created(members: list[Member], *, user: Any, history: dict) -> None:
    bulk_create_with_history(members, Member, batch_size=500, default_user=user, custom_historical_attrs=history)


def _write_members_updated(members: list[Member], *, fields: list[str], user: Any, history: dict) -> None:
    bulk_update_with_history(
        members, Member, sorted(set(fields)), batch_size=500, default_user=user, custom_historical_attrs=history
    )


# ---------------------------------------------------------------------------- initial load


ANALYZE_AFTER_MEMBERS = 5000


@transaction.atomic
def families_load(*, rows: list[tuple[Family, list[Member]]], user: Any = None, batch_size: int = 2000) -> int:
    """Load families from the national data (DTSEN) as their first version: demo data and fixtures.

    Not part of the review chain: it writes master data directly, in batches, and records the
    first version of every row in the history tables with one ``INSERT ... SELECT`` per batch
    (building history objects in Python would take most of the time of a large load).
    """
    families = []
    for family, _members in rows:
        family.village_code = family.village_code or family.village.code
        families.append(family)
    Family.objects.bulk_create(families, batch_size=batch_size)
    members = []
    for family, family_members in rows:
        for member in family_members:
            member.family = family
            member.nik_valid = nik_is_well_formed(member.nik)
            members.append(member)
    _insert_plain(Member, members, batch_size=batch_size)
    user_id = getattr(user, "pk", None)
    family_ids = [f.pk for f in families]
    _history_first_versions(Family, "id", family_ids, user_id=user_id, batch_size=batch_size)
    _history_first_versions(Member, "family_id", family_ids, user_id=user_id, batch_size=batch_size)
    if len(members) >= ANALYZE_AFTER_MEMBERS:
        # Fresh bulk-loaded rows have no planner statistics yet: without them PostgreSQL takes
        # the village for one family and the summaries' NIK check below turns quadratic.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Family._meta.db_table}, {Member._meta.db_table}")  # noqa: S608 - model names
    codes = {f.village_code for f in families}
    stats.village_stats_refresh(codes=codes | stats.villages_sharing_niks(codes))
    return len(families)


def _insert_plain(model: type, objs: list[Any], *, batch_size: int) -> None:
    """INSERT rows whose ids nobody needs back with one ``executemany`` per batch.

    ``bulk_create`` compiles SQL per batch, so for tens of thousands of members most of the time
    went into building SQL, not writing it.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 - names from the model, values bound
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            rows = [
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
                for obj in objs[start : start + batch_size]
            ]
            cursor.executemany(sql, rows)


def _history_first_versions(model: type, key: str, ids: list[int], *, user_id: int | None, batch_size: int) -> None:
    """Copy the rows of ``model`` whose ``key`` column is in ``ids`` into its history table as created ('+') versions."""
    history = model.history.model
    quote = connection.ops.quote_name
    source_columns = {f.column for f in model._meta.concrete_fields}
    columns, selects, params = [], [], []
    for hfield in history._meta.concrete_fields:
        if hfield.name == "history_id":
            continue
        columns.append(quote(hfield.column))
        if hfield.column in source_columns:
            selects.append(quote(hfield.column))
        elif hfield.name == "history_date":
            selects.append("%s")
            params.append(timezone.now())
        elif hfield.name == "history_type":
            selects.append("%s")
            params.append("+")
        elif hfield.name == "history_user":
            selects.append("%s")
            params.append(user_id)
        else:
            selects.append("NULL")
    with connection.cursor() as cursor:
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            sql = (
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 - names from the model, values bound
                f"SELECT {', '.join(selects)} FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(key)} IN ({', '.join(['%s'] * len(chunk))})"
            )
            cursor.execute(sql, [*params, *chunk])
