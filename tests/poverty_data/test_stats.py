"""The per-village summaries: kept by the services, snapshotted per round, rebuilt by the command."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from poverty_data import services
from poverty_data.models import Family, Member, SubmissionState, VillageRoundStats, VillageStats
from poverty_data.stats import village_stats_refresh

from .conftest import make_families
from .test_finalise import propose_everything
from .test_submission_services import to_state

S = SubmissionState
FIGURES = [f.name for f in VillageStats._meta.concrete_fields if f.name not in ("id", "updated_at")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def maintained() -> dict[str, dict]:
    return {row["village_code"]: row for row in VillageStats.objects.values(*FIGURES)}


def recomputed() -> dict[str, dict]:
    kept = maintained()
    village_stats_refresh()
    rebuilt = maintained()
    assert kept == rebuilt
    return rebuilt


def test_the_maintained_table_equals_a_full_recomputation_after_loads_and_a_finalisation(
    draft, chain, families, other_families, region_tree
):
    make_families(region_tree.village_same_kab, 4, start=700, desil=1)
    assert set(recomputed()) == {"65.01.01.2005", "65.03.01.2001", region_tree.village_same_kab.code}
    taken = other_families[0].members.first().nik
    propose_everything(draft, chain.officer, families)
    change = services.change_member_add(
        user=chain.officer,
        submission=draft,
        expected_version=None,
        family=families[1],
        data={"nik": taken, "name": "Pendatang", "sex": "L", "relationship": "other"},
    )
    to_state(draft, S.APPROVED, chain)
    services.change_resolve_duplicate(user=chain.province, submission=draft, change=change, reason="Sudah pindah")
    services.submission_finalise(user=chain.province, submission=draft)
    stats = recomputed()
    # The other village's member now shares a NIK: its figures changed although it was not edited.
    assert stats["65.03.01.2001"]["nik_duplicate"] == 1
    assert stats["65.01.01.2005"]["nik_duplicate"] == 1


def test_it_counts_what_the_dashboard_shows_for_a_village(region_tree):
    families = make_families(region_tree.village, 5, desil=4)
    Family.objects.filter(pk=families[0].pk).update(receives_pkh=True, desil=9)
    Family.objects.filter(pk=families[1].pk).update(other_assistance="Bantuan kabupaten")
    Member.objects.filter(family=families[2]).update(nik_valid=False)
    village_stats_refresh(codes=[region_tree.village.code])
    row = VillageStats.objects.get(village_code=region_tree.village.code)
    assert (row.families, row.desil_4, row.desil_9, row.poor4, row.poor5) == (5, 4, 1, 4, 4)
    assert (row.poor_pkh, row.poor_no_assistance, row.nik_invalid, row.nik_duplicate) == (0, 3, 2, 0)
    assert row.village == region_tree.village


def test_finalising_records_the_villages_figures_for_the_round(draft, chain, families, open_round):
    propose_everything(draft, chain.officer, families)
    to_state(draft, S.FINALISED, chain)
    snapshot = VillageRoundStats.objects.get(round=open_round, village_code="65.01.01.2005")
    # three families, one deactivated, one new in desil 1, one corrected to desil 2: all poor
    assert (snapshot.families, snapshot.poor4, snapshot.desil_1, snapshot.desil_2) == (3, 3, 1, 1)


def test_closing_a_round_records_the_villages_without_a_finalised_submission(
    open_round, province_staff, families, other_families
):
    services.round_close(user=province_staff, round=open_round)
    recorded = dict(VillageRoundStats.objects.filter(round=open_round).values_list("village_code", "families"))
    assert recorded == {"65.01.01.2005": 3, "65.03.01.2001": 2}


def test_a_write_outside_the_services_is_repaired_by_the_command_for_one_region(region_tree):
    make_families(region_tree.village, 3, desil=9)
    make_families(region_tree.other_village, 2, start=500, desil=9)
    Family.objects.update(desil=1)
    out = io.StringIO()
    call_command("refresh_poverty_stats", "--region", "65.01", stdout=out)
    assert "1 villages" in out.getvalue()
    assert dict(VillageStats.objects.values_list("village_code", "poor4")) == {"65.01.01.2005": 3, "65.03.01.2001": 0}
    call_command("refresh_poverty_stats", stdout=io.StringIO())
    assert VillageStats.objects.get(village_code="65.03.01.2001").poor4 == 2


def test_the_command_refuses_an_unknown_region(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("refresh_poverty_stats", "--region", "99.99", stdout=io.StringIO())


def test_a_large_load_on_postgresql_gives_the_planner_statistics_first(region_tree, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(services.loading, "ANALYZE_AFTER_MEMBERS", 4)
    with CaptureQueriesContext(connection) as ctx:
        make_families(region_tree.village, 2)
    assert any(q["sql"].startswith("ANALYZE") for q in ctx.captured_queries)
    assert VillageStats.objects.get(village_code=region_tree.village.code).families == 2
