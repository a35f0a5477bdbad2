"""How a submission's changes read on its page: one row per change (a family's or a member's field
corrections grouped on one card), values as a person reads them, identity numbers masked unless shown in full."""

from __future__ import annotations

from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from regions.identity import mask_number

from ..models import FIELD_KINDS, ChangeKind, Family, Member, SubmissionState


def steps(submission: Any) -> list[dict[str, Any]]:
    order = [s.value for s in SubmissionState]
    reached = order.index(submission.state)
    return [
        {"label": state.label, "done": i <= reached, "current": i == reached} for i, state in enumerate(SubmissionState)
    ]


def display(model: type, field: str, value: Any, *, full: bool) -> str:
    if value is None or value == "":
        return "—"
    if field in ("nik", "no_kk"):
        return value if full else mask_number(str(value))
    model_field = model._meta.get_field(field)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def shows_identity(change: Any) -> bool:
    return change.kind in (ChangeKind.NEW_FAMILY, ChangeKind.MEMBER_ADDED) or change.field in ("nik", "no_kk")


def grouped(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Field corrections of one family (or one member) shown as one card, each field removable."""
    groups: dict[Any, dict[str, Any]] = {}
    for row in rows:
        change = row["change"]
        if change.kind in FIELD_KINDS:
            key = ("member", change.member_id) if change.member_id else ("family", change.family_id)
        else:
            key = ("single", change.pk)
        group = groups.get(key)
        if group is None:
            groups[key] = {**row, "grouped": key[0] != "single", "resolve_change": None}
            group = groups[key]
        else:
            group["pairs"] = group["pairs"] + row["pairs"]
            group["errors"] = group["errors"] + row["errors"]
            group["warnings"] = group["warnings"] + row["warnings"]
        if row["duplicate"]:
            group["duplicate"] = True
            group["resolve_change"] = change
    return list(groups.values())


def change_row(change: Any, issues: Any, *, full: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "change": change,
        "errors": issues.shown_errors,
        "warnings": issues.shown_warnings,
        "duplicate": bool(issues.duplicates),
        "pairs": [],
    }
    if change.kind in FIELD_KINDS:
        model = Family if change.kind == ChangeKind.FAMILY_FIELD else Member
        row["pairs"] = [
            (
                capfirst(model._meta.get_field(change.field).verbose_name),
                display(model, change.field, change.old_value, full=full),
                display(model, change.field, change.new_value, full=full),
                change.pk,
            )
        ]
    elif change.kind == ChangeKind.NEW_FAMILY:
        family = (change.payload or {}).get("family", {})
        row["pairs"] = [
            (capfirst(Family._meta.get_field(k).verbose_name), "—", display(Family, k, v, full=full), None)
            for k, v in family.items()
            if v not in (None, "", False)
        ]
        row["members"] = [
            {
                "name": m.get("name", ""),
                "nik": display(Member, "nik", m.get("nik"), full=full),
                "relationship": display(Member, "relationship", m.get("relationship"), full=full),
            }
            for m in (change.payload or {}).get("members", [])
        ]
    elif change.kind == ChangeKind.MEMBER_ADDED:
        data = change.payload or {}
        row["pairs"] = [
            (capfirst(Member._meta.get_field(k).verbose_name), "—", display(Member, k, v, full=full), None)
            for k, v in data.items()
            if v not in (None, "") and k != "presence"
        ]
    elif change.kind == ChangeKind.FAMILY_DEACTIVATED:
        value = change.new_value or {}
        row["pairs"] = [
            (capfirst(_("status")), _("Active"), _("Inactive"), None),
            (_("Reason"), "—", display(Family, "inactive_reason", value.get("reason"), full=full), None),
        ]
        if value.get("note"):
            row["pairs"].append((_("Note"), "—", value["note"], None))
    return row
