"""Programmes: a company creates, opens and edits its own; the budget never drops below what is held."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from csr import services


def _create(user, company, region_tree, **extra):
    data = {
        "title": "Beasiswa",
        "sector": "education",
        "budget": 10_000_000,
        "starts_on": dt.date(2026, 1, 1),
        "ends_on": dt.date(2026, 12, 31),
        "target_regions": [region_tree.bulungan],
    }
    data.update(extra)
    return services.programme_create(user=user, company=company, **data)


def test_a_representative_creates_a_draft_and_opens_it(company_rep, companies, region_tree):
    programme = _create(company_rep, companies.mine, region_tree)
    assert programme.status == "draft" and programme.target_codes == ["65.01"]
    services.programme_set_status(user=company_rep, programme=programme, status="open")
    programme.refresh_from_db()
    assert programme.status == "open"


def test_a_representative_cannot_create_for_another_company(company_rep, companies, region_tree):
    with pytest.raises(PermissionDenied):
        _create(company_rep, companies.other, region_tree)


def test_staff_cannot_create_programmes(province_staff, companies, region_tree):
    with pytest.raises(PermissionDenied):
        _create(province_staff, companies.mine, region_tree)


def test_a_period_ending_before_it_starts_is_refused(company_rep, companies, region_tree):
    with pytest.raises(ValidationError, match="berakhir sebelum dimulai"):
        _create(company_rep, companies.mine, region_tree, ends_on=dt.date(2025, 1, 1))


def test_the_budget_cannot_drop_below_what_matches_hold(proposal, programme, province_staff, company_rep):
    services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=40_000_000)
    with pytest.raises(ValidationError, match="tidak boleh kurang dari Rp 40.000.000"):
        services.programme_update(user=company_rep, programme=programme, budget=30_000_000)
    services.programme_update(user=company_rep, programme=programme, budget=40_000_000)
