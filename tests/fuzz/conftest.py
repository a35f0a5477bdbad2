"""Fuzz tests (Hypothesis): bounded so the whole set runs in about a minute.

The ``portal`` profile keeps the examples per test small, turns off the deadline (the
database makes timings uneven on a shared machine) and keeps no example database in the
checkout. A crash that fuzzing found stays in its test as an explicit ``@example``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from tests.csr.conftest import make_programme, make_proposal, proposal  # noqa: F401
from tests.poverty_data.conftest import draft, families, open_round, pokja  # noqa: F401

settings.register_profile(
    "portal",
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
settings.load_profile("portal")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
