"""Deterministic demo data: each part of the portal has a ``<app>.demo`` module with ``seed(ctx)``.

They run in dependency order, and each is idempotent: running seed_demo twice leaves
the same data. ``ctx.scale`` multiplies the volume for benchmarks.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

APPS_IN_ORDER = ["regions", "accounts", "organisations", "poverty_data", "csr", "opendata"]


@dataclass
class DemoContext:
    scale: int = 1
    seed: int = 2026
    # Tests ask for a light demo: every kind of record, a small volume (see tests/conftest.py).
    light: bool = False
    log: Callable[[str], None] = print
    objects: dict[str, Any] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        """A random generator per part, so adding data to one part never shifts another's."""
        return random.Random(f"{self.seed}:{name}")  # noqa: S311 - demo data, not security


def seed_all(ctx: DemoContext) -> None:
    for app in APPS_IN_ORDER:
        try:
            module = importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise
            continue
        module.seed(ctx)
