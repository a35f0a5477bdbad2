"""Scope filters are prefix queries on village codes: PostgreSQL needs a pattern index for them."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("table", ["poverty_data_family", "poverty_data_submission"])
def test_village_code_prefix_queries_have_a_pattern_index_on_postgresql(db, table):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        definitions = [row[0] for row in cursor.fetchall()]
    assert any("varchar_pattern_ops" in d and "(village_code" in d for d in definitions), definitions


def test_the_village_page_lists_families_in_order_from_an_index_without_sorting_the_village(region_tree):
    """A village of 16,500 families (seed_demo --scale 50) took 35 ms a page sorting them all."""
    from django.db import connection

    from poverty_data import selectors

    page = selectors.families_of_village(village=region_tree.village, filters=selectors.FamilyFilters())[:25]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")  # a sort is then only chosen when no index gives the order
        plan = page.explain()
    assert "Sort Key: poverty_data_family.dusun" not in plan, plan


def test_the_dashboard_groupings_have_statistics_so_postgresql_hashes_instead_of_sorting(db):
    """National scale: 83,762 village rows sorted by a code prefix spilled to disk (400 ms)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_statisticsobjdef(oid) FROM pg_statistic_ext WHERE stxrelid = 'poverty_data_villagestats'::regclass"
        )
        definitions = " ".join(row[0] for row in cursor.fetchall())
    assert '"substring"(village_code::text, 1, 5)' in definitions, definitions
    assert '"substring"(village_code::text, 1, 8)' in definitions, definitions
