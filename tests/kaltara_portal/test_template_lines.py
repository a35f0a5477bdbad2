"""Templates stay readable: no line over 160 characters."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

LIMIT = 160


def test_no_template_line_is_longer_than_160_characters():
    root = Path(settings.BASE_DIR) / "templates"
    long_lines = [
        f"{path.relative_to(root)}:{number} ({len(line)})"
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.suffix in {".html", ".txt"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > LIMIT
    ]
    assert long_lines == []
