"""Suppression of small counts, with secondary suppression, for one round's table of areas.

The cells: per area its families ``F``, poor families ``P`` and the others ``N = F - P`` (never
printed, but anyone can subtract). The published figures must satisfy every equation between them:

- per area: ``F = P + N``;
- per area with children in the published tree: ``X(parent) = sum of X(child)`` for X in F, P, N.

Rule (``MIN_COUNT``, default 5, setting ``OPENDATA_MIN_COUNT``):

1. Primary: a count ``0 < n < MIN_COUNT`` is suppressed (shown as "< 5"). A zero is shown: it says
   nothing about any family.
2. Secondary: an equation with exactly one suppressed cell gives it back by subtraction, so one more
   cell of it is suppressed (a part before the total, the smallest non-zero first); repeated until no
   equation has exactly one.
3. Audit: subtractions may also chain across equations. Every suppressed cell that the published
   cells determine (a row of the reduced echelon form of the equations over the suppressed cells is
   that cell alone) gets one more partner in one of its equations; repeated until none is determined.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from fractions import Fraction

Cell = tuple[str, str]  # (area code, "F" | "P" | "N")
Equation = tuple[Cell, tuple[Cell, ...]]  # total, parts

SMALL = "small"
SECONDARY = "secondary"


def equations(parent_of: Mapping[str, str | None]) -> list[Equation]:
    """The equations between the cells of the areas ``parent_of`` names (code -> parent code or None)."""
    children: dict[str, list[str]] = defaultdict(list)
    for code, parent in parent_of.items():
        if parent is not None and parent in parent_of:
            children[parent].append(code)
    result: list[Equation] = [((code, "F"), ((code, "P"), (code, "N"))) for code in sorted(parent_of)]
    for parent in sorted(children):
        kids = sorted(children[parent])
        for var in ("F", "P", "N"):
            result.append(((parent, var), tuple((kid, var) for kid in kids)))
    return result


def suppress(values: Mapping[Cell, int], eqs: list[Equation], min_count: int) -> dict[Cell, str]:
    """The suppressed cells and why (``SMALL`` or ``SECONDARY``)."""
    hidden: dict[Cell, str] = {cell: SMALL for cell, value in values.items() if 0 < value < min_count}
    by_cell: dict[Cell, list[Equation]] = defaultdict(list)
    for eq in eqs:
        for cell in (eq[0], *eq[1]):
            by_cell[cell].append(eq)
    while True:
        _close_single_gaps(values, eqs, hidden)
        exposed = determined(values, eqs, hidden)
        if not exposed:
            return hidden
        for cell in sorted(exposed):
            for eq in by_cell[cell]:
                if _add_partner(values, eq, hidden):
                    break


def _close_single_gaps(values: Mapping[Cell, int], eqs: list[Equation], hidden: dict[Cell, str]) -> None:
    changed = True
    while changed:
        changed = False
        for eq in eqs:
            cells = (eq[0], *eq[1])
            if sum(cell in hidden for cell in cells) == 1:
                changed |= _add_partner(values, eq, hidden)


def _add_partner(values: Mapping[Cell, int], eq: Equation, hidden: dict[Cell, str]) -> bool:
    total, parts = eq
    candidates = [cell for cell in parts if cell not in hidden] or ([total] if total not in hidden else [])
    if not candidates:
        return False
    best = min(candidates, key=lambda cell: (values.get(cell, 0) == 0, values.get(cell, 0), cell))
    hidden[best] = SECONDARY
    return True


def determined(values: Mapping[Cell, int], eqs: Iterable[Equation], hidden: Mapping[Cell, str]) -> set[Cell]:
    """The suppressed cells whose value follows from the shown ones through the equations (exact arithmetic)."""
    unknown = sorted(hidden)
    column = {cell: i for i, cell in enumerate(unknown)}
    rows: list[dict[int, Fraction]] = []
    for total, parts in eqs:
        row: dict[int, Fraction] = {}
        for cell, sign in ((total, 1), *((part, -1) for part in parts)):
            if cell in column:
                row[column[cell]] = row.get(column[cell], Fraction(0)) + sign
        row = {k: v for k, v in row.items() if v}
        if row:
            rows.append(row)
    pivots: dict[int, dict[int, Fraction]] = {}  # pivot column -> its row, normalised to 1 there
    for row in rows:
        for col, pivot_row in pivots.items():
            if col in row:
                factor = row[col]
                for k, v in pivot_row.items():
                    row[k] = row.get(k, Fraction(0)) - factor * v
                row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        col = min(row)
        factor = row[col]
        row = {k: v / factor for k, v in row.items()}
        for other_col, other in pivots.items():
            if col in other:
                f = other[col]
                for k, v in row.items():
                    other[k] = other.get(k, Fraction(0)) - f * v
                pivots[other_col] = {k: v for k, v in other.items() if v}
        pivots[col] = row
    return {unknown[col] for col, row in pivots.items() if len(row) == 1}
