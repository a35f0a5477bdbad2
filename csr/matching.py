"""The explained matching score: one programme against one proposal, term by term.

Each term is a value from 0 to 1 times its weight; the score is their sum (0-100). The weights
live here, in ``WEIGHTS``, and the pages show them. Ranking loads everything it needs in a fixed
number of queries (candidates with their targets, the inputs of ``csr.inputs``, what villages
already received, reports filed), then scores in Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import inputs
from .models import MATCHABLE_STATES, Match, MatchState, Programme, Proposal, Realisation
from .money import rupiah

WEIGHTS: dict[str, int] = {
    "sector": 25,
    "region": 20,
    "budget": 15,
    "need": 20,
    "equity": 10,
    "record": 10,
}
TERM_LABELS = {
    "sector": gettext_lazy("Sector fit"),
    "region": gettext_lazy("Region eligibility"),
    "budget": gettext_lazy("Budget fit"),
    "need": gettext_lazy("Need (poor families)"),
    "equity": gettext_lazy("Equity (CSR already received)"),
    "record": gettext_lazy("Proposer's record"),
}
# A village that already received this much counts as well served (equity term reaches 0.5).
EQUITY_HALF = Decimal(100_000_000)
# Poor families at which the need term's size half saturates.
NEED_FULL = 100
CLASSIFICATION_VALUE = {"tumbuh": 0.4, "berkembang": 0.6, "maju": 0.8, "percontohan": 1.0}


@dataclass
class Term:
    key: str
    value: float  # 0..1
    explanation: str

    @property
    def weight(self) -> int:
        return WEIGHTS[self.key]

    @property
    def label(self):
        return TERM_LABELS[self.key]

    @property
    def points(self) -> float:
        return round(self.value * self.weight, 1)


@dataclass
class Scored:
    programme: Programme
    proposal: Proposal
    terms: list[Term] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(t.points for t in self.terms), 1)

    @property
    def eligible(self) -> bool:
        return self.programme.covers(self.proposal.village.code)

    @property
    def other_sector(self) -> bool:
        """The programme funds another sector than the proposal's (allowed, worth a warning)."""
        return self.programme.sector != self.proposal.sector


@dataclass
class Context:
    """What the score needs beyond the two rows, loaded once for a whole ranking."""

    need: dict[str, tuple[int, int]]
    received: dict[str, Decimal]
    record: dict[str, tuple[str | None, int]]
    reports: dict[str, tuple[int, int]]  # village -> (accepted matches, of which with a report)

    @classmethod
    def load(cls, village_codes: Iterable[str]) -> Context:
        codes = sorted(set(village_codes))
        accepted = accepted_by_village(codes)
        return cls(
            need=inputs.village_need(codes),
            received={code: total for code, (total, _count, _reported) in accepted.items()},
            record=inputs.proposer_record(codes),
            reports={code: (count, reported) for code, (_total, count, reported) in accepted.items()},
        )


def accepted_by_village(codes: list[str]) -> dict[str, tuple[Decimal, int, int]]:
    """Per village: the CSR money of its accepted matches, how many there are and how many of them
    have a realisation report (one aggregate query)."""
    reported = Exists(Realisation.objects.filter(match=OuterRef("pk")))
    rows = (
        Match.objects.filter(state=MatchState.ACCEPTED, proposal__village__code__in=codes)
        .order_by()
        .values("proposal__village__code")
        .annotate(total=Sum("amount"), accepted=Count("pk"), reported=Count("pk", filter=Q(reported)))
    )
    return {r["proposal__village__code"]: (r["total"], r["accepted"], r["reported"]) for r in rows}


def remaining_need(proposal: Proposal) -> Decimal:
    pledged = getattr(proposal, "pledged", None) or Decimal(0)
    return max(proposal.amount_requested - pledged, Decimal(0))


def available(programme: Programme) -> Decimal:
    """Budget a new confirmation may use: left after accepted matches, minus those awaiting the company."""
    left = getattr(programme, "budget_left", programme.budget)
    reserved = getattr(programme, "reserved", Decimal(0))
    return max(left - reserved, Decimal(0))


def score(programme: Programme, proposal: Proposal, ctx: Context) -> Scored:
    code = proposal.village.code
    terms = []
    # Sector
    if programme.sector == proposal.sector:
        terms.append(Term("sector", 1.0, _("Same sector: %(sector)s.") % {"sector": programme.get_sector_display()}))
    else:
        terms.append(
            Term(
                "sector",
                0.0,
                _("The programme funds %(p)s; the proposal is about %(q)s.")
                % {"p": programme.get_sector_display(), "q": proposal.get_sector_display()},
            )
        )
    # Region
    if programme.covers(code):
        terms.append(Term("region", 1.0, _("The village lies within the programme's target regions.")))
    else:
        terms.append(Term("region", 0.0, _("The village lies outside the programme's target regions.")))
    # Budget
    need = remaining_need(proposal)
    free = available(programme)
    if need <= 0:
        terms.append(Term("budget", 1.0, _("The proposal is already fully pledged.")))
    elif free >= need:
        terms.append(
            Term(
                "budget",
                1.0,
                _("Budget available %(free)s covers the %(need)s still needed.")
                % {"free": rupiah(free), "need": rupiah(need)},
            )
        )
    else:
        terms.append(
            Term(
                "budget",
                float(free / need),
                _("Budget available %(free)s covers part of the %(need)s still needed.")
                % {"free": rupiah(free), "need": rupiah(need)},
            )
        )
    # Need
    if code in ctx.need and ctx.need[code][1] > 0:
        poor, families = ctx.need[code]
        share = poor / families
        value = 0.5 * min(poor / NEED_FULL, 1.0) + 0.5 * share
        terms.append(
            Term(
                "need",
                value,
                _("%(poor)s poor families (desil 1-4) of %(families)s families: %(share)s%%.")
                % {"poor": poor, "families": families, "share": round(share * 100)},
            )
        )
    else:
        terms.append(Term("need", 0.0, _("No poverty data yet for this village.")))
    # Equity
    received = ctx.received.get(code, Decimal(0))
    value = float(EQUITY_HALF / (EQUITY_HALF + received))
    if received:
        terms.append(
            Term("equity", value, _("The village already received %(amount)s of CSR.") % {"amount": rupiah(received)})
        )
    else:
        terms.append(Term("equity", value, _("The village has received no CSR through the portal yet.")))
    # Record: classification of its Karang Taruna and reporting (registry + own reports)
    classification, registry_reports = ctx.record.get(code, (None, 0))
    accepted, reported = ctx.reports.get(code, (0, 0))
    class_value = CLASSIFICATION_VALUE.get(classification or "", 0.5)
    report_value = reported / accepted if accepted else 0.5
    if registry_reports:
        report_value = min(1.0, report_value + 0.1)
    parts = [
        _("classification %(c)s") % {"c": classification} if classification else _("no classification yet"),
        _("%(reported)s of %(accepted)s funded proposals reported") % {"reported": reported, "accepted": accepted}
        if accepted
        else _("no funded proposal yet"),
        _("%(n)s realisations in the registry") % {"n": registry_reports},
    ]
    terms.append(Term("record", 0.5 * class_value + 0.5 * report_value, "; ".join(str(p) for p in parts) + "."))
    return Scored(programme=programme, proposal=proposal, terms=terms)


def rank_programmes(proposal: Proposal, *, programmes=None, limit: int = 20) -> list[Scored]:
    """Open programmes for ``proposal``, best first: same sector or eligible region, scored.

    ``proposal`` should carry ``pledged`` (``Proposal.objects.with_funding()``); ``programmes``
    narrows the candidates (e.g. ``Programme.objects.visible_to(user)``).
    """
    base = programmes if programmes is not None else Programme.objects.all()
    candidates = list(
        base.open()
        .filter(Q(sector=proposal.sector) | Q(pk__in=Programme.objects.eligible_for(proposal.village.code)))
        .with_budget()
        .with_target_codes()
        .select_related("company")
    )
    candidates = [p for p in candidates if p.accepts_kind(proposal.proposer_kind)]
    # Need, equity and record depend on the village only, the same for every programme: the order
    # follows from region, sector and budget, so only the programmes shown get the full explanation.
    need = remaining_need(proposal)

    def order(p: Programme):
        budget = 1.0 if need <= 0 or available(p) >= need else float(available(p) / need)
        quick = (
            WEIGHTS["sector"] * (p.sector == proposal.sector)
            + WEIGHTS["region"] * p.covers(proposal.village.code)
            + WEIGHTS["budget"] * budget
        )
        return (not p.covers(proposal.village.code), -round(quick, 1), p.pk)

    shown = sorted(candidates, key=order)[:limit]
    ctx = Context.load([proposal.village.code])
    ranked = [score(p, proposal, ctx) for p in shown]
    ranked.sort(key=lambda s: (not s.eligible, -s.score, s.programme.pk))
    return ranked


def rank_proposals(programme: Programme, proposals, *, limit: int = 50) -> list[Scored]:
    """Waiting proposals ``programme`` could fund (eligible village, accepted proposer kind), best first.

    ``programme`` should carry the ``with_budget()`` annotations; ``proposals`` is a queryset
    already narrowed by the policy.
    """
    rows = list(
        proposals.filter(state__in=MATCHABLE_STATES)
        .filter(pk__in=Proposal.objects.filter(_eligible_q(programme)).values("pk"))
        .with_funding()
        .select_related("village")
    )
    rows = [p for p in rows if programme.accepts_kind(p.proposer_kind) and remaining_need(p) > 0]
    ctx = Context.load(p.village.code for p in rows)
    ranked = [score(programme, p, ctx) for p in rows]
    ranked.sort(key=lambda s: (-s.score, s.proposal.pk))
    return ranked[:limit]


def _eligible_q(programme: Programme) -> Q:
    q = Q(pk__in=[])
    for code in programme.target_codes:
        q |= Q(village__code=code) | Q(village__code__startswith=f"{code}.")
    return q


def weights_table() -> list[tuple]:
    return [(TERM_LABELS[k], w) for k, w in WEIGHTS.items()]
