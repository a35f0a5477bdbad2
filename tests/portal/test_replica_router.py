"""The read replica: dashboards and exports read from it, everything else from the primary.

The tests run with the replica alias pointing at the test database itself (settings make it a
test mirror of "default", as DATABASE_REPLICA_URL=<the same URL> would in production), and
look at which connection each query went through. Transactional tests: the replica is a second
connection, which sees only committed rows, as a real replica would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from accounts.models import PersonalDataAccess
from kaltara_portal.db_router import use_replica
from poverty_imports.exports import export_write
from regions.models import Region
from tests.poverty_data.conftest import make_families

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

DASHBOARD = "/data-kemiskinan/dasbor/"


@pytest.fixture
def replica_on(settings):
    settings.REPLICA_DATABASE_ALIAS = "replica"


def _tables(queries: CaptureQueriesContext, prefix: str) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if prefix in q["sql"]]


def test_the_poverty_dashboard_reads_its_figures_from_the_replica(client, province_staff, region_tree, replica_on):
    make_families(region_tree.village, 3, desil=2)
    client.force_login(province_staff)
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["stats"]["total"] == 3
    assert _tables(replica, "poverty_data_")
    assert _tables(primary, "poverty_data_") == []


def test_without_a_replica_the_dashboard_reads_from_the_primary(client, province_staff, region_tree):
    make_families(region_tree.village, 3, desil=2)
    client.force_login(province_staff)
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = client.get(DASHBOARD)
    assert response.context["stats"]["total"] == 3
    assert replica.captured_queries == []
    assert _tables(primary, "poverty_data_")


def test_the_registry_dashboard_and_the_csr_board_read_from_the_replica(client, province_staff, replica_on):
    client.force_login(province_staff)
    for url, table in [("/organisasi/dasbor/", "organisations_"), ("/csr/papan-sinkronisasi/", "csr_")]:
        with CaptureQueriesContext(connections["replica"]) as replica:
            assert client.get(url).status_code == 200
        assert _tables(replica, table), url


def test_a_streamed_list_export_reads_its_rows_from_the_replica(client, province_staff, replica_on):
    client.force_login(province_staff)
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = client.get("/organisasi/?export=csv")
        body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv") and body
    assert _tables(replica, "organisations_organisation")
    assert _tables(primary, "organisations_organisation") == []


def test_the_background_export_reads_members_from_the_replica_and_logs_on_the_primary(
    province_staff, region_tree, replica_on
):
    make_families(region_tree.village, 2)
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        _handle, rows = export_write(user=province_staff, region_code="65", fmt="csv")
    assert rows == 4
    assert _tables(replica, "poverty_data_member")
    assert _tables(primary, "poverty_data_member") == []
    assert PersonalDataAccess.objects.filter(user=province_staff, action="export", rows=4).exists()


def test_writes_inside_a_replica_block_go_to_the_primary(region_tree, replica_on):
    with use_replica():
        with CaptureQueriesContext(connections["replica"]) as replica:
            Region.objects.filter(code="65").update(name="Kaltara")
            found = Region.objects.get(code="65").name
    assert found == "Kaltara"
    assert [q["sql"] for q in replica.captured_queries if q["sql"].startswith("UPDATE")] == []
    assert any(q["sql"].startswith("SELECT") for q in replica.captured_queries)


def _databases_in_a_fresh_process(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DATABASE_REPLICA_URL"}}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(sorted(s.DATABASES), s.REPLICA_DATABASE_ALIAS, s.DATABASES.get('replica', {}).get('NAME'))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "kaltara_portal.settings", "DEBUG": "1", **env},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.mark.django_db(databases=[])
def test_the_replica_exists_only_when_database_replica_url_is_set(tmp_path):
    primary = f"sqlite:///{tmp_path}/primary.sqlite3"
    assert _databases_in_a_fresh_process(DATABASE_URL=primary) == "['default'] None None"
    with_replica = _databases_in_a_fresh_process(
        DATABASE_URL=primary, DATABASE_REPLICA_URL=f"sqlite:///{tmp_path}/replica.sqlite3"
    )
    assert with_replica == f"['default', 'replica'] replica {tmp_path}/replica.sqlite3"
