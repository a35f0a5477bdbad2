"""Reads of the CSR part that span models or apply the policy; each keeps a fixed query count."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import Substr

from accounts import policy
from regions.models import Level, Region

from . import inputs
from .models import (
    LIVE_MATCH_STATES,
    WAITING_STATES,
    Company,
    Match,
    MatchState,
    Programme,
    ProgrammeStatus,
    Proposal,
    ProposalEvent,
    ProposalState,
    Realisation,
    Sector,
)


def programme_get_for_user(*, user, pk, action: str = "programme.view") -> Programme:
    """404 outside what the user sees (published, or their company's drafts); 403 without ``action``."""
    queryset = Programme.objects.select_related("company").prefetch_related("target_regions")
    view_action = "programme.view" if action != "programme.view" else None
    return policy.get_for_user(queryset, user, action, view_action=view_action, pk=pk)


def proposal_get_for_user(*, user, pk, action: str = "proposal.view", funding: bool = False) -> Proposal:
    """``funding``: with ``funded`` and ``pledged`` (``Proposal.objects.with_funding()``) in the same query."""
    queryset = Proposal.objects.select_related("village__parent__parent", "created_by")
    if funding:
        queryset = queryset.with_funding()
    view_action = "proposal.view" if action != "proposal.view" else None
    return policy.get_for_user(queryset, user, action, view_action=view_action, pk=pk)


def match_get_for_user(*, user, pk, action: str = "match.view") -> Match:
    queryset = Match.objects.select_related("programme__company", "proposal__village")
    view_action = "match.view" if action != "match.view" else None
    return policy.get_for_user(queryset, user, action, view_action=view_action, pk=pk)


def programme_list(*, user, sector: str = "", status: str = "", q: str = ""):
    rows = Programme.objects.visible_to(user).with_budget().select_related("company").order_by("-created_at", "-pk")
    if sector:
        rows = rows.filter(sector=sector)
    if status:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(company__name__icontains=q))
    return rows


def proposal_list(*, user, state: str = "", sector: str = "", q: str = ""):
    rows = Proposal.objects.visible_to(user).with_funding().select_related("village").order_by("-created_at", "-pk")
    if state:
        rows = rows.filter(state=state)
    if sector:
        rows = rows.filter(sector=sector)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(village__name__icontains=q) | Q(village__code__startswith=q))
    return rows


def proposal_detail(*, proposal: Proposal, user) -> dict:
    """Events (the feedback trail), attachments and matches of one proposal, in three queries."""
    events = list(ProposalEvent.objects.filter(proposal=proposal).select_related("actor"))
    attachments = list(proposal.attachments.select_related("realisation"))
    matches = list(
        Match.objects.visible_to(user)
        .filter(proposal=proposal)
        .select_related("programme__company", "proposal__village")
        .prefetch_related(Prefetch("realisations", queryset=Realisation.objects.select_related("reported_by")))
    )
    return {"events": events, "attachments": attachments, "matches": matches}


def programme_matches(*, programme: Programme, user) -> list[Match]:
    return list(
        Match.objects.visible_to(user)
        .filter(programme=programme)
        .select_related("proposal__village")
        .annotate(spent=Sum("realisations__amount_spent"))
    )


# Home cards -------------------------------------------------------------------------------------


def proposals_waiting_for_decision(*, user):
    """Submitted or under-review proposals in the staff member's scope (oldest first)."""
    return (
        policy.scoped(Proposal.objects.all(), user, "proposal.review")
        .filter(state__in=WAITING_STATES)
        .order_by("submitted_at", "pk")
    )


def matches_waiting_for_company(*, user):
    return (
        policy.scoped(Match.objects.all(), user, "match.decide")
        .filter(state=MatchState.CONFIRMED)
        .select_related("proposal", "programme")
        .order_by("confirmed_at", "pk")
    )


def my_proposals_by_state(*, user) -> list[tuple[str, str, int]]:
    rows = (
        policy.scoped(Proposal.objects.all(), user, "proposal.edit")
        .values("state")
        .annotate(n=Count("pk"))
        .order_by("state")
    )
    labels = dict(ProposalState.choices)
    order = list(labels)
    return sorted(((r["state"], labels[r["state"]], r["n"]) for r in rows), key=lambda r: order.index(r[0]))


# Plan vs realisation ----------------------------------------------------------------------------


@dataclass
class PlanRow:
    label: str
    committed: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    matches: int = 0
    beneficiaries: int = 0

    @property
    def percent(self) -> int:
        return round(self.spent * 100 / self.committed) if self.committed else 0


def plan_vs_realisation(*, matches_qs) -> dict[str, list[PlanRow]]:
    """Accepted money vs money reported spent, by company, sector and kabupaten (two queries).

    Spending counts the larger of the two sides' reports per match, so a match the company
    and the proposer both report is not counted twice.
    """
    accepted = list(
        matches_qs.filter(state=MatchState.ACCEPTED).values(
            "pk", "amount", "programme__company__name", "programme__sector", "proposal__village__code"
        )
    )
    spent_rows = (
        Realisation.objects.filter(match_id__in=[m["pk"] for m in accepted])
        .values("match_id", "side")
        .annotate(spent=Sum("amount_spent"), reached=Sum("beneficiaries_reached"))
    )
    spent: dict[int, tuple[Decimal, int]] = {}
    for row in spent_rows:
        old = spent.get(row["match_id"], (Decimal(0), 0))
        spent[row["match_id"]] = (max(old[0], row["spent"]), max(old[1], row["reached"]))
    kab_names = dict(Region.objects.filter(level=Level.KABUPATEN_KOTA).values_list("code", "name"))
    sectors = dict(Sector.choices)
    tables: dict[str, dict[str, PlanRow]] = {"company": {}, "sector": {}, "kabupaten": {}}
    for m in accepted:
        keys = {
            "company": m["programme__company__name"],
            "sector": str(sectors.get(m["programme__sector"], m["programme__sector"])),
            "kabupaten": kab_names.get(m["proposal__village__code"][:5], m["proposal__village__code"][:5]),
        }
        money, reached = spent.get(m["pk"], (Decimal(0), 0))
        for table, key in keys.items():
            row = tables[table].setdefault(key, PlanRow(label=key))
            row.committed += m["amount"]
            row.spent += money
            row.matches += 1
            row.beneficiaries += reached
    return {name: sorted(rows.values(), key=lambda r: -r.committed) for name, rows in tables.items()}


# Synchronisation board --------------------------------------------------------------------------


@dataclass
class Cell:
    offers: int = 0
    offered: Decimal = Decimal(0)
    needs: int = 0
    needed: Decimal = Decimal(0)


@dataclass
class Board:
    kabupaten: list[Region]
    sectors: list[tuple[str, str]]
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    unreached: list[dict] = field(default_factory=list)
    has_poverty_data: bool = False

    def rows(self):
        for value, label in self.sectors:
            yield label, [self.cells.get((value, k.code), Cell()) for k in self.kabupaten]


def sync_board(*, user, scope_code: str = "65") -> Board:
    """Sector x kabupaten offers vs needs, and the poor villages no open programme reaches.

    Offers count an open programme once in each kabupaten it targets (whole or in part), with its
    budget left; needs are proposals waiting or matched, with what they still need, summed per
    sector and kabupaten in SQL. Only the unreached villages are read as regions (five queries).
    """
    # The kabupaten of the matrix and the codes of the villages in scope, in one read.
    village_scope = f"{scope_code}." if scope_code != "65" else "65."
    regions = list(
        Region.objects.filter(
            Q(level=Level.KABUPATEN_KOTA, code__startswith=scope_code[:2])
            | Q(level=Level.DESA_KELURAHAN, code__startswith=village_scope)
        ).order_by("code")
    )
    kabupaten = [r for r in regions if r.level == Level.KABUPATEN_KOTA]
    if scope_code != "65" and len(scope_code) >= 5:
        kabupaten = [k for k in kabupaten if k.code == scope_code[:5]]
    codes = [r.code for r in regions if r.level == Level.DESA_KELURAHAN]
    board = Board(kabupaten=kabupaten, sectors=list(Sector.choices))
    kab_codes = {k.code for k in kabupaten}
    # Open programmes with their budget left and the codes of their target regions (one query).
    programmes = list(
        Programme.objects.open().with_budget().with_target_codes().values("sector", "budget_left", "target_codes")
    )
    all_kab = [k.code for k in kabupaten]
    for p in programmes:
        reached_kab = set()
        for code in p["target_codes"]:
            reached_kab.update(all_kab if len(code) == 2 else [code[:5]])
        for kab in reached_kab & kab_codes:
            cell = board.cells.setdefault((p["sector"], kab), Cell())
            cell.offers += 1
            cell.offered += max(p["budget_left"], 0)
    needs = (
        policy.scoped(Proposal.objects.all(), user, "csr.board")
        .filter(state__in=(*WAITING_STATES, ProposalState.MATCHED))
        .annotate(kab=Substr("village__code", 1, 5))
        .order_by()
        .values("sector", "kab")
        .annotate(count=Count("pk"), total=Sum("amount_requested"))
    )
    for row in needs:
        if row["kab"] in kab_codes:
            cell = board.cells.setdefault((row["sector"], row["kab"]), Cell())
            cell.needs, cell.needed = row["count"], row["total"]
    # Unreached poor villages: villages with poor families and no open programme targeting them.
    need = inputs.village_need(codes)
    board.has_poverty_data = bool(need)
    # A programme aimed at the whole province reaches a village only where it funds a proposal;
    # one aimed at its kabupaten, kecamatan or the village itself reaches it.
    targets = [c for p in programmes for c in p["target_codes"] if len(c) > 2]
    poor = [
        code
        for code in codes
        if need.get(code, (0, 0))[0] > 0 and not any(code == c or code.startswith(f"{c}.") for c in targets)
    ]
    funded = Match.objects.filter(state__in=LIVE_MATCH_STATES, proposal__village=OuterRef("pk"), amount__gt=0)
    villages = Region.objects.filter(code__in=poor).exclude(Exists(funded)).select_related("parent__parent")
    for v in villages:
        poor_families, families = need[v.code]
        board.unreached.append(
            {
                "village": v,
                "kecamatan": v.parent,
                "kabupaten": v.parent.parent if v.parent else None,
                "poor": poor_families,
                "families": families,
                "share": round(poor_families * 100 / families) if families else 0,
                "funded": Decimal(0),
            }
        )
    board.unreached.sort(key=lambda r: (-r["poor"], r["village"].code))
    return board


def catalogue():
    return (
        Programme.objects.filter(status=ProgrammeStatus.OPEN)
        .with_budget()
        .select_related("company")
        .prefetch_related("target_regions")
        .order_by("sector", "-created_at")
    )


# Allocation planner ----------------------------------------------------------------------------


def planner_inputs(*, user):
    """Open programmes, waiting proposals in the user's scope and poor families per village (4 queries)."""
    from . import matching, planner

    programmes = {
        p.pk: p
        for p in Programme.objects.open().with_budget().select_related("company").prefetch_related("target_regions")
    }
    proposals = {
        p.pk: p
        for p in policy.scoped(Proposal.objects.all(), user, "csr.plan")
        .filter(state__in=WAITING_STATES)
        .with_funding()
        .select_related("village")
        .order_by("submitted_at", "pk")
    }
    offers = [
        planner.Offer(
            id=p.pk,
            available=matching.available(p),
            sector=p.sector,
            target_codes=tuple(p.target_codes),
            accepts=p.accepts,
        )
        for p in programmes.values()
    ]
    needs = [
        planner.Need(
            id=p.pk,
            village_code=p.village.code,
            sector=p.sector,
            amount=matching.remaining_need(p),
            order=i,
            kind=p.proposer_kind,
        )
        for i, p in enumerate(proposals.values())
        if matching.remaining_need(p) > 0
    ]
    need = inputs.village_need({n.village_code for n in needs})
    poor = {code: values[0] for code, values in need.items()}
    return programmes, proposals, offers, needs, poor


# Impact ----------------------------------------------------------------------------------------


def impact(*, user) -> dict:
    """Villages reached (accepted matches) with income before/after from realisation reports, next to
    comparable villages not reached (the other villages of the same kecamatan), in five queries.

    Poor families now come from ``csr.inputs.village_need`` (current figures); their change since
    the programme started from ``csr.inputs.village_poor_by_round`` (``poverty_trend``). Without
    poverty data, or without a round recorded before the start, the page says so rather than
    showing zeros.
    """
    from django.db.models import Avg, Max, Min

    accepted = policy.scoped(Match.objects.all(), user, "match.view").filter(state=MatchState.ACCEPTED)
    reached_rows = list(
        accepted.values("proposal__village__code", "proposal__village__name", "proposal__village__kind")
        .annotate(
            committed=Sum("amount"),
            matches=Count("pk", distinct=True),
            before=Avg("realisations__income_before"),
            after=Avg("realisations__income_after"),
            reached=Max("realisations__beneficiaries_reached"),
            starts=Min("programme__starts_on"),
        )
        .order_by("proposal__village__code")
    )
    reached_codes = {r["proposal__village__code"] for r in reached_rows}
    kecamatan_codes = {c[:8] for c in reached_codes}
    others = list(
        Region.objects.villages()
        .filter(parent__code__in=kecamatan_codes)
        .exclude(code__in=reached_codes)
        .values_list("code", flat=True)
    )
    need = inputs.village_need([*reached_codes, *others])
    by_round = inputs.village_poor_by_round([*reached_codes, *others])
    others_of: dict[str, list[str]] = {}
    for code in others:
        others_of.setdefault(code[:8], []).append(code)
    villages = []
    for r in reached_rows:
        code = r["proposal__village__code"]
        poor, families = need.get(code, (None, None))
        change = None
        if r["before"] and r["after"] is not None:
            change = round((r["after"] - r["before"]) * 100 / r["before"])
        villages.append(
            {
                "code": code,
                "name": r["proposal__village__name"],
                "committed": r["committed"],
                "beneficiaries": r["reached"] or 0,
                "before": r["before"],
                "after": r["after"],
                "change": change,
                "poor": poor,
                "share": round(poor * 100 / families) if families else None,
                "trend": poverty_trend(
                    figures=by_round.get(code, []),
                    starts=r["starts"],
                    comparable=[by_round.get(c, []) for c in others_of.get(code[:8], [])],
                ),
            }
        )
    groups: dict[str, dict] = {}
    for code in sorted(reached_codes | set(others)):
        group = groups.setdefault(code[:8], {"kecamatan": code[:8], "reached": [], "not_reached": []})
        group["reached" if code in reached_codes else "not_reached"].append(code)
    names = dict(Region.objects.filter(code__in=list(groups)).values_list("code", "name"))

    def share(codes):
        known = [need[c] for c in codes if c in need and need[c][1]]
        if not known:
            return None
        return round(sum(p for p, _f in known) * 100 / sum(f for _p, f in known))

    comparison = [
        {
            "kecamatan": names.get(k, k),
            "reached": len(g["reached"]),
            "not_reached": len(g["not_reached"]),
            "share_reached": share(g["reached"]),
            "share_not_reached": share(g["not_reached"]),
        }
        for k, g in sorted(groups.items())
    ]
    return {"villages": villages, "comparison": comparison, "has_poverty_data": bool(need)}


def poverty_trend(
    *, figures: list[inputs.RoundFigure], starts: dt.date | None, comparable: list[list[inputs.RoundFigure]]
) -> dict | None:
    """Poor families (desil 1-4) of a reached village at the last round ending before ``starts`` and at
    its latest round, and the same two rounds averaged over the ``comparable`` villages having both.

    None when no round was recorded for the village before the programme started: there is
    nothing to compare with, and the page says so.
    """
    before = next((f for f in reversed(figures) if starts is not None and f.period_end < starts), None)
    if before is None:
        return None
    latest = figures[-1]
    pairs = []
    for other in comparable:
        poor = {f.round_id: f.poor for f in other}
        if before.round_id in poor and latest.round_id in poor:
            pairs.append((poor[before.round_id], poor[latest.round_id]))
    others = None
    if pairs:
        avg_before = sum(b for b, _l in pairs) / len(pairs)
        avg_latest = sum(lt for _b, lt in pairs) / len(pairs)
        others = {
            "villages": len(pairs),
            "before": round(avg_before, 1),
            "latest": round(avg_latest, 1),
            "change": round(avg_latest - avg_before, 1),
        }
    return {
        "before_round": before.round_name,
        "latest_round": latest.round_name,
        "rounds_since": latest.round_id != before.round_id,
        "before": before.poor,
        "latest": latest.poor,
        "change": latest.poor - before.poor,
        "others": others,
    }


# Companies -------------------------------------------------------------------------------------


def company_list(*, user, q: str = ""):
    rows = (
        Company.objects.visible_to(user)
        .select_related("kabupaten")
        .annotate(programme_count=Count("programmes", distinct=True))
        .order_by("name")
    )
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(business_sector__icontains=q))
    return rows


def company_detail(*, company, user) -> dict:
    """Forum years, representatives and the programmes the user may see (three queries)."""
    from accounts.models import Role, RoleAssignment

    return {
        "memberships": list(company.forum_memberships.all()),
        "representatives": list(
            RoleAssignment.objects.active()
            .filter(company=company, role=Role.COMPANY_REP)
            .select_related("user")
            .order_by("user__first_name")
        ),
        "programmes": list(
            Programme.objects.visible_to(user).filter(company=company).with_budget().order_by("-created_at")
        ),
    }


# Maps --------------------------------------------------------------------------------------------


def board_scope_code(user) -> str:
    """The region the synchronisation board shows: the user's region, or the province for a global role."""
    scope = next((g.region_code for g in policy.grants_for(user, "csr.board") if g.region_code), "65")
    if any(g.is_global for g in policy.grants(user)):
        scope = "65"
    return scope


def board_map(*, user) -> dict:
    """The board's map: the villages of the board's scope, the poor ones no open programme reaches
    (the board's own list, ``sync_board``), and each open programme's target regions."""
    scope = board_scope_code(user)
    board = sync_board(user=user, scope_code=scope)
    villages = Region.objects.villages().filter(code__startswith=f"{scope}.")
    programmes = [
        {"id": p["pk"], "title": p["title"], "targets": sorted(p["target_codes"])}
        for p in Programme.objects.open().with_target_codes().order_by("title").values("pk", "title", "target_codes")
    ]
    return {"board": board, "villages": villages, "programmes": programmes, "scope": scope}
