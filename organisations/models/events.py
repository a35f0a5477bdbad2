"""Capacity-building events: invitations (participations), attendees and follow-up actions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts import policy

from .organisation import Organisation

# ---------------------------------------------------------------------------- capacity-building events


class EventQuerySet(models.QuerySet):
    def visible_to(self, user) -> EventQuerySet:
        return policy.scoped(self, user, "event.view")


class Event(models.Model):
    """A capacity-building event (run by province staff) with invited organisations and follow-up."""

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("organising region"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The region whose staff run the event (usually the province)."),
    )
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    place = models.CharField(_("place"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=200)
    aim_administration = models.BooleanField(_("administration"), default=False)
    aim_management = models.BooleanField(_("management and officers"), default=False)
    aim_welfare = models.BooleanField(_("social-welfare provision"), default=False)
    aim_network = models.BooleanField(_("network development"), default=False)
    materials = models.TextField(_("materials"), blank=True)
    organisations = models.ManyToManyField(
        Organisation, through="Participation", related_name="events", verbose_name=_("invited organisations")
    )

    history = HistoricalRecords()
    objects = EventQuerySet.as_manager()

    policy_region_field = "region__code"

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("capacity-building event")
        verbose_name_plural = _("capacity-building events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="event_ends_after_start",
                violation_error_message=_("The end cannot be before the start."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def policy_region_code(self) -> str:
        return self.region.code

    @property
    def aims(self) -> list[str]:
        return [str(self._meta.get_field(n).verbose_name) for n in AIM_FIELDS if getattr(self, n)]

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end cannot be before the start.")
        if not any(getattr(self, n) for n in AIM_FIELDS):
            errors[NON_FIELD_ERRORS] = _("Choose at least one aim of the event.")
        if errors:
            raise ValidationError(errors)


AIM_FIELDS = ["aim_administration", "aim_management", "aim_welfare", "aim_network"]


class Participation(models.Model):
    """An organisation invited to an event, and whether it attended."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("Karang Taruna"), on_delete=models.CASCADE, related_name="participations"
    )
    attended = models.BooleanField(_("attended"), default=False)

    history = HistoricalRecords()

    policy_region_field = "event__region__code"

    class Meta:
        ordering = ["organisation__region__code"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation"],
                name="participation_once_per_event",
                violation_error_message=_("This Karang Taruna is already invited."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} - {self.organisation}"

    @property
    def policy_region_code(self) -> str:
        return self.event.region.code


class Attendee(models.Model):
    """One person present at an event, for an organisation."""

    participation = models.ForeignKey(
        Participation, verbose_name=_("Karang Taruna"), on_delete=models.CASCADE, related_name="attendees"
    )
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=120, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")

    def __str__(self) -> str:
        return self.name


class FollowUp(models.Model):
    """A follow-up action of an event: who does it, by when."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="follow_ups")
    action = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("owner"), max_length=150)
    due_on = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)

    history = HistoricalRecords()

    policy_region_field = "event__region__code"

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")

    def __str__(self) -> str:
        return self.action

    @property
    def policy_region_code(self) -> str:
        return self.event.region.code
