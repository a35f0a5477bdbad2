"""Bulk imports of poverty lists: the import itself and its issues.

An ``ImportBatch`` is one uploaded file for one round. Its rows are checked in memory, batch
by batch (``checks``); errors and warnings are ``ImportIssue`` rows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts import policy
from poverty_data.models import Submission


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    CHECKING = "checking", _("Checking")
    REFUSED = "refused", _("Refused: the file has errors")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Failed")


class ImportBatch(models.Model):
    """One uploaded list, imported into the draft submissions of one round."""

    # None: imported on the command line by the server's operator.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    round = models.ForeignKey(
        "poverty_data.Round", on_delete=models.PROTECT, related_name="imports", verbose_name=_("round")
    )
    village = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    file = models.FileField(_("file"), upload_to="imports/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    valid_only = models.BooleanField(_("import only the valid rows"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    file_error = models.TextField(_("file error"), blank=True)
    file_kind = models.CharField(_("file type"), max_length=10, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_valid = models.PositiveIntegerField(_("valid rows"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rejected rows"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    warnings = models.PositiveIntegerField(_("warnings"), default=0)
    families_new = models.PositiveIntegerField(_("new families"), default=0)
    families_corrected = models.PositiveIntegerField(_("families corrected"), default=0)
    members_added = models.PositiveIntegerField(_("members added"), default=0)
    changes_created = models.PositiveIntegerField(_("changes created"), default=0)
    submissions = models.PositiveIntegerField(_("villages"), default=0)
    touched = models.ManyToManyField(
        "poverty_data.Submission", blank=True, related_name="+", verbose_name=_("submissions written")
    )
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    policy_owner_field = "created_by_id"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["created_by", "-created_at"], name="import_owner_created_idx")]

    def __str__(self) -> str:
        return f"{_('Import')} #{self.pk}"

    @property
    def policy_owner_id(self) -> int:
        return self.created_by_id

    @classmethod
    def policy_extra_q(cls, user: Any, action: str) -> models.Q | None:
        """Beyond their own: staff follow the imports named for, or written into, a village of their area."""
        if action != "import.view":
            return None
        villages = Submission.objects.filter(policy.scope_q(user, "import.oversee", region_field="village_code"))
        written = cls.touched.through.objects.filter(importbatch_id=models.OuterRef("pk"), submission__in=villages)
        return policy.scope_q(user, "import.oversee", region_field="village__code") | models.Q(models.Exists(written))

    @property
    def policy_region_code(self) -> str | None:
        return None


class ImportIssue(models.Model):
    """An error or warning of one row and column (row 0: the file or a whole family)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=40, blank=True)
    severity = models.CharField(max_length=10)
    message = models.TextField()

    class Meta:
        ordering = ["batch_id", "row", "pk"]
        indexes = [models.Index(fields=["batch", "row"], name="issue_batch_row_idx")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row}:{self.column}"
