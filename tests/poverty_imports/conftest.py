"""Fixtures of the import tests: the poverty-data fixtures plus a private media folder."""

from __future__ import annotations

import pytest

from tests.poverty_data.conftest import families, make_families, nik_for, open_round, other_families, pokja  # noqa: F401


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
