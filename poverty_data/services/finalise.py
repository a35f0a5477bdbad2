"""Finalisation: the province applies a submission's changes to the master data in one transaction.

The master data (``Family``, ``Member``) changes only here, with a history row per version
naming the user and the submission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts import policy
from regions.models import Region

from .. import stats
from ..checks import nik_is_well_formed, submission_issues
from ..models import (
    MEMBER_FIELDS,
    ChangeKind,
    Family,
    FamilyStatus,
    Member,
    Presence,
    Submission,
    SubmissionChange,
    SubmissionEvent,
    SubmissionState,
)
from .review import move, require_state
from .values import from_json, same_value, to_json

S = SubmissionState
Action = SubmissionEvent.Action


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
    require_state(submission, S.APPROVED)
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
    return move(
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
    if not same_value(current, change.old_value):
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
