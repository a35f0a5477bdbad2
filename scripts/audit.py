#!/usr/bin/env python3
"""pip-audit over the exact pins of pyproject.toml (runtime and dev), honest about what it could check.

pip-audit reports "No known vulnerabilities found" even when the vulnerability service answered for
none of the packages (it lists them as skipped). This wrapper reads its JSON and says which of three
things happened:

- every pin was checked and none has a known vulnerability: exit 0;
- a pin has a known vulnerability: the list, exit 1;
- the service did not answer for some pins (unreachable, or no data for that exact version): it
  prints "AUDIT SKIPPED" naming them, and exits 0 (or 3 with --strict / AUDIT_STRICT=1). Never a pass.

Usage: scripts/audit.py [--strict] [--service pypi|osv|esms]  (make audit; PIP_AUDIT=path overrides
the pip-audit beside this Python)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pinned_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        pins += extra
    unpinned = [p for p in pins if "==" not in p]
    if unpinned:
        sys.exit(f"audit: every dependency must be pinned with ==, these are not: {', '.join(unpinned)}")
    return sorted(set(pins), key=str.lower)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", default=os.environ.get("AUDIT_STRICT") == "1")
    parser.add_argument("--service", default=os.environ.get("AUDIT_SERVICE", "pypi"), choices=["pypi", "osv", "esms"])
    args = parser.parse_args()

    pins = pinned_requirements()
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text("\n".join(pins) + "\n")
        report = Path(tmp) / "report.json"
        result = subprocess.run(  # noqa: S603 - our own venv's pip-audit, fixed arguments
            [
                os.environ.get("PIP_AUDIT") or str(Path(sys.executable).with_name("pip-audit")),
                "--requirement",
                str(requirements),
                "--no-deps",
                "--disable-pip",
                "--vulnerability-service",
                args.service,
                "--format",
                "json",
                "--output",
                str(report),
                "--progress-spinner",
                "off",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if not report.exists():
            reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"AUDIT SKIPPED: pip-audit could not reach the {args.service} vulnerability service ({reason}).")
            print("This is not a pass: no pinned dependency was checked.")
            return 3 if args.strict else 0
        data = json.loads(report.read_text())

    dependencies = data.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    checked = len(dependencies) - len(skipped)
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE {dep['name']}=={dep['version']}: {vuln['id']} (fixed in: {fixed})")
    if vulnerable:
        print(f"audit: {len(vulnerable)} of {len(dependencies)} pinned packages have known vulnerabilities.")
        return 1
    if skipped:
        print(
            f"AUDIT SKIPPED for {len(skipped)} of {len(dependencies)} pinned packages: the {args.service} "
            "vulnerability service did not answer for their exact versions."
        )
        for dep in skipped:
            print(f"  not checked: {dep['skip_reason']}")
        print(f"Checked and clean: {checked}. This is not a pass for the packages above.")
        return 3 if args.strict else 0
    print(f"audit: {checked} pinned packages checked against {args.service}; no known vulnerabilities.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
