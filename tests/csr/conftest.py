"""CSR fixtures: programmes and proposals built straight in the database, and fake inputs.

``companies.mine`` (represented by ``company_rep``) runs programmes targeting Bulungan (65.01);
the ``officer`` and ``village_head`` belong to village 65.01.01.2005, inside it; the
``other_officer``'s village 65.03.01.2001 lies in Nunukan, outside.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from csr import inputs
from tests.factories import ProgrammeFactory, ProposalFactory


@pytest.fixture
def make_programme(region_tree, companies):
    def make(*, company=None, targets=("65.01",), budget=100_000_000, sector="education", status="open", **extra):
        return ProgrammeFactory(
            company=company or companies.mine,
            sector=sector,
            budget=Decimal(budget),
            status=status,
            targets=[region_tree.by_code[c] for c in targets],
            **extra,
        )

    return make


@pytest.fixture
def make_proposal(region_tree, officer):
    def make(*, village=None, state="submitted", amount=50_000_000, sector="education", by=None, **extra):
        return ProposalFactory(
            village=village or region_tree.village,
            sector=sector,
            amount_requested=Decimal(amount),
            state=state,
            created_by=by or officer,
            **extra,
        )

    return make


@pytest.fixture
def programme(make_programme):
    """An open education programme of ``companies.mine`` for Bulungan, Rp 100 juta."""
    return make_programme()


@pytest.fixture
def proposal(make_proposal):
    """A submitted education proposal of the officer's village (Gunung Putih), Rp 50 juta."""
    return make_proposal()


@pytest.fixture
def other_proposal(make_proposal, region_tree, other_officer):
    return make_proposal(village=region_tree.other_village, by=other_officer)


@pytest.fixture
def poverty(monkeypatch):
    """Poverty data as ``poverty_data`` will give it: {village code: (poor families, families)}."""
    data: dict[str, tuple[int, int]] = {}
    monkeypatch.setattr(inputs, "village_need", lambda codes: {c: data[c] for c in codes if c in data})
    return data


@pytest.fixture
def records(monkeypatch):
    data: dict[str, tuple[str | None, int]] = {}
    monkeypatch.setattr(inputs, "proposer_record", lambda codes: {c: data[c] for c in codes if c in data})
    return data
