"""Reads for the import and export pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts import policy
from poverty_data.models import Submission
from regions.models import Level, Region

from .checks import ERROR, WARNING
from .models import ImportBatch, ImportIssue

# Up to this many submissions, an import's are looked up by id (``import_submissions``).
FEW_SUBMISSIONS = 1_000


def imports_visible_to(user: Any) -> QuerySet[ImportBatch]:
    """The imports the user uploaded, and for staff those that concern their area (administrators: all), newest first."""
    return policy.scoped(ImportBatch.objects.all(), user, "import.view").select_related(
        "round", "village", "created_by"
    )


def import_issues(batch: ImportBatch, severity: str | None = None) -> QuerySet[ImportIssue]:
    """The issues of an import in row order; ``severity`` "error" or "warning" keeps those alone."""
    issues = batch.issues.order_by("row", "pk")
    return issues.filter(severity=severity) if severity in (ERROR, WARNING) else issues


def import_submissions(batch: ImportBatch, *, limit: int = 50) -> list[Submission]:
    """The draft submissions an import wrote into (the villages of its issues-free rows), in code order.

    An import into a few villages looks its submissions up by id: ordered by code and cut to ``limit``
    as one query, the planner walked every submission of the portal in code order (0.5-0.8 s under a
    national import's 84,000) looking for the village's one."""
    if batch.submissions <= FEW_SUBMISSIONS:
        ids = list(batch.touched.through.objects.filter(importbatch=batch).values_list("submission_id", flat=True))
        submissions = Submission.objects.filter(pk__in=ids) if ids else Submission.objects.none()
    else:
        submissions = batch.touched.all()
    return list(submissions.select_related("village").order_by("village_code")[:limit])


def export_regions_for(user: Any) -> list[Region]:
    """The regions whose data the user may export: their scopes and the levels beneath down to kecamatan."""
    codes = sorted({g.region_code for g in policy.grants(user) if g.region_code} | (
        {"65"} if policy.has_role(user, "administrator") else set()
    ))  # fmt: skip
    regions: list[Region] = []
    for code in codes:
        root = Region.objects.filter(code=code).first()
        if root is None or not policy.can(user, "family.export", code):
            continue
        regions.append(root)
        if root.level < Level.KECAMATAN:
            regions += list(Region.objects.below(code).filter(level__lte=Level.KECAMATAN).order_by("code"))
    return regions
