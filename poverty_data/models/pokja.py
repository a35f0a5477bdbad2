"""The Pokja: the village working group that updates the data, and its members."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# ---------------------------------------------------------------------------- Pokja


class Pokja(models.Model):
    """The village working group (Pokja) that updates the village's poverty data."""

    village = models.OneToOneField(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="pokja"
    )
    village_code = models.CharField(_("village code"), max_length=13, editable=False, db_index=True)
    sk_number = models.CharField(_("decree (SK) number"), max_length=100, blank=True)
    sk_date = models.DateField(_("decree (SK) date"), null=True, blank=True)
    budget_dana_desa = models.DecimalField(
        _("budget from dana desa (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    budget_year = models.PositiveSmallIntegerField(_("budget year"), null=True, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="PokjaMember", related_name="pokja_memberships", verbose_name=_("members")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    policy_region_field = "village_code"

    class Meta:
        verbose_name = _("Pokja")
        verbose_name_plural = _("Pokja")

    def __str__(self) -> str:
        return f"Pokja {self.village_code}"

    @property
    def policy_region_code(self) -> str:
        return self.village_code


class PokjaPosition(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class PokjaMemberQuerySet(models.QuerySet):
    def seat(self, *, user: Any, village_code: str) -> PokjaMemberQuerySet:
        """The user's seat on the Pokja of the village (none or one)."""
        return self.filter(pokja__village_code=village_code, user_id=getattr(user, "pk", None))


class PokjaMember(models.Model):
    pokja = models.ForeignKey(Pokja, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("Pokja"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    position = models.CharField(_("position"), max_length=20, choices=PokjaPosition.choices)

    objects = PokjaMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("Pokja member")
        verbose_name_plural = _("Pokja members")
        ordering = ["pokja_id", "position", "user_id"]
        constraints = [models.UniqueConstraint(fields=["pokja", "user"], name="pokja_member_unique")]

    def __str__(self) -> str:
        return f"{self.get_position_display()} #{self.user_id}"
