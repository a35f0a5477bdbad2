"""NIK and No. KK checks of poverty data, built on ``regions.identity``.

Structure, region and birth-date checks come from ``regions.identity``; this module adds what
needs the poverty data: a NIK already present in another active family anywhere in the portal
is a **duplicate**, which blocks finalisation until someone records why it is acceptable
(``SubmissionChange.resolution``).

Every function here reads; none writes. ``submission_issues`` checks a whole submission with
a fixed number of queries, so the editor and finalisation stay flat however many changes there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from regions.identity import KecamatanCodes, check_nik, check_no_kk, nik_birth_date

from .models import PRESENT, ChangeKind, FamilyStatus, Member, Submission, SubmissionChange


@dataclass
class ChangeIssues:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The duplicates found: (NIK owner's family id, village code); blocking unless resolved.
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    resolved: bool = False
    duplicate_message: str = ""

    @property
    def blocking(self) -> bool:
        return bool(self.errors) or (bool(self.duplicates) and not self.resolved)

    @property
    def shown_errors(self) -> list[str]:
        dup = [self.duplicate_message] if self.duplicates and not self.resolved else []
        return self.errors + dup

    @property
    def shown_warnings(self) -> list[str]:
        dup = [self.duplicate_message] if self.duplicates and self.resolved else []
        return self.warnings + dup


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def nik_is_well_formed(value: str | None) -> bool:
    """The structure test stored on ``Member.nik_valid``: 16 digits, a date in digits 7-12, serial not 0000."""
    nik = (value or "").strip()
    if len(nik) != 16 or not nik.isdigit() or not nik.isascii() or nik[12:] == "0000":
        return False
    return nik_birth_date(nik)[0] is not None


def check_member_data(data: dict[str, Any], *, known: KecamatanCodes) -> tuple[list[str], list[str]]:
    """Errors and warnings of one member's data (a dict of field values)."""
    result = check_nik(data.get("nik"), birth_date=_as_date(data.get("birth_date")), sex=data.get("sex"), known=known)
    return result.errors, result.warnings


def check_family_data(data: dict[str, Any], *, known: KecamatanCodes) -> tuple[list[str], list[str]]:
    result = check_no_kk(data.get("no_kk"), known=known)
    return result.errors, result.warnings


def duplicate_owners(niks: set[str], *, exclude_member_ids: set[int] = frozenset()) -> dict[str, list[tuple[int, str]]]:
    """For each NIK, the (family id, village code) of present members in active families holding it (one query)."""
    if not niks:
        return {}
    rows = (
        Member.objects.filter(nik__in=niks, presence__in=PRESENT, family__status=FamilyStatus.ACTIVE)
        .exclude(pk__in=exclude_member_ids)
        .values_list("nik", "family_id", "family__village_code")
    )
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for nik, family_id, code in rows:
        found[nik].append((family_id, code))
    return found


def _introduced_niks(change: SubmissionChange) -> list[tuple[dict[str, Any], int | None]]:
    """The member data sets a change brings in, each with the member id it replaces (for NIK corrections)."""
    if change.kind == ChangeKind.NEW_FAMILY:
        return [(m, None) for m in (change.payload or {}).get("members", [])]
    if change.kind == ChangeKind.MEMBER_ADDED:
        return [(change.payload or {}, None)]
    if change.kind == ChangeKind.MEMBER_FIELD and change.field == "nik":
        return [({"nik": change.new_value}, change.member_id)]
    return []


def submission_issues(submission: Submission, changes: list[SubmissionChange] | None = None) -> dict[int, ChangeIssues]:
    """Errors, warnings and duplicate NIKs of every change of ``submission``, keyed by change id.

    A NIK counts as duplicate when a present member of another active family holds it, or when
    two changes of this submission bring in the same NIK. Queries: kecamatan codes, changes
    (unless given) and one for the NIKs.
    """
    if changes is None:
        changes = list(submission.changes.select_related("member").all())
    known = KecamatanCodes()
    issues: dict[int, ChangeIssues] = {}
    introduced: list[tuple[SubmissionChange, str, int | None]] = []
    for change in changes:
        found = ChangeIssues(resolved=bool(change.resolution))
        if change.kind == ChangeKind.NEW_FAMILY:
            errors, warnings = check_family_data((change.payload or {}).get("family", {}), known=known)
            found.errors += errors
            found.warnings += warnings
            members = (change.payload or {}).get("members", [])
            if not members:
                found.errors.append(_("A new family needs at least one member."))
            for data in members:
                errors, warnings = check_member_data(data, known=known)
                found.errors += errors
                found.warnings += warnings
        elif change.kind == ChangeKind.MEMBER_ADDED:
            errors, warnings = check_member_data(change.payload or {}, known=known)
            found.errors += errors
            found.warnings += warnings
        elif change.kind == ChangeKind.FAMILY_FIELD and change.field == "no_kk":
            errors, warnings = check_family_data({"no_kk": change.new_value}, known=known)
            found.errors += errors
            found.warnings += warnings
        elif change.kind == ChangeKind.MEMBER_FIELD and change.field in ("nik", "birth_date", "sex"):
            member = change.member
            data = {"nik": member.nik, "sex": member.sex, "birth_date": member.birth_date}
            data[change.field] = change.new_value
            errors, warnings = check_member_data(data, known=known)
            if change.field == "nik":
                found.errors += errors
            found.warnings += warnings
        issues[change.pk] = found
        for data, replaces in _introduced_niks(change):
            nik = (data.get("nik") or "").strip()
            if nik:
                introduced.append((change, nik, replaces))
    replaced = {r for _c, _n, r in introduced if r}
    owners = duplicate_owners({n for _c, n, _r in introduced}, exclude_member_ids=replaced)
    seen: dict[str, int] = {}
    for change, nik, _replaces in introduced:
        for family_id, code in owners.get(nik, []):
            if family_id != change.family_id:
                issues[change.pk].duplicates.append((family_id, code))
        if nik in seen and seen[nik] != change.pk:
            issues[change.pk].duplicates.append((0, submission.village_code))
        seen.setdefault(nik, change.pk)
    for found in issues.values():
        if found.duplicates:
            found.duplicate_message = _(
                "NIK already belongs to a present member of another active family (%(where)s)."
            ) % {"where": ", ".join(sorted({code for _f, code in found.duplicates}))}
    return issues
