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


def test_the_officer_finds_a_family_by_a_misspelt_name_in_the_draft_and_corrects_it(journey):
    """Issue 15, item 1: the draft's list of families is searched by a misspelt name (a letter dropped
    from a head of family's name); the family page leads back into the open draft."""
    j = journey
    j.login("pengurus", phone=True)
    j.follow(re.compile(r"Desa Gunung Putih: ajukan"))
    submission = j.path()
    families = "#families ~ .table-responsive tbody tr"  # the table of the village's families
    name = j.page.locator(families).nth(1).locator("td").nth(1).inner_text().strip()
    misspelt = name[:-2] + name[-1]  # "Hasan Lahang" -> "Hasan Lahag"
    search = j.page.locator("main form[role=search]")
    search.locator("[name=q]").fill(misspelt)
    j.submit(search.get_by_role("button", name="Cari", exact=True))
    row = j.page.locator(families, has_text=name).first
    assert row.count() == 1, f"{misspelt!r} did not find {name!r}: {j.text()}"
    j.click(row.locator("a").first)
    assert j.path().startswith("/data-kemiskinan/keluarga/"), j.path()
    j.follow("Perbaiki di draf")
    assert j.path().startswith(submission) and j.path().endswith("/ubah/"), j.path()
    j.shot("correct-from-family-page")
