"""What an outsider can read from the public pages, the downloads and the API, and what subtraction
gives back from it: used by the suppression tests."""

from __future__ import annotations

import csv
import io
import re

from django.test import Client
from django.urls import reverse

CELL = re.compile(r'data-cell="([FP])" data-code="([0-9.]+)">([^<]*(?:<span[^>]*>[^<]*</span>)?)</td>')


def _number(text: str) -> int | None:
    text = text.strip()
    return int(text.replace(".", "").replace(",", "")) if text.isdigit() or re.fullmatch(r"[0-9.,]+", text) else None


def read_published(client: Client, round_id: int) -> tuple[dict, set]:
    """Every published count of the round, from each channel (they must agree), and the codes seen."""
    known: dict[tuple[str, str], int] = {}
    hidden: set[tuple[str, str]] = set()

    def note(code: str, var: str, value) -> None:
        cell = (code, var)
        if value is None:
            hidden.add(cell)
            assert cell not in known, f"{cell} shown in one place, hidden in another"
        else:
            assert known.get(cell, value) == value, f"{cell}: {known[cell]} vs {value}"
            assert cell not in hidden, f"{cell} hidden in one place, shown in another"
            known[cell] = value

    api = client.get(reverse("opendata_api:indicators"), {"round": round_id}).json()
    for row in api["data"]:
        note(row["code"], "F", row["families"])
        note(row["code"], "P", row["poor"])
        if row["poor_share"] is not None:
            assert row["families"] is not None and row["poor"] is not None
    download = client.get(reverse("opendata:download", args=["indicators", "csv"]))
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    for row in csv.DictReader(io.StringIO(text)):
        if row["round_id"] == str(round_id):
            note(row["code"], "F", int(row["families"]) if row["families"] else None)
            note(row["code"], "P", int(row["poor"]) if row["poor"] else None)
    codes = {row["code"] for row in api["data"]}
    pages = [reverse("opendata:map")] + [reverse("opendata:area", args=[c]) for c in sorted(codes)]
    for path in pages:
        html = client.get(path, {"putaran": round_id}).content.decode()
        for var, code, shown in CELL.findall(html):
            note(code, var, _number(shown) if "<span" not in shown and shown.strip() != "–" else None)
    for level in ("", "desa"):
        data = client.get(reverse("opendata:map_data"), {"putaran": round_id, "tingkat": level}).json()
        assert data["features"], "the map draws nothing: this channel would prove nothing"
        for feature in data["features"]:
            for var, shown in zip("FP", feature["cells"][:2], strict=True):
                note(feature["c"], var, _number(shown) if re.fullmatch(r"[0-9.,]+", shown) else None)
    for code in codes:
        detail = client.get(reverse("opendata_api:area", args=[code])).json()
        for row in detail["indicators"]:
            if row["round_id"] == round_id:
                note(code, "F", row["families"])
                note(code, "P", row["poor"])
    return known, hidden


def recover(known: dict, parent_of: dict) -> dict:
    """Everything subtraction gives: F = P + N per area, and each of F, P, N of a parent = the sum over
    its children; repeated until nothing new follows."""
    values = dict(known)
    children: dict[str, list[str]] = {}
    for code, parent in parent_of.items():
        if parent in parent_of:
            children.setdefault(parent, []).append(code)
    equations = [((c, "F"), [(c, "P"), (c, "N")]) for c in parent_of]
    equations += [((p, v), [(k, v) for k in kids]) for p, kids in children.items() for v in "FPN"]
    changed = True
    while changed:
        changed = False
        for total, parts in equations:
            cells = [total, *parts]
            missing = [c for c in cells if c not in values]
            if len(missing) != 1:
                continue
            cell = missing[0]
            if cell == total:
                values[cell] = sum(values[p] for p in parts)
            else:
                values[cell] = values[total] - sum(values[p] for p in parts if p != cell)
            changed = True
    return values
