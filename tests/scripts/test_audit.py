"""scripts/audit.py: pip-audit's "No known vulnerabilities found" is only a pass when every pin was checked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, report: dict | None, *, strict: bool = False) -> subprocess.CompletedProcess:
    """scripts/audit.py with a stand-in pip-audit that writes ``report`` (or fails like an unreachable service)."""
    fake = tmp_path / "pip-audit"
    if report is None:
        body = "echo 'requests.exceptions.ConnectionError: api.osv.dev unreachable' >&2\nexit 1\n"
    else:
        (tmp_path / "report.json").write_text(json.dumps(report))
        body = (
            'out=""; prev=""\nfor a in "$@"; do [ "$prev" = "--output" ] && out="$a"; prev="$a"; done\n'
            f'cp "{tmp_path / "report.json"}" "$out"\n'
        )
    fake.write_text("#!/bin/sh\n" + body)
    fake.chmod(0o755)
    env = {**os.environ, "PIP_AUDIT": str(fake), "AUDIT_STRICT": "1" if strict else "0"}
    return subprocess.run(  # noqa: S603
        [sys.executable, "scripts/audit.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_every_pin_checked_and_clean_is_a_pass(tmp_path):
    result = _run(tmp_path, {"dependencies": [{"name": "django", "version": "6.1.3", "vulns": []}]})
    assert result.returncode == 0 and "no known vulnerabilities" in result.stdout


def test_a_known_vulnerability_fails_and_names_the_fix(tmp_path):
    vuln = {"id": "PYSEC-2026-1", "fix_versions": ["6.1.4"], "description": ""}
    result = _run(tmp_path, {"dependencies": [{"name": "django", "version": "6.1.3", "vulns": [vuln]}]})
    assert result.returncode == 1
    assert "VULNERABLE django==6.1.3: PYSEC-2026-1 (fixed in: 6.1.4)" in result.stdout


@pytest.mark.parametrize("strict", [False, True])
def test_packages_the_service_did_not_answer_for_are_a_skip_never_a_pass(tmp_path, strict):
    skipped = {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django (6.1.3)"}
    result = _run(tmp_path, {"dependencies": [skipped]}, strict=strict)
    assert result.returncode == (3 if strict else 0)
    assert "AUDIT SKIPPED" in result.stdout and "not a pass" in result.stdout
    assert "no known vulnerabilities" not in result.stdout


def test_an_unreachable_service_is_a_skip_never_a_pass(tmp_path):
    result = _run(tmp_path, None)
    assert result.returncode == 0
    assert "AUDIT SKIPPED" in result.stdout and "unreachable" in result.stdout
