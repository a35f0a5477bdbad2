"""Per-village summaries kept current at finalisation and import, and recorded per round."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import within_q

from .submissions import Round

# ---------------------------------------------------------------------------- summaries


class VillageStatsQuerySet(models.QuerySet):
    def in_region(self, code: str) -> VillageStatsQuerySet:
        return self.filter(within_q(code, "village_code"))


class VillageStatsBase(models.Model):
    """The figures the dashboard and csr read per village, so they never aggregate ``Family``/``Member``."""

    village_code = models.CharField(_("village code"), max_length=13, db_index=True)
    families = models.PositiveIntegerField(_("active families"), default=0)
    desil_1 = models.PositiveIntegerField(default=0)
    desil_2 = models.PositiveIntegerField(default=0)
    desil_3 = models.PositiveIntegerField(default=0)
    desil_4 = models.PositiveIntegerField(default=0)
    desil_5 = models.PositiveIntegerField(default=0)
    desil_6 = models.PositiveIntegerField(default=0)
    desil_7 = models.PositiveIntegerField(default=0)
    desil_8 = models.PositiveIntegerField(default=0)
    desil_9 = models.PositiveIntegerField(default=0)
    desil_10 = models.PositiveIntegerField(default=0)
    poor4 = models.PositiveIntegerField(_("poor families (desil 1-4)"), default=0)
    poor5 = models.PositiveIntegerField(_("poor families (desil 1-5)"), default=0)

    class Meta:
        abstract = True


class VillageStats(VillageStatsBase):
    """Current statistics of one village's active families and present members.

    Maintained by ``poverty_data.stats.village_stats_refresh`` inside every service that writes
    ``Family`` or ``Member`` (``families_load``, ``submission_finalise``); rebuilt from scratch by
    ``manage.py refresh_poverty_stats`` after a write outside the services.
    """

    village = models.OneToOneField(
        "regions.Region", on_delete=models.CASCADE, related_name="poverty_stats", verbose_name=_("village")
    )
    # Assistance among the poor (desil 1-4); ``poor_no_assistance``: none of the four and no other.
    poor_pkh = models.PositiveIntegerField(default=0)
    poor_sembako = models.PositiveIntegerField(default=0)
    poor_pbi_jk = models.PositiveIntegerField(default=0)
    poor_blt_dana_desa = models.PositiveIntegerField(default=0)
    poor_no_assistance = models.PositiveIntegerField(default=0)
    # Present members of active families: NIK failing the structure check, NIK held by another present member.
    nik_invalid = models.PositiveIntegerField(default=0)
    nik_duplicate = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = VillageStatsQuerySet.as_manager()

    policy_region_field = "village_code"

    class Meta:
        verbose_name = _("village statistics")
        verbose_name_plural = _("village statistics")
        ordering = ["village_code"]
        indexes = [
            # The dashboard's 30 villages with the most NIK problems: read in index order, not sorted.
            models.Index(fields=["-nik_invalid", "-nik_duplicate", "village_code"], name="villagestats_quality_idx"),
        ]

    def __str__(self) -> str:
        return self.village_code


class VillageRoundStats(VillageStatsBase):
    """A village's figures as of a round: written when its submission is finalised, and for every
    other village when the round is closed (their figures then are those of the round)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="village_stats", verbose_name=_("round"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = VillageStatsQuerySet.as_manager()

    policy_region_field = "village_code"

    class Meta:
        verbose_name = _("village statistics of a round")
        verbose_name_plural = _("village statistics of rounds")
        ordering = ["round_id", "village_code"]
        constraints = [models.UniqueConstraint(fields=["round", "village_code"], name="village_round_stats_unique")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.village_code}"
