"""Reads of the poverty data that span models or apply the access policy.

The round overview and the dashboard (``selectors.overview``) are importable from here too.

Every list here is scoped by ``accounts.policy`` and keeps a fixed number of queries;
statistics aggregate in SQL (``Count(filter=...)``, ``Substr`` of the region code to group
by kabupaten or kecamatan).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import PermissionDenied
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.utils.translation import gettext

from accounts import policy
from accounts.models import Role, RoleAssignment, User
from regions.identity import mask_number
from regions.models import Region

from ..models import (
    ASSISTANCE_FIELDS,
    FIELD_KINDS,
    IDENTITY_FIELDS,
    PRESENT,
    RETURN_ACTION,
    TAKE_BACK,
    ChangeKind,
    Family,
    FamilyStatus,
    Member,
    Pokja,
    PokjaMember,
    Relationship,
    Round,
    Submission,
    SubmissionChange,
    SubmissionEvent,
    SubmissionState,
)
from .maps import dashboard_map, village_locator
from .overview import OverviewRow, dashboard, late_villages, round_overview, round_reminded, rounds

__all__ = [
    "dashboard_map",
    "village_locator",
    "OverviewRow",
    "dashboard",
    "late_villages",
    "round_overview",
    "round_reminded",
    "rounds",
]  # and what is below

S = SubmissionState


# ---------------------------------------------------------------------------- getters (404 outside the scope)


def village_get_for_user(*, user: Any, pk: Any, action: str = "family.view") -> Region:
    """A village the user may ``action`` in; 404 outside their scope (or for a malformed id)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    village = (
        Region.objects.villages()
        .filter(policy.scope_q(user, action, region_field="code"))
        .select_related("parent__parent")
        .filter(pk=pk)
        .first()
    )
    if village is None:
        raise Http404
    return village


def family_get_for_user(*, user: Any, pk: Any, action: str = "family.view") -> Family:
    return policy.get_for_user(Family.objects.select_related("village"), user, action, pk=pk)


def submission_get_for_user(*, user: Any, pk: Any, action: str = "submission.view") -> Submission:
    return policy.get_for_user(
        Submission.objects.select_related("round", "village"),
        user,
        action,
        view_action="submission.view" if action != "submission.view" else None,
        pk=pk,
    )


def draft_get_for_editor(*, user: Any, pk: Any) -> Submission:
    """A submission the user may edit (the policy: an officer on the village's Pokja) that is still an
    open round's draft; 404 outside their scope, 403 otherwise."""
    submission = submission_get_for_user(user=user, pk=pk, action="submission.edit")
    if submission.state != S.DRAFT or not submission.round.is_open:
        raise PermissionDenied("submission.edit: not an open draft")
    return submission


def member_get_for_user(*, user: Any, pk: Any) -> Member:
    return policy.get_for_user(Member.objects.select_related("family"), user, "family.view", pk=pk)


def family_of_draft(*, submission: Submission, user: Any, pk: Any) -> Family:
    """A family of the submission's village the user may see; 404 for one of another village."""
    family = family_get_for_user(user=user, pk=pk)
    if family.village_code != submission.village_code:
        raise Http404
    return family


def member_of_draft(*, submission: Submission, user: Any, pk: Any) -> Member:
    member = member_get_for_user(user=user, pk=pk)
    if member.family.village_code != submission.village_code:
        raise Http404
    return member


def change_get(*, submission: Submission, pk: Any, kind: str | None = None) -> SubmissionChange:
    """One of the submission's changes (of ``kind`` when given); 404 for another submission's."""
    changes = submission.changes.filter(kind=kind) if kind else submission.changes.all()
    change = changes.filter(pk=pk).first()
    if change is None:
        raise Http404
    return change


def round_get_for_user(*, user: Any, pk: Any) -> Round:
    if not policy.can(user, "round.view"):
        raise Http404
    try:
        return Round.objects.get(pk=int(pk))
    except (Round.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


# ---------------------------------------------------------------------------- villages and families


def villages_visible(*, user: Any, round: Round | None) -> QuerySet[Region]:  # noqa: A002
    """The villages the user may see, with active family counts (from the summaries) and this round's
    submission state."""
    qs = Region.objects.villages().filter(policy.scope_q(user, "family.view", region_field="code"))
    qs = qs.annotate(family_count=F("poverty_stats__families"))
    if round is not None:
        qs = qs.annotate(
            submission_state=Subquery(
                Submission.objects.filter(round=round, village=OuterRef("pk")).values("state")[:1]
            )
        )
    return qs.select_related("parent").order_by("code")


@dataclass
class FamilyFilters:
    dusun: str = ""
    rt: str = ""
    desil: int | None = None
    status: str = FamilyStatus.ACTIVE
    assistance: str = ""
    search: str = ""
    invalid: bool = False


def families_of_village(*, village: Region, filters: FamilyFilters) -> QuerySet[Family]:
    """A village's families filtered, with the head's name and the number of present members (one query).
    When searching: ``matched_name``/``matched_relationship``, the member the term found (the closest name)."""
    qs = Family.objects.filter(village_code=village.code)
    ordering = ["dusun", "rt", "pk"]
    if filters.status in FamilyStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.dusun:
        qs = qs.filter(dusun__iexact=filters.dusun)
    if filters.rt:
        qs = qs.filter(rt=filters.rt)
    if filters.desil:
        qs = qs.filter(desil=filters.desil)
    if filters.assistance in ASSISTANCE_FIELDS:
        qs = qs.filter(**{filters.assistance: True})
    matched = None
    if filters.search:
        term = filters.search.strip()
        if term.isdigit():
            qs = qs.filter(Q(no_kk__startswith=term) | Q(members__nik__startswith=term)).distinct()
            matched = Member.objects.filter(family=OuterRef("pk"), nik__startswith=term).order_by("pk")
        else:
            # A name as typed, or misspelt or without its accents: "Muhamad Rizki" finds "Muhammad Rizky"
            # (pg_trgm's word similarity over the unaccented name, within the one village); the closest
            # names come first.
            matching = Member.objects.filter(family=OuterRef("pk")).filter(
                Q(name__icontains=term) | Q(name__unaccent__trigram_word_similar=term)
            )
            closest = (
                matching.annotate(similarity=TrigramWordSimilarity(term, Unaccent("name")))
                .order_by("-similarity")
                .values("similarity")[:1]
            )
            qs = qs.filter(Exists(matching)).annotate(similarity=Subquery(closest))
            ordering = ["-similarity", *ordering]
            matched = matching.annotate(similarity=TrigramWordSimilarity(term, Unaccent("name"))).order_by(
                "-similarity", "pk"
            )
    if matched is not None:
        # Which member the search found, so a page can say so when it is not the head.
        qs = qs.annotate(
            matched_name=Subquery(matched.values("name")[:1], output_field=CharField()),
            matched_relationship=Subquery(matched.values("relationship")[:1], output_field=CharField()),
        )
    if filters.invalid:
        qs = qs.filter(Exists(Member.objects.filter(family=OuterRef("pk"), nik_valid=False)))
    head = Member.objects.filter(family=OuterRef("pk"), relationship=Relationship.HEAD).order_by("pk")
    present = Member.objects.filter(family=OuterRef("pk"), presence__in=PRESENT).order_by()
    return qs.annotate(
        head_name=Subquery(head.values("name")[:1], output_field=CharField()),
        present_members=Subquery(
            present.values("family").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
        ),
    ).order_by(*ordering)


def dusun_choices(*, village: Region) -> list[str]:
    return list(
        Family.objects.filter(village_code=village.code)
        .exclude(dusun="")
        .values_list("dusun", flat=True)
        .distinct()
        .order_by("dusun")
    )


def current_round() -> Round | None:
    return Round.objects.open().order_by("-period_start", "-pk").first()


def pokja_of(*, village: Region) -> Pokja | None:
    """The village's Pokja with its members, each marked when they are a Karang Taruna officer: one query
    (the members with their Pokja), two when the Pokja has no members yet."""
    officer = RoleAssignment.objects.active().filter(user=OuterRef("user"), role=Role.KT_OFFICER)
    members = list(
        PokjaMember.objects.filter(pokja__village=village)
        .select_related("pokja", "user")
        .annotate(is_karang_taruna=Exists(officer))
        .order_by("position", "user__first_name")
    )
    pokja = members[0].pokja if members else Pokja.objects.filter(village=village).first()
    if pokja is not None:
        pokja.member_rows = members
    return pokja


def pokja_candidates(*, village: Region) -> QuerySet[User]:
    """Who may sit on the village's Pokja: the users holding a role in the village."""
    return User.objects.filter(
        pk__in=RoleAssignment.objects.active().filter(region__code=village.code).values("user")
    ).order_by("first_name", "username")


def village_heads(*, village: Region) -> list[User]:
    """Who may put an officer on the village's Pokja: its village heads (by name)."""
    return list(
        User.objects.filter(
            pk__in=RoleAssignment.objects.active()
            .filter(region__code=village.code, role=Role.VILLAGE_HEAD)
            .values("user")
        ).order_by("first_name", "username")
    )


def officers_outside_pokja(*, village: Region) -> list[User]:
    """The village's Karang Taruna officers who have no seat on its Pokja (they cannot prepare its
    submission until the village head adds them)."""
    return list(
        User.objects.filter(
            pk__in=RoleAssignment.objects.active()
            .filter(region__code=village.code, role=Role.KT_OFFICER)
            .values("user")
        )
        .exclude(pk__in=PokjaMember.objects.filter(pokja__village=village).values("user"))
        .order_by("first_name", "username")
    )


def pokja_seats_missing(*, user: Any) -> list[tuple[str, list[str]]]:
    """The villages where the user is a Karang Taruna officer without a seat on the Pokja, each with its
    village heads' names (who can add them): [(village code, [name, ...])]. Two queries."""
    codes = [g.region_code for g in policy.grants(user) if g.role == Role.KT_OFFICER]
    if not codes:
        return []
    seated = set(
        PokjaMember.objects.filter(user=user, pokja__village_code__in=codes).values_list(
            "pokja__village_code", flat=True
        )
    )
    missing = [code for code in codes if code not in seated]
    heads: dict[str, list[str]] = {code: [] for code in missing}
    for assignment in (
        RoleAssignment.objects.active()
        .filter(role=Role.VILLAGE_HEAD, region__code__in=missing)
        .select_related("user", "region")
        .order_by("user__first_name")
    ):
        heads[assignment.region.code].append(assignment.user.display_name)
    return list(heads.items())


def officer_outside_pokja(*, user: Any, village: Region, round: Round | None, submission: Submission | None) -> bool:  # noqa: A002
    """An officer who would prepare the village's submission if they sat on its Pokja."""
    if round is None or submission is not None:
        return False
    draft = Submission(round=round, village=village, village_code=village.code)
    return policy.can(user, "submission.prepare", draft) and not policy.can(user, "submission.edit", draft)


def is_pokja_member(user: Any, village_code: str) -> bool:
    return PokjaMember.objects.seat(user=user, village_code=village_code).exists()


def village_submission(*, village: Region) -> tuple[Round | None, Submission | None]:
    """The current round and the village's submission in it: one query when there is a submission
    (it brings its round), two when there is none."""
    current = Round.objects.open().order_by("-period_start", "-pk").values("pk")[:1]
    submission = Submission.objects.filter(village=village, round=Subquery(current)).select_related("round").first()
    if submission is not None:
        return submission.round, submission
    return current_round(), None


def draft_for_editing(*, user: Any, village: Region) -> Submission | None:
    """The village's draft in the open round when the user may edit it (a "correct in the draft" link)."""
    _round, submission = village_submission(village=village)
    if submission is None or submission.state != S.DRAFT or not submission.round.is_open:
        return None
    return submission if policy.can(user, "submission.edit", submission) else None


def _shown(model: type[Model], field: str, value: Any, reveal: bool) -> Any:
    """A value of the history as a person reads it: choices by their label, yes/no for flags,
    NIK and No. KK masked unless ``reveal``."""
    if field in IDENTITY_FIELDS:
        return value if reveal else mask_number(value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    choices = model._meta.get_field(field).flatchoices
    if choices and value not in (None, ""):
        return dict(choices).get(value, value)
    return value


def family_history(*, family: Family, reveal: bool = False) -> list[dict[str, Any]]:
    """The family's versions and its members', newest first, each with the fields that differ from
    the version before (NIK and No. KK masked unless ``reveal``), and the round. Three queries."""
    records = list(family.history.select_related("history_user").order_by("history_date", "history_id"))
    timeline = []
    previous = None
    for record in records:
        diffs = []
        if previous is not None:
            delta = record.diff_against(previous)
            diffs = [
                (
                    Family._meta.get_field(c.field).verbose_name,
                    _shown(Family, c.field, c.old, reveal),
                    _shown(Family, c.field, c.new, reveal),
                )
                for c in delta.changes
                if c.field not in ("updated_at", "version")
            ]
        timeline.append({"record": record, "diffs": diffs})
        previous = record
    member_records = list(
        Member.history.filter(family_id=family.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    last_by_member: dict[int, Any] = {}
    for record in member_records:
        before = last_by_member.get(record.id)
        diffs = []
        if before is not None:
            diffs = [
                (
                    Member._meta.get_field(c.field).verbose_name,
                    _shown(Member, c.field, c.old, reveal),
                    _shown(Member, c.field, c.new, reveal),
                )
                for c in record.diff_against(before).changes
                if c.field not in ("nik_valid", "updated_at", "version")
            ]
        timeline.append({"record": record, "diffs": diffs, "member": True})
        last_by_member[record.id] = record
    round_names = dict(
        Submission.objects.filter(
            pk__in={row["record"].history_submission_id for row in timeline if row["record"].history_submission_id}
        ).values_list("pk", "round__name")
    )
    for row in timeline:
        row["round"] = round_names.get(row["record"].history_submission_id, "")
    timeline.sort(key=lambda row: row["record"].history_date, reverse=True)
    return timeline


# ---------------------------------------------------------------------------- submissions


def family_members(*, family: Family) -> list[Member]:
    return list(family.members.order_by("pk"))


def submission_may_start(*, user: Any, village: Region, round: Round | None, submission: Submission | None) -> bool:  # noqa: A002
    """The village has no submission in the open round yet and the user may edit its draft."""
    if round is None or submission is not None:
        return False
    return policy.can(user, "submission.edit", Submission(round=round, village=village, village_code=village.code))


def submission_events(*, submission: Submission) -> list[SubmissionEvent]:
    return list(submission.events.select_related("user").order_by("-at", "-pk"))


def can_return(user: Any, submission: Submission) -> bool:
    """Is it the user's turn to return the submission to draft?"""
    action = RETURN_ACTION.get(submission.state)
    return bool(action and policy.can(user, action, submission))


def can_take_back(user: Any, submission: Submission) -> bool:
    """May the user take back the step that brought the submission to its state?"""
    rule = TAKE_BACK.get(submission.state)
    return bool(rule and policy.can(user, rule[0], submission))


def submission_changes(*, submission: Submission) -> list[SubmissionChange]:
    """The submission's changes, each with its family's head (``family_head``: a family is named by its
    head and its masked No. KK, never "#1489")."""
    head = Member.objects.filter(family=OuterRef("family"), relationship=Relationship.HEAD).order_by("pk")
    return list(
        submission.changes.select_related("family", "member", "created_by")
        .annotate(family_head=Subquery(head.values("name")[:1], output_field=CharField()))
        .order_by("family_id", "kind", "pk")
    )


def proposed_values(*, submission: Submission, family: Family | None = None, member: Member | None = None) -> dict:
    """Field -> new value already proposed for this family or member in this submission."""
    qs = submission.changes.all()
    if member is not None:
        qs = qs.filter(member=member, kind__in=[ChangeKind.MEMBER_FIELD, ChangeKind.MEMBER_PRESENCE])
    else:
        qs = qs.filter(family=family, kind=ChangeKind.FAMILY_FIELD)
    return dict(qs.values_list("field", "new_value"))


def proposal_count() -> Any:
    """The submission's proposals as its page lists them: a record's field corrections count once
    (a family's, or a member's), every other change on its own."""
    field = Q(changes__kind__in=FIELD_KINDS)
    return (
        Count("changes", filter=~field)
        + Count("changes__family", filter=field & Q(changes__member__isnull=True), distinct=True)
        + Count("changes__member", filter=field & Q(changes__member__isnull=False), distinct=True)
    )


def review_queue(*, user: Any) -> QuerySet[Submission]:
    """The submissions waiting for this user's step (verify, approve or finalise), oldest first."""
    q = Q(pk__in=[])
    for state, action in (
        (S.SUBMITTED, "submission.verify"),
        (S.VERIFIED, "submission.approve"),
        (S.APPROVED, "submission.finalise"),
    ):
        scope = policy.scope_q(user, action, region_field="village_code")
        if scope != Q(pk__in=[]):
            q |= Q(state=state) & scope
    return (
        Submission.objects.filter(q)
        .select_related("round", "village__parent__parent")
        .annotate(change_count=proposal_count())
        .order_by("updated_at", "pk")
    )


def drafts_for(*, user: Any) -> QuerySet[Submission]:
    """Drafts of open rounds in villages whose Pokja the user belongs to."""
    return (
        Submission.objects.filter(
            state=S.DRAFT,
            round__is_open=True,
            village__pokja__memberships__user=user,
        )
        .select_related("round", "village")
        .order_by("round__submit_deadline")
    )
