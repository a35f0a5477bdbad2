"""Shared fixtures: a small region tree and one user per role, in and out of scope.

Scopes: Bulungan (65.01) holds the "home" villages; Nunukan (65.03) the "other" ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from accounts.models import Role
from accounts.services import role_assign
from csr.services import company_representative_assign
from kaltara_portal.demo import DemoContext
from regions.services import RegionRow, regions_import

from .demo_session import DEMO, DemoTransaction
from .factories import CompanyFactory, UserFactory

TREE = [
    ("65", "Kalimantan Utara"),
    ("65.01", "Kabupaten Bulungan"),
    ("65.01.01", "Tanjung Palas"),
    ("65.01.01.1001", "Tanjung Palas Hulu"),
    ("65.01.01.2005", "Gunung Putih"),
    ("65.01.02", "Tanjung Palas Barat"),
    ("65.01.02.2001", "Long Beluah"),
    ("65.03", "Kabupaten Nunukan"),
    ("65.03.01", "Sebatik"),
    ("65.03.01.2001", "Tanjung Karang"),
    ("65.71", "Kota Tarakan"),
    ("65.71.01", "Tarakan Barat"),
    ("65.71.01.1001", "Karang Anyar"),
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with autovacuum off on every table.

    A test's rows stay inside its transaction, unseen by autovacuum; what autovacuum does see is
    the tables emptied again after each test. It then records a table as empty over its pages
    (0 rows), and PostgreSQL plans every later query on that table for one row, however many a
    test has inserted: a join over the demo's 70,000 members ran as nested loops for minutes.
    Left alone, the planner estimates from the table's current size.
    """
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "DO $$ DECLARE t record; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP "
            "EXECUTE format('ALTER TABLE %I SET (autovacuum_enabled = off)', t.tablename); END LOOP; END $$"
        )


@pytest.fixture
def region_tree(db) -> SimpleNamespace:
    regions_import(rows=[RegionRow(line=i, code=c, name=n) for i, (c, n) in enumerate(TREE, start=1)])
    from regions.models import Region

    by_code = {r.code: r for r in Region.objects.all()}
    return SimpleNamespace(
        by_code=by_code,
        province=by_code["65"],
        bulungan=by_code["65.01"],
        kecamatan=by_code["65.01.01"],
        village=by_code["65.01.01.2005"],
        village_same_kab=by_code["65.01.02.2001"],
        nunukan=by_code["65.03"],
        other_village=by_code["65.03.01.2001"],
    )


def _user_with(role: str, username: str, **scope):
    user = UserFactory(username=username)
    role_assign(user=user, role=role, **scope)
    return user


@pytest.fixture
def companies(db) -> SimpleNamespace:
    return SimpleNamespace(mine=CompanyFactory(name="PT Milik Saya"), other=CompanyFactory(name="PT Lain"))


@pytest.fixture
def province_staff(region_tree):
    return _user_with(Role.PROVINCE_STAFF, "provinsi", region=region_tree.province)


@pytest.fixture
def kabupaten_staff(region_tree):
    return _user_with(Role.KABUPATEN_STAFF, "kabupaten", region=region_tree.bulungan)


@pytest.fixture
def officer(region_tree):
    return _user_with(Role.KT_OFFICER, "pengurus", region=region_tree.village)


@pytest.fixture
def other_officer(region_tree):
    return _user_with(Role.KT_OFFICER, "pengurus2", region=region_tree.other_village)


@pytest.fixture
def village_head(region_tree):
    return _user_with(Role.VILLAGE_HEAD, "kades", region=region_tree.village)


@pytest.fixture
def company_rep(companies):
    user = UserFactory(username="perusahaan")
    company_representative_assign(user=user, company=companies.mine)
    return user


@pytest.fixture
def administrator(db):
    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    role_assign(user=user, role=Role.ADMINISTRATOR)
    return user


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="tanpaperan")


@pytest.fixture
def all_roles(province_staff, kabupaten_staff, officer, other_officer, village_head, company_rep, administrator):
    return {
        "province_staff": province_staff,
        "kabupaten_staff": kabupaten_staff,
        "officer": officer,
        "other_officer": other_officer,
        "village_head": village_head,
        "company_rep": company_rep,
        "administrator": administrator,
    }


@pytest.fixture(scope="session")
def demo_seed(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[DemoTransaction]:
    """The light demo of seed_demo (every kind of record, a small volume), seeded once per test process
    in a transaction that stays open beneath the tests' own and is rolled back at the end.

    Tests that use it run last (``pytest_collection_modifyitems``); a test without it that runs while
    it is open (another ordering) has it rolled back first, and the next test with it seeds again
    (``pytest_runtest_setup``). Its uploaded files go to a folder of the session, not var/media.
    ``.ctx`` is the seeding's DemoContext (a new one after a second seeding).
    """
    DEMO.start(django_db_blocker, tmp_path_factory.mktemp("demo-media"))
    yield DEMO
    DEMO.finish()


@pytest.fixture
def demo_data(demo_seed, db) -> DemoContext:
    """The light demo, for one test: its changes are rolled back with the test's transaction."""
    return demo_seed.ctx


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test starts with an empty cache, as a freshly started process does."""
    from django.core.cache import caches

    caches["default"].clear()


@pytest.fixture(autouse=True)
def indonesian():
    """Each test starts in the portal's language, as a fresh process or request would."""
    from django.utils import translation

    translation.activate("id")
    yield
    translation.activate("id")


@pytest.fixture(scope="session")
def streaming_replica(django_db_setup):
    """A real streaming replica of the test database (tests/replica.py)."""
    from . import replica

    replica.ensure_running()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The tests on the session's demo run last, after pytest-django's order (plain database tests,
    transactional ones, the rest): the demo is seeded once per test process and then left open."""
    items.sort(key=DEMO.wanted_by)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    DEMO.adjust_for(item)


def pytest_sessionfinish(session):
    # The main process (not a test worker) stops a replica this run had to start.
    if not hasattr(session.config, "workerinput"):
        from . import replica

        replica.stop_if_started()
