"""The allocation planner: which waiting proposal should which open programme fund?

Objective (shown on the page): **maximise the poor families reached** — the sum, over the
villages that get at least one funded proposal, of the village's poor families (desil 1-4,
from ``csr.inputs.village_need``) — subject to, for every programme, the money allocated
staying within what it has available (budget left minus matches awaiting the company), and
every pair being eligible: same sector, the village within the programme's target regions, a
proposer kind the programme funds. A planned proposal is funded whole (what it still needs)
by one programme; staff may still split a proposal by hand on its matching page.

The problem is a multiple-knapsack variant (NP-hard), so the planner is a heuristic with a
guarantee against the baseline:

1. *first come* (the baseline): proposals in submission order, each to the first eligible
   programme that still has enough money;
2. *ratio greedy*: proposals by poor families reached per rupiah (a village counts once),
   each to the eligible programme with the smallest sufficient budget (best fit keeps large
   budgets free for large proposals);
3. both are improved by *swaps*: an unfunded proposal whose village is not reached replaces
   a funded one in the same programme when that gains poor families and the budget allows;
4. the better of the two improved plans is suggested, so the plan never reaches fewer poor
   families than first come; leftover money then funds remaining eligible proposals in
   submission order (this reaches no more poor families but wastes nothing).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Offer:
    id: int
    available: Decimal
    sector: str
    target_codes: tuple[str, ...]
    accepts: str = "any"


@dataclass(frozen=True)
class Need:
    id: int
    village_code: str
    sector: str
    amount: Decimal
    order: int  # submission order
    kind: str = "karang_taruna"


@dataclass
class Plan:
    pairs: dict[int, int] = field(default_factory=dict)  # need id -> offer id
    poor_reached: int = 0
    villages_reached: int = 0
    money: Decimal = Decimal(0)

    @property
    def proposals(self) -> int:
        return len(self.pairs)


def _ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def eligible_offers(offers: list[Offer], needs: list[Need]) -> dict[int, list[int]]:
    """need id -> ids of the offers that may fund it (whatever their money), via a (sector, code) index."""
    index: dict[tuple[str, str], list[Offer]] = defaultdict(list)
    for offer in offers:
        for code in offer.target_codes:
            index[(offer.sector, code)].append(offer)
    result: dict[int, list[int]] = {}
    for need in needs:
        found: dict[int, None] = {}
        for code in _ancestors(need.village_code):
            for offer in index.get((need.sector, code), ()):
                if offer.accepts in ("any", need.kind):
                    found[offer.id] = None
        result[need.id] = sorted(found)
    return result


class _State:
    def __init__(self, offers, needs, poor):
        self.left = {o.id: o.available for o in offers}
        self.need = {n.id: n for n in needs}
        self.poor = poor
        self.pairs: dict[int, int] = {}
        self.by_offer: dict[int, set[int]] = defaultdict(set)
        self.village_count: dict[str, int] = defaultdict(int)

    def gain(self, need: Need) -> int:
        return 0 if self.village_count[need.village_code] else self.poor.get(need.village_code, 0)

    def loss(self, need: Need) -> int:
        return self.poor.get(need.village_code, 0) if self.village_count[need.village_code] == 1 else 0

    def fund(self, need: Need, offer_id: int) -> None:
        self.pairs[need.id] = offer_id
        self.by_offer[offer_id].add(need.id)
        self.left[offer_id] -= need.amount
        self.village_count[need.village_code] += 1

    def unfund(self, need: Need) -> None:
        offer_id = self.pairs.pop(need.id)
        self.by_offer[offer_id].discard(need.id)
        self.left[offer_id] += need.amount
        self.village_count[need.village_code] -= 1

    def plan(self) -> Plan:
        reached = {self.need[n].village_code for n in self.pairs}
        return Plan(
            pairs=dict(self.pairs),
            poor_reached=sum(self.poor.get(c, 0) for c in reached),
            villages_reached=len(reached),
            money=sum((self.need[n].amount for n in self.pairs), Decimal(0)),
        )


def _first_come(state: _State, needs: list[Need], eligible: dict[int, list[int]]) -> None:
    for need in sorted(needs, key=lambda n: n.order):
        if need.id in state.pairs:
            continue
        for offer_id in eligible[need.id]:
            if state.left[offer_id] >= need.amount:
                state.fund(need, offer_id)
                break


def _ratio_greedy(state: _State, needs: list[Need], eligible: dict[int, list[int]]) -> None:
    def key(n: Need):
        value = state.poor.get(n.village_code, 0)
        return (-(value / float(n.amount)) if n.amount else -float(value) * 1e12, n.order)

    for need in sorted(needs, key=key):
        if state.gain(need) <= 0:
            continue
        fits = [o for o in eligible[need.id] if state.left[o] >= need.amount]
        if fits:
            state.fund(need, min(fits, key=lambda o: (state.left[o], o)))


def _improve(state: _State, needs: list[Need], eligible: dict[int, list[int]], max_rounds: int = 3) -> None:
    """Swaps: fund an unfunded need from a programme by dropping one funded need there, when that gains."""
    for _round in range(max_rounds):
        improved = False
        waiting = sorted(
            (n for n in needs if n.id not in state.pairs and state.gain(n) > 0),
            key=lambda n: (-state.gain(n), n.order),
        )
        for need in waiting:
            gain = state.gain(need)
            if gain <= 0 or need.id in state.pairs:
                continue
            fits = [o for o in eligible[need.id] if state.left[o] >= need.amount]
            if fits:
                state.fund(need, min(fits, key=lambda o: (state.left[o], o)))
                improved = True
                continue
            best = None
            for offer_id in eligible[need.id]:
                room = state.left[offer_id]
                for other_id in state.by_offer[offer_id]:
                    other = state.need[other_id]
                    if room + other.amount < need.amount:
                        continue
                    net = gain - state.loss(other)
                    if other.village_code == need.village_code:
                        continue
                    if net > 0 and (best is None or net > best[0]):
                        best = (net, offer_id, other)
            if best is not None:
                _net, offer_id, other = best
                state.unfund(other)
                state.fund(need, offer_id)
                improved = True
        if not improved:
            break


def plan_allocation(offers: list[Offer], needs: list[Need], poor: dict[str, int]) -> tuple[Plan, Plan]:
    """(suggested plan, first-come plan) for ``offers`` and ``needs``; see the module docstring."""
    eligible = eligible_offers(offers, needs)
    baseline = _State(offers, needs, poor)
    _first_come(baseline, needs, eligible)
    greedy = baseline.plan()

    candidates = []
    for start in ("ratio", "first_come"):
        state = _State(offers, needs, poor)
        if start == "ratio":
            _ratio_greedy(state, needs, eligible)
        else:
            _first_come(state, needs, eligible)
        _improve(state, needs, eligible)
        candidates.append(state)
    best = max(candidates, key=lambda s: (s.plan().poor_reached, len(s.pairs)))
    _first_come(best, needs, eligible)  # leftover money funds remaining eligible proposals
    return best.plan(), greedy
