"""Families (one Kartu Keluarga each) and their members: the master data, versioned."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.models import within_q

from .choices import (
    PRESENT,
    ChronicIllness,
    CookingFuel,
    Disability,
    DrinkingWater,
    Education,
    FamilyStatus,
    FloorType,
    InactiveReason,
    Lighting,
    MaritalStatus,
    Ownership,
    Presence,
    Relationship,
    RoofType,
    Sex,
    Toilet,
    WallType,
)


class VersionContext(models.Model):
    """Extra columns of every historical family/member row: which submission (and so round) made it."""

    history_submission = models.ForeignKey(
        "poverty_data.Submission",
        verbose_name=_("submission"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        abstract = True


# ---------------------------------------------------------------------------- families and members


class FamilyQuerySet(models.QuerySet):
    def active(self) -> FamilyQuerySet:
        return self.filter(status=FamilyStatus.ACTIVE)

    def in_region(self, code: str) -> FamilyQuerySet:
        """Families of the region ``code`` or beneath it (a prefix query on ``village_code``)."""
        return self.filter(within_q(code, "village_code"))

    def poor(self, max_desil: int = 4) -> FamilyQuerySet:
        return self.filter(desil__gte=1, desil__lte=max_desil)


class Family(models.Model):
    """One family card (keluarga) of a village, with its housing, assets and assistance."""

    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="families"
    )
    # Denormalised from village.code so a scope filter is a prefix query on one indexed column.
    # On PostgreSQL db_index adds a varchar_pattern_ops index serving LIKE '65.01.%'.
    village_code = models.CharField(_("village code"), max_length=13, editable=False, db_index=True)
    no_kk = models.CharField(_("No. KK"), max_length=16)
    dusun = models.CharField(_("dusun"), max_length=60, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    desil = models.PositiveSmallIntegerField(
        _("welfare decile (desil)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("From the national data (DTSEN): 1 is the poorest tenth."),
    )
    floor_type = models.CharField(_("floor"), max_length=20, choices=FloorType.choices, blank=True)
    wall_type = models.CharField(_("wall"), max_length=20, choices=WallType.choices, blank=True)
    roof_type = models.CharField(_("roof"), max_length=20, choices=RoofType.choices, blank=True)
    drinking_water = models.CharField(_("drinking water"), max_length=20, choices=DrinkingWater.choices, blank=True)
    lighting = models.CharField(_("lighting"), max_length=20, choices=Lighting.choices, blank=True)
    cooking_fuel = models.CharField(_("cooking fuel"), max_length=20, choices=CookingFuel.choices, blank=True)
    toilet = models.CharField(_("toilet"), max_length=20, choices=Toilet.choices, blank=True)
    land_ownership = models.CharField(_("land ownership"), max_length=20, choices=Ownership.choices, blank=True)
    house_ownership = models.CharField(_("house ownership"), max_length=20, choices=Ownership.choices, blank=True)
    has_motorcycle = models.BooleanField(_("motorcycle"), default=False)
    has_car = models.BooleanField(_("car"), default=False)
    has_refrigerator = models.BooleanField(_("refrigerator"), default=False)
    has_air_conditioner = models.BooleanField(_("air conditioner"), default=False)
    has_smartphone = models.BooleanField(_("smartphone"), default=False)
    receives_pkh = models.BooleanField(_("PKH"), default=False)
    receives_sembako = models.BooleanField(_("Sembako/BPNT"), default=False)
    receives_pbi_jk = models.BooleanField(_("PBI-JK"), default=False)
    receives_blt_dana_desa = models.BooleanField(_("BLT Dana Desa"), default=False)
    other_assistance = models.CharField(_("other assistance"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=FamilyStatus.choices, default=FamilyStatus.ACTIVE)
    inactive_reason = models.CharField(_("reason inactive"), max_length=20, choices=InactiveReason.choices, blank=True)
    inactive_note = models.CharField(_("note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    history = HistoricalRecords(bases=[VersionContext], excluded_fields=["created_at"])
    objects = FamilyQuerySet.as_manager()

    policy_region_field = "village_code"

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["village_code", "dusun", "rt", "pk"]
        indexes = [
            # Village page and every scope filter: village_code = / LIKE '65.01.%' with status; the
            # village page's list in its order (dusun, RT, id) straight from the index, without sorting
            # the village's families for each page of 25, and its dusun choices from the index alone.
            models.Index(fields=["village_code", "status", "dusun", "rt", "id"], name="family_village_list_idx"),
            # Dashboard: families by desil within a region.
            models.Index(fields=["status", "desil", "village_code"], name="family_status_desil_idx"),
            models.Index(fields=["no_kk"], name="family_no_kk_idx"),
        ]

    def __str__(self) -> str:
        return f"{_('Family')} #{self.pk}"

    @property
    def policy_region_code(self) -> str:
        return self.village_code

    @property
    def is_active(self) -> bool:
        return self.status == FamilyStatus.ACTIVE

    @property
    def address(self) -> str:
        parts = [self.street, f"RT {self.rt}" if self.rt else "", f"RW {self.rw}" if self.rw else "", self.dusun]
        return ", ".join(p for p in parts if p)


class MemberQuerySet(models.QuerySet):
    def present(self) -> MemberQuerySet:
        return self.filter(presence__in=PRESENT)

    def in_region(self, code: str) -> MemberQuerySet:
        return self.filter(within_q(code, "family__village_code"))


class Member(models.Model):
    """One person on a family card (anggota keluarga)."""

    family = models.ForeignKey(Family, verbose_name=_("family"), on_delete=models.PROTECT, related_name="members")
    nik = models.CharField(_("NIK"), max_length=16)
    # Denormalised result of checks.check_nik's structure test, so data-quality counts are SQL.
    nik_valid = models.BooleanField(_("NIK valid"), default=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("birth place"), max_length=80, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    relationship = models.CharField(_("relationship to the head"), max_length=20, choices=Relationship.choices)
    marital_status = models.CharField(_("marital status"), max_length=20, choices=MaritalStatus.choices, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    disability = models.CharField(_("disability"), max_length=20, choices=Disability.choices, default=Disability.NONE)
    chronic_illness = models.CharField(
        _("chronic illness"), max_length=20, choices=ChronicIllness.choices, default=ChronicIllness.NONE
    )
    presence = models.CharField(_("presence"), max_length=20, choices=Presence.choices, default=Presence.HERE)
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords(bases=[VersionContext])
    objects = MemberQuerySet.as_manager()

    policy_region_field = "family__village_code"

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["family_id", "pk"]
        indexes = [
            # Duplicate-NIK check at finalisation and on the dashboard: nik = ... and presence in (...).
            models.Index(fields=["nik", "presence"], name="member_nik_presence_idx"),
        ]

    def __str__(self) -> str:
        return f"{_('Member')} #{self.pk}"

    @property
    def policy_region_code(self) -> str:
        return self.family.village_code

    @property
    def is_present(self) -> bool:
        return self.presence in PRESENT
