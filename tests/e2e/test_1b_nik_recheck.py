"""Journey 7: the live NIK check follows the sex and the birth date. A NIK typed first looks right;
choosing "P" (a woman's NIK adds 40 to the day of birth) or another birth date checks it again.

It runs before journey 2 (file order), while the village's draft is still open, and saves nothing."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e

NIK = "6501011203909901"  # born 12-03-1990, written as a man's NIK (day 12, not 52)


def test_the_nik_is_checked_again_when_the_sex_or_the_birth_date_changes(journey):
    j = journey
    j.login("pengurus", phone=True)
    j.follow(re.compile(r"Desa Gunung Putih: ajukan"))
    j.follow("Tambah keluarga baru")
    form = j.page.locator("main form[method=post]")
    check = j.page.locator("#nikcheck-m0")

    form.locator("[name=m0-nik]").fill(NIK)
    check.get_by_text("NIK tampak benar.").wait_for()

    form.locator("[name=m0-sex]").select_option("P")
    check.locator(".text-warning-emphasis").wait_for()
    assert "NIK tampak benar." not in check.inner_text()
    j.shot("nik-recheck-sex")

    form.locator("[name=m0-sex]").select_option("L")
    check.get_by_text("NIK tampak benar.").wait_for()

    form.locator("[name=m0-birth_date]").fill("1985-01-01")
    check.locator(".text-warning-emphasis").wait_for()
    assert "NIK tampak benar." not in check.inner_text()
