"""The read replica: dashboards and exports read from it; writes and access decisions never do.

Against a real streaming replica of the test database (tests/replica.py: scripts/replica makes one on
127.0.0.1:5433 from the tests' own server). Transactional tests: the replica sees only committed rows.
Each test first lets the replica catch up; the lag tests then pause its replay, so what the primary
commits afterwards is not on the replica yet, as under load or after a network hiccup.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.test.utils import CaptureQueriesContext

from accounts.models import PersonalDataAccess, RoleAssignment, User
from accounts.services import role_revoke
from core.db_router import use_replica
from poverty_data.models import Family, PokjaMember
from poverty_imports.exports import export_write
from regions.models import Region
from tests import replica
from tests.poverty_data.conftest import make_families

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

DASHBOARD = "/data-kemiskinan/dasbor/"
REGISTRY_DASHBOARD = "/organisasi/dasbor/"
CSR_BOARD = "/csr/papan-sinkronisasi/"


@pytest.fixture
def replica_ready(streaming_replica):
    """The replica, to this test alone (pauses stop it for everyone), holding the test database."""
    with replica.turn():
        replica.catch_up()
        yield


@pytest.fixture
def replica_on(replica_ready, settings):
    settings.REPLICA_DATABASE_ALIAS = "replica"


def _tables(queries: CaptureQueriesContext, prefix: str) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if prefix in q["sql"]]


def _on_replica(sql: str, *params) -> list[tuple]:
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_the_replica_is_a_real_streaming_copy_of_the_test_database(region_tree, replica_on):
    replica.catch_up()
    assert _on_replica("SELECT pg_is_in_recovery()") == [(True,)]
    assert _on_replica("SELECT name FROM regions_region WHERE code = %s", "65") == [("Kalimantan Utara",)]
    with replica.replay_paused():
        Region.objects.filter(code="65").update(name="Kaltara")
        assert _on_replica("SELECT name FROM regions_region WHERE code = %s", "65") == [("Kalimantan Utara",)]
    replica.catch_up()
    assert _on_replica("SELECT name FROM regions_region WHERE code = %s", "65") == [("Kaltara",)]


def test_the_poverty_dashboard_reads_its_figures_from_the_replica(client, province_staff, region_tree, replica_on):
    make_families(region_tree.village, 3, desil=2)
    client.force_login(province_staff)
    replica.catch_up()
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["stats"]["total"] == 3
    assert _tables(on_replica, "poverty_data_")
    assert _tables(on_primary, "poverty_data_") == []


def test_without_a_replica_the_dashboard_reads_from_the_primary(
    client, province_staff, region_tree, settings, replica_ready
):
    assert settings.REPLICA_DATABASE_ALIAS is None
    make_families(region_tree.village, 3, desil=2)
    client.force_login(province_staff)
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(DASHBOARD)
    assert response.context["stats"]["total"] == 3
    assert on_replica.captured_queries == []
    assert _tables(on_primary, "poverty_data_")


def test_the_registry_dashboard_and_the_csr_board_read_from_the_replica(client, province_staff, replica_on):
    client.force_login(province_staff)
    replica.catch_up()
    for url, table in [(REGISTRY_DASHBOARD, "organisations_"), (CSR_BOARD, "csr_")]:
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            assert client.get(url).status_code == 200
        assert _tables(on_replica, table), url


def test_a_streamed_list_export_reads_its_rows_from_the_replica(client, province_staff, replica_on):
    client.force_login(province_staff)
    replica.catch_up()
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get("/organisasi/?export=csv")
        body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv") and body
    assert _tables(on_replica, "organisations_organisation")
    assert _tables(on_primary, "organisations_organisation") == []


def test_the_background_export_reads_members_from_the_replica_and_logs_on_the_primary(
    province_staff, region_tree, replica_on
):
    make_families(region_tree.village, 2)
    replica.catch_up()
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        _handle, rows = export_write(user=province_staff, region_code="65", fmt="csv")
    assert rows == 4
    assert _tables(on_replica, "poverty_data_member")
    assert _tables(on_primary, "poverty_data_member") == []
    assert PersonalDataAccess.objects.filter(user=province_staff, action="export", rows=4).exists()


def test_writes_inside_a_replica_block_go_to_the_primary(region_tree, replica_on):
    replica.catch_up()
    with use_replica():
        with (
            CaptureQueriesContext(connections["replica"]) as on_replica,
            CaptureQueriesContext(connections["default"]) as on_primary,
        ):
            Region.objects.filter(code="65").update(name="Kaltara")
            Region.objects.get(code="65")
    assert [q["sql"] for q in on_replica.captured_queries if q["sql"].startswith("UPDATE")] == []
    assert [q["sql"] for q in on_primary.captured_queries if q["sql"].startswith("UPDATE")]
    assert any(q["sql"].startswith("SELECT") for q in on_replica.captured_queries)


def test_what_access_decisions_rest_on_is_read_from_the_primary_even_inside_a_replica_block(replica_on):
    with use_replica():
        for model in (User, RoleAssignment, Session, PokjaMember):
            assert router.db_for_read(model) == "default", model
        assert router.db_for_read(Family) == "replica"


# ---------------------------------------------------------------------------- a lagging replica


@pytest.mark.parametrize("url", [DASHBOARD, REGISTRY_DASHBOARD, CSR_BOARD])
def test_a_revoked_kabupaten_role_is_refused_while_the_replica_lags(
    client, kabupaten_staff, region_tree, replica_on, url
):
    make_families(region_tree.village, 2)
    client.force_login(kabupaten_staff)
    replica.catch_up()
    assert client.get(url).status_code == 200
    assignment = RoleAssignment.objects.get(user=kabupaten_staff)
    with replica.replay_paused():
        role_revoke(assignment=assignment)
        # The replica still holds the role: only the primary knows it was revoked.
        assert _on_replica("SELECT active FROM accounts_roleassignment WHERE id = %s", assignment.pk) == [(True,)]
        assert client.get(url).status_code == 403


def test_an_export_run_after_the_role_was_revoked_writes_no_row_while_the_replica_lags(
    kabupaten_staff, region_tree, replica_on
):
    make_families(region_tree.village, 2)
    replica.catch_up()
    assignment = RoleAssignment.objects.get(user=kabupaten_staff)
    with replica.replay_paused():
        role_revoke(assignment=assignment)
        user = User.objects.get(pk=kabupaten_staff.pk)  # as the worker loads the job's owner
        _handle, rows = export_write(user=user, region_code=region_tree.bulungan.code, fmt="csv")
    assert rows == 0


# ---------------------------------------------------------------------------- configuration


def _databases_in_a_fresh_process(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DATABASE_REPLICA_URL"}}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(sorted(s.DATABASES), s.REPLICA_DATABASE_ALIAS, s.DATABASES.get('replica', {}).get('PORT'))"
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
def test_outside_the_tests_the_replica_exists_only_when_database_replica_url_is_set():
    primary = "postgres://kaltara@127.0.0.1:5432/kaltara"
    assert _databases_in_a_fresh_process(DATABASE_URL=primary) == "['default'] None None"
    with_replica = _databases_in_a_fresh_process(
        DATABASE_URL=primary, DATABASE_REPLICA_URL="postgres://kaltara@10.0.0.7:6432/kaltara"
    )
    assert with_replica == "['default', 'replica'] replica 6432"
