"""Reads of a round's progress by region, the late villages and the poverty dashboard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    CharField,
    Count,
    F,
    FilteredRelation,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from accounts import policy
from regions.models import Level, Region, within_q

from ..models import (
    ASSISTANCE_FIELDS,
    Round,
    Submission,
    SubmissionState,
    VillageStats,
)

S = SubmissionState
# The states at or beyond each step: a village has reached "verified" when it is verified or later.
REACHED = {
    S.SUBMITTED: [S.SUBMITTED, S.VERIFIED, S.APPROVED, S.FINALISED],
    S.VERIFIED: [S.VERIFIED, S.APPROVED, S.FINALISED],
    S.APPROVED: [S.APPROVED, S.FINALISED],
    S.FINALISED: [S.FINALISED],
}


def rounds() -> QuerySet[Round]:
    return Round.objects.all()


def round_reminded(*, round: Round) -> set[tuple[int, str]]:  # noqa: A002
    """(village id, step) of the reminders sent in the round."""
    return set(round.reminders.values_list("village_id", "step"))


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
