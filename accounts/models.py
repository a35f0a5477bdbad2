"""Users and their role assignments. Who may do what is decided in ``accounts.policy``."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regions.models import Level


class Role(models.TextChoices):
    PROVINCE_STAFF = "province_staff", _("Province staff")
    KABUPATEN_STAFF = "kabupaten_staff", _("Kabupaten/kota staff")
    KT_OFFICER = "kt_officer", _("Karang Taruna officer")
    VILLAGE_HEAD = "village_head", _("Village head")
    COMPANY_REP = "company_rep", _("Company representative")
    ADMINISTRATOR = "administrator", _("Administrator")


# Which region levels a role's scope may be: a Karang Taruna exists at every level.
ROLE_REGION_LEVELS: dict[str, set[int] | None] = {
    Role.PROVINCE_STAFF: {Level.PROVINCE},
    Role.KABUPATEN_STAFF: {Level.KABUPATEN_KOTA},
    Role.KT_OFFICER: {Level.PROVINCE, Level.KABUPATEN_KOTA, Level.KECAMATAN, Level.DESA_KELURAHAN},
    Role.VILLAGE_HEAD: {Level.DESA_KELURAHAN},
    Role.COMPANY_REP: None,
    Role.ADMINISTRATOR: None,
}


class User(AbstractUser):
    """A person who signs in. Roles come from ``RoleAssignment`` rows, several per person."""

    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self) -> RoleAssignmentQuerySet:
        return self.filter(active=True)


class RoleAssignment(models.Model):
    """One role of one user, with its scope: a region (and so its Karang Taruna), or everything for an
    administrator. A company representative's scope is a company, kept with the companies
    (``csr.CompanyRepresentative``), so that accounts does not depend on csr."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user_id", "role"]
        constraints = [
            # One row per user, role and scope (two partial constraints, one per kind of scope).
            models.UniqueConstraint(
                fields=["user", "role", "region"], condition=Q(region__isnull=False), name="role_unique_region"
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(region__isnull=True), name="role_unique_global"
            ),
        ]
        # Loaded once per request by policy.grants(user).
        indexes = [models.Index(fields=["user", "active"], name="role_user_active_idx")]

    def __str__(self) -> str:
        scope = self.region or _("everything")
        return f"{self.get_role_display()}: {scope}"

    def clean(self) -> None:
        levels = ROLE_REGION_LEVELS.get(self.role)
        if self.role == Role.COMPANY_REP:
            raise ValidationError(
                {"role": _("A company representative is scoped to a company: assign them on the company (CSR).")}
            )
        if self.role == Role.ADMINISTRATOR:
            if self.region_id:
                raise ValidationError(_("An administrator's scope is everything; leave the region empty."))
        else:
            if not self.region_id:
                raise ValidationError({"region": _("This role needs a region.")})
            if levels is not None and self.region.level not in levels:
                raise ValidationError({"region": _("The region is at the wrong level for this role.")})


class PersonalDataAccess(models.Model):
    """One view of full personal data (NIK, No. KK) or one export of personal data (UU 27/2022).

    Says who, when, what kind of record and which one (by id), never the personal data itself.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        EXPORT = "export", _("exported")
        DOWNLOAD = "download", _("downloaded")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="personal_data_accesses")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    subject = models.CharField(_("what"), max_length=60)
    object_id = models.CharField(_("record id"), max_length=40, blank=True)
    region_code = models.CharField(_("region code"), max_length=13, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=1)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    # Seen by province staff (their province) and administrators: the audit log page.
    policy_region_field = "region_code"

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]
        indexes = [
            # The audit log page filtered by user (accounts.selectors.personal_data_accesses).
            models.Index(fields=["user", "at"], name="pda_user_at_idx"),
            # The audit log page, newest first, with a date range.
            models.Index(fields=["-at"], name="pda_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.subject} {self.object_id}"

    @property
    def policy_region_code(self) -> str:
        return self.region_code

    @property
    def subject_label(self) -> str:
        return str(SUBJECT_LABELS.get(self.subject, self.subject))


# What kind of record a log entry is about, for the audit log page (the subject names the code writes).
SUBJECT_LABELS = {
    "poverty_data.family": _("Family"),
    "poverty_data.member": _("Family member"),
    "poverty_data.submission": _("Submission"),
    "poverty_members": _("Poverty data export"),
}
