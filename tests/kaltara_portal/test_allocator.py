"""polars' allocator is told to return freed pages soon, before polars loads; an operator's setting is kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = "import os, kaltara_portal, polars; print(os.environ['_RJEM_MALLOC_CONF'])"


def conf_seen_by_polars(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    result = subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env={**clean, **env}, capture_output=True,  # noqa: S603
                            text=True, check=True)  # fmt: skip
    return result.stdout.strip()


def test_the_portal_asks_polars_allocator_to_return_freed_pages_after_fifty_milliseconds():
    # polars puts its own defaults first; the last value of a key is the one jemalloc keeps.
    conf = conf_seen_by_polars()
    assert conf.endswith(",background_thread:true,dirty_decay_ms:50,muzzy_decay_ms:0"), conf


def test_an_operators_own_allocator_setting_is_kept():
    conf = conf_seen_by_polars(_RJEM_MALLOC_CONF="dirty_decay_ms:2000")
    assert conf.endswith(",dirty_decay_ms:2000") and "background_thread" not in conf, conf
