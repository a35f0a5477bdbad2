"""Reads of the poverty data that span models or apply the access policy.

Every list here is scoped by ``accounts.policy`` and keeps a fixed number of queries;
statistics aggregate in SQL (``Count(filter=...)``, ``Substr`` of the region code to group
by kabupaten or kecamatan).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from accounts import policy
from accounts.models import Role, RoleAssignment
from regions.identity import mask_number
from regions.models import Level, Region, within_q

from .models import (
    ASSISTANCE_FIELDS,
    IDENTITY_FIELDS,
    PRESENT,
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
    SubmissionState,
    VillageStats,
)

S = SubmissionState
REACHED = {
    S.SUBMITTED: [S.SUBMITTED, S.VERIFIED, S.APPROVED, S.FINALISED],
    S.VERIFIED: [S.VERIFIED, S.APPROVED, S.FINALISED],
    S.APPROVED: [S.APPROVED, S.FINALISED],
    S.FINALISED: [S.FINALISED],
}


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
    """A village's families filtered, with the head's name and the number of present members (one query)."""
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
    if filters.search:
        term = filters.search.strip()
        if term.isdigit():
            qs = qs.filter(Q(no_kk__startswith=term) | Q(members__nik__startswith=term)).distinct()
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


def village_submission(*, village: Region) -> tuple[Round | None, Submission | None]:
    """The current round and the village's submission in it: one query when there is a submission
    (it brings its round), two when there is none."""
    current = Round.objects.open().order_by("-period_start", "-pk").values("pk")[:1]
    submission = Submission.objects.filter(village=village, round=Subquery(current)).select_related("round").first()
    if submission is not None:
        return submission.round, submission
    return current_round(), None


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
    rounds = dict(
        Submission.objects.filter(
            pk__in={row["record"].history_submission_id for row in timeline if row["record"].history_submission_id}
        ).values_list("pk", "round__name")
    )
    for row in timeline:
        row["round"] = rounds.get(row["record"].history_submission_id, "")
    timeline.sort(key=lambda row: row["record"].history_date, reverse=True)
    return timeline


# ---------------------------------------------------------------------------- submissions


def submission_changes(*, submission: Submission) -> list[SubmissionChange]:
    return list(submission.changes.select_related("family", "member", "created_by").order_by("family_id", "kind", "pk"))


def proposed_values(*, submission: Submission, family: Family | None = None, member: Member | None = None) -> dict:
    """Field -> new value already proposed for this family or member in this submission."""
    qs = submission.changes.all()
    if member is not None:
        qs = qs.filter(member=member, kind__in=[ChangeKind.MEMBER_FIELD, ChangeKind.MEMBER_PRESENCE])
    else:
        qs = qs.filter(family=family, kind=ChangeKind.FAMILY_FIELD)
    return dict(qs.values_list("field", "new_value"))


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
        .annotate(change_count=Count("changes"))
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


# ---------------------------------------------------------------------------- round overview


@dataclass
class OverviewRow:
    region: Region | None
    code: str
    villages: int
    missing: int
    submitted: int
    verified: int
    approved: int
    finalised: int
    on_time: int
    late: int
    state: str | None = None


def round_overview(
    *, round: Round, user: Any, parent: Region | None, today: dt.date | None = None
) -> list[OverviewRow]:  # noqa: A002
    """Reporting rates of ``round`` per child region of ``parent`` (province when None), in one aggregate query.

    Each village counts once: missing (no submission or still a draft), and how far it got.
    On time: submitted on or before the submit deadline; late: submitted after it, or not
    submitted while the deadline has passed.
    """
    today = today or timezone.localdate()
    root = parent.code if parent else "65"
    level = parent.level + 1 if parent else Level.KABUPATEN_KOTA
    prefix_len = {Level.KABUPATEN_KOTA: 5, Level.KECAMATAN: 8, Level.DESA_KELURAHAN: 13}[
        min(level, Level.DESA_KELURAHAN)
    ]
    late_q = Q(sub__submitted_at__date__gt=round.submit_deadline)
    if today > round.submit_deadline:
        late_q |= Q(sub__submitted_at__isnull=True)
    villages = (
        Region.objects.villages()
        .filter(Q(code__startswith=f"{root}."))
        .filter(policy.scope_q(user, "round.view", region_field="code"))
        .annotate(sub=FilteredRelation("poverty_submissions", condition=Q(poverty_submissions__round=round)))
        .annotate(group=Substr("code", 1, prefix_len))
        .values("group")
        .annotate(
            villages=Count("pk"),
            missing=Count("pk", filter=Q(sub__pk__isnull=True) | Q(sub__state=S.DRAFT)),
            submitted=Count("pk", filter=Q(sub__state__in=REACHED[S.SUBMITTED])),
            verified=Count("pk", filter=Q(sub__state__in=REACHED[S.VERIFIED])),
            approved=Count("pk", filter=Q(sub__state__in=REACHED[S.APPROVED])),
            finalised=Count("pk", filter=Q(sub__state=S.FINALISED)),
            on_time=Count("pk", filter=Q(sub__submitted_at__date__lte=round.submit_deadline)),
            late=Count("pk", filter=late_q),
        )
        .order_by("group")
    )
    rows = list(villages)
    regions = {r.code: r for r in Region.objects.filter(code__in=[row["group"] for row in rows])}
    states = {}
    if prefix_len == 13:
        states = dict(
            Submission.objects.filter(round=round, village_code__startswith=f"{root}.").values_list(
                "village_code", "state"
            )
        )
    return [
        OverviewRow(
            region=regions.get(row["group"]),
            code=row["group"],
            state=states.get(row["group"], None),
            **{
                k: row[k]
                for k in ("villages", "missing", "submitted", "verified", "approved", "finalised", "on_time", "late")
            },
        )
        for row in rows
    ]


def late_villages(*, round: Round, today: dt.date | None = None, user: Any = None) -> list[dict[str, Any]]:  # noqa: A002
    """Villages behind a passed deadline of ``round``: (village, step, deadline), in two queries."""
    today = today or timezone.localdate()
    due = [(step, round.deadline_for(step)) for step in (S.SUBMITTED, S.VERIFIED, S.APPROVED, S.FINALISED)]
    due = [(step, deadline) for step, deadline in due if deadline and today > deadline]
    if not due:
        return []
    villages = Region.objects.villages().filter(code__startswith="65.")
    if user is not None:
        villages = villages.filter(policy.scope_q(user, "round.view", region_field="code"))
    villages = villages.annotate(
        sub=FilteredRelation("poverty_submissions", condition=Q(poverty_submissions__round=round))
    ).annotate(state=Coalesce(F("sub__state"), Value(S.DRAFT), output_field=CharField()))
    villages = villages.values("pk", "code", "name", "kind", "state").order_by("code")
    late = []
    for village in villages:
        for step, deadline in due:
            if village["state"] not in REACHED[step]:
                late.append({**village, "step": step, "deadline": deadline})
                break
    return late


# ---------------------------------------------------------------------------- dashboard


def dashboard(*, user: Any, region: Region | None) -> dict[str, Any]:
    """The poverty statistics of the user's scope (or ``region`` within it), read from the per-village
    summaries (``VillageStats``, kept by the services) so the cost follows villages, not families."""
    stats = VillageStats.objects.filter(policy.scope_q(user, "poverty.dashboard", region_field="village_code"))
    if region is not None:
        stats = stats.in_region(region.code)
    level_len = 5 if region is None or region.level < Level.KABUPATEN_KOTA else 8
    if region is not None and region.level >= Level.KABUPATEN_KOTA:
        level_len = 8 if region.level == Level.KABUPATEN_KOTA else 13
    fields = {
        **{f"desil_{d}": f"desil_{d}" for d in range(1, 11)},
        "total": "poor4",
        **{f.removeprefix("receives_"): f"poor_{f.removeprefix('receives_')}" for f in ASSISTANCE_FIELDS},
        "none": "poor_no_assistance",
    }
    # One pass over the villages: the sums per group, and the totals (desil, coverage) added up from
    # the groups in Python (a village without active families has no row or only zeros).
    poor = list(
        stats.filter(families__gt=0)
        .annotate(group=Substr("village_code", 1, level_len))
        .order_by()
        .values("group")
        .annotate(
            total=Sum("families"),
            poor4=Sum("poor4"),
            poor5=Sum("poor5"),
            **{f"sum_{key}": Sum(column) for key, column in fields.items() if key != "total"},
        )
        .order_by("group")
    )
    sums = {key: sum(row.pop(f"sum_{key}") for row in poor) for key in fields if key != "total"}
    sums["total"] = sum(row["poor4"] for row in poor)
    names = {
        code: (pk, name)
        for pk, code, name in Region.objects.filter(code__in=[r["group"] for r in poor]).values_list(
            "pk", "code", "name"
        )
    }
    for row in poor:
        row["region_pk"], row["name"] = names.get(row["group"], (None, row["group"]))
    by_desil = {d: sums.pop(f"desil_{d}") for d in range(1, 11)}
    coverage = sums
    # Families changed per round: counted once per submission when it was finalised.
    changed = list(
        Submission.objects.filter(state=S.FINALISED)
        .filter(Q(families_changed__gt=0) | Q(families_new__gt=0))
        .filter(policy.scope_q(user, "poverty.dashboard", region_field="village_code"))
        .filter(within_q(region.code, "village_code") if region else Q())
        .order_by()
        .values(
            submission__round_id=F("round_id"),
            submission__round__name=F("round__name"),
            submission__round__period_start=F("round__period_start"),
        )
        .annotate(families=Sum("families_changed"), new=Sum("families_new"))
        .order_by("submission__round__period_start")
    )
    # Data quality per village: present members of active families with a malformed NIK, or a
    # NIK another present member holds anywhere (counted by the summaries).
    quality = list(
        stats.filter(Q(nik_invalid__gt=0) | Q(nik_duplicate__gt=0))
        .order_by("-nik_invalid", "-nik_duplicate", "village_code")
        .values(
            family__village_code=F("village_code"),
            family__village__name=F("village__name"),
            invalid=F("nik_invalid"),
            duplicate=F("nik_duplicate"),
        )[:30]
    )
    return {
        "by_desil": [{"desil": d, "families": by_desil.get(d, 0)} for d in range(1, 11)],
        "poor": poor,
        "coverage": coverage,
        "changed": changed,
        "quality": quality,
        "total": sum(r["total"] for r in poor),
        "group_level": {5: Level.KABUPATEN_KOTA, 8: Level.KECAMATAN, 13: Level.DESA_KELURAHAN}[level_len],
    }


# ---------------------------------------------------------------------------- maps


def dashboard_map(*, user: Any, region: Region | None) -> dict[str, Any]:
    """The poverty dashboard's map: families and desil 1-4 families per kecamatan (for the province)
    or per village (for a kabupaten or kecamatan), from the same per-village summaries and scope
    as ``dashboard``, with the regions to draw: those holding figures and those in the user's scope."""
    scope = policy.scope_q(user, "poverty.dashboard", region_field="village_code")
    stats = VillageStats.objects.filter(scope)
    if region is not None:
        stats = stats.in_region(region.code)
    level = Level.KECAMATAN if region is None or region.level == Level.PROVINCE else Level.DESA_KELURAHAN
    length = 8 if level == Level.KECAMATAN else 13
    figures = {
        row["group"]: row
        for row in stats.filter(families__gt=0)
        .annotate(group=Substr("village_code", 1, length))
        .order_by()
        .values("group")
        .annotate(total=Sum("families"), poor4=Sum("poor4"))
    }
    regions = Region.objects.filter(level=level)
    if region is not None:
        regions = regions.below(region.code)
    regions = regions.filter(Q(code__in=list(figures)) | policy.scope_q(user, "poverty.dashboard", region_field="code"))
    return {"level": level, "figures": figures, "regions": regions}


def village_locator(*, village: Region) -> dict[str, Any]:
    """The small map of the village page: the kabupaten/kota of the province around the village."""
    return {
        "village": village,
        "kabupaten": Region.objects.filter(level=Level.KABUPATEN_KOTA, code__startswith=village.code[:3]),
        "own": village.code[:5],
    }
