"""Scope filters are prefix queries on village codes: PostgreSQL needs a pattern index for them."""

from __future__ import annotations

import pytest


@pytest.mark.postgres
@pytest.mark.parametrize("table", ["poverty_data_family", "poverty_data_submission"])
def test_village_code_prefix_queries_have_a_pattern_index_on_postgresql(db, table):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's LIKE uses the plain index")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        definitions = [row[0] for row in cursor.fetchall()]
    assert any("varchar_pattern_ops" in d and "(village_code" in d for d in definitions), definitions
