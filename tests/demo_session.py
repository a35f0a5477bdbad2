"""The light demo of seed_demo, seeded once per test process in a transaction left open beneath the tests'.

pytest-django wraps each test in a transaction; with the demo's open, that one is a savepoint, rolled
back at the test's end: a test sees the demo and its changes stay its own. Seeding takes seconds, so
the tests on the demo run last (tests/conftest.py sorts them there) and the demo is seeded once per
test process. Should a test without the demo come after it all the same (another ordering, ``-p``
options), the demo is rolled back before that test, and seeded again for the next test that wants it:
slower, never wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import override_settings

from kaltara_portal.demo import DemoContext, seed_all

# The session fixture (tests/conftest.py) that every test on the demo asks for, directly or not.
FIXTURE = "demo_seed"


class DemoTransaction:
    def __init__(self) -> None:
        self.blocker = None
        self.media: Path | None = None
        self.atomic: transaction.Atomic | None = None
        self.ctx: DemoContext | None = None

    @staticmethod
    def wanted_by(item: pytest.Item) -> bool:
        return FIXTURE in getattr(item, "fixturenames", ())

    def start(self, blocker, media: Path) -> None:
        """Seed for the first time (from the session fixture, once the test database exists)."""
        self.blocker, self.media = blocker, media
        self._seed()

    def finish(self) -> None:
        if self.atomic is not None:
            self._discard()
        self.blocker = None

    def adjust_for(self, item: pytest.Item) -> None:
        """Before each test, and before any of its fixtures: the demo open if it wants it, gone if not."""
        if self.blocker is None:  # not seeded yet: the session fixture seeds when first asked for
            return
        wanted = self.wanted_by(item)
        if wanted and self.atomic is None:
            self._seed()
        elif not wanted and self.atomic is not None:
            self._discard()

    def _seed(self) -> None:
        with self.blocker.unblock():
            assert not connection.in_atomic_block, "the demo's transaction must be the outermost one"
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.ctx = DemoContext(light=True, log=lambda line: None)
            try:
                with override_settings(MEDIA_ROOT=self.media):
                    seed_all(self.ctx)
            except BaseException:
                self._discard()
                raise

    def _discard(self) -> None:
        with self.blocker.unblock():
            assert connection.atomic_blocks == [self.atomic], "a transaction is still open inside the demo's"
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic = self.ctx = None


DEMO = DemoTransaction()
