"""The organisation, its terms and their officers."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts import policy
from regions.identity import mask_number
from regions.models import within_q

from .choices import OFFICER_MIN_AGE, WARNING_DAYS, Classification, Position, Sex, Status, TermState, age_on, today

# ---------------------------------------------------------------------------- organisation


def current_term_q(prefix: str = "", day: dt.date | None = None) -> Q:
    day = day or today()
    return Q(**{f"{prefix}starts_on__lte": day, f"{prefix}ends_on__gte": day})


def expiring_q(prefix: str = "", day: dt.date | None = None) -> Q:
    """A current term whose end, or whose SK's end, falls within the warning window."""
    day = day or today()
    limit = day + dt.timedelta(days=WARNING_DAYS)
    return current_term_q(prefix, day) & (
        Q(**{f"{prefix}ends_on__lte": limit}) | Q(**{f"{prefix}sk_ends_on__lte": limit})
    )


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user) -> OrganisationQuerySet:
        return policy.scoped(self, user, "organisation.view")

    def within(self, code: str) -> OrganisationQuerySet:
        return self.filter(within_q(code, "region__code"))

    def with_term_state(self) -> OrganisationQuerySet:
        """Annotate ``has_current_term``, ``term_expiring``, the current term's end and its Ketua (subqueries)."""
        terms = Term.objects.filter(organisation=OuterRef("pk"))
        current = terms.filter(current_term_q()).order_by("-starts_on")
        return self.annotate(
            has_current_term=Exists(current),
            term_expiring=Exists(terms.filter(expiring_q())),
            current_term_ends_on=Subquery(current.values("ends_on")[:1]),
            ketua_name=Subquery(
                Officer.objects.filter(current_term_q("term__"), term__organisation=OuterRef("pk"), position="ketua")
                .order_by("-term__starts_on")
                .values("name")[:1]
            ),
        )

    def in_term_state(self, state: str) -> OrganisationQuerySet:
        terms = Term.objects.filter(organisation=OuterRef("pk"))
        if state == TermState.CURRENT:
            return self.filter(Exists(terms.filter(current_term_q())))
        if state == TermState.EXPIRING:
            return self.filter(Exists(terms.filter(expiring_q())))
        if state == TermState.NONE:
            return self.exclude(Exists(terms.filter(current_term_q())))
        return self


def attach_term_state(organisations: list[Organisation]) -> list[Organisation]:
    """Set on each organisation what ``with_term_state`` annotates (``has_current_term``,
    ``term_expiring``, ``current_term_ends_on``, ``ketua_name``), from one plain query of their
    current terms with their Ketua: for a page of rows this costs a third of compiling the four
    correlated subqueries per row."""
    by_pk = {org.pk: org for org in organisations}
    for org in organisations:
        org.has_current_term, org.term_expiring, org.current_term_ends_on, org.ketua_name = False, False, None, None
    if not by_pk:
        return organisations
    day = today()
    limit = day + dt.timedelta(days=WARNING_DAYS)
    rows = (
        Term.objects.filter(current_term_q(day=day), organisation_id__in=by_pk)
        .annotate(ketua=FilteredRelation("officers", condition=Q(officers__position="ketua")))
        .order_by("organisation_id", "-starts_on")
        .values_list("organisation_id", "ends_on", "sk_ends_on", "ketua__name")
    )
    for organisation_id, ends_on, sk_ends_on, ketua_name in rows:
        org = by_pk[organisation_id]
        if not org.has_current_term:  # the latest-starting current term gives the end date
            org.has_current_term, org.current_term_ends_on = True, ends_on
        if ends_on <= limit or (sk_ends_on is not None and sk_ends_on <= limit):
            org.term_expiring = True
        if org.ketua_name is None and ketua_name is not None:
            org.ketua_name = ketua_name
    return organisations


class Organisation(models.Model):
    """One Karang Taruna: the organisation of one region (at most one per region)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="organisations"
    )
    name = models.CharField(_("name"), max_length=200)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    sk_number = models.CharField(_("establishment decree (SK) number"), max_length=100, blank=True)
    sk_date = models.DateField(_("establishment decree (SK) date"), null=True, blank=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    social_media = models.CharField(_("social media"), max_length=300, blank=True)
    vision = models.TextField(_("vision"), blank=True)
    mission = models.TextField(_("mission"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    estimated_members = models.PositiveIntegerField(_("estimated members aged 13-45"), null=True, blank=True)
    # The class of the latest assessment, kept here by assessment_record() for filtering.
    classification = models.CharField(_("classification"), max_length=12, choices=Classification.choices, blank=True)
    classified_on = models.DateField(_("classified on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    policy_region_field = "region__code"

    class Meta:
        ordering = ["region__code"]
        verbose_name = _("Karang Taruna")
        verbose_name_plural = _("Karang Taruna")
        constraints = [
            models.UniqueConstraint(
                fields=["region"],
                name="organisation_one_per_region",
                violation_error_message=_("This region already has a Karang Taruna."),
            )
        ]
        indexes = [
            # The list's class and status filters.
            models.Index(fields=["classification"], name="org_classification_idx"),
            models.Index(fields=["status"], name="org_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def policy_region_code(self) -> str:
        return self.region.code

    @property
    def level(self) -> int:
        return self.region.level

    def missing_fields(self) -> list[str]:
        """Labels of the profile fields still empty (for the officer's home card)."""
        names = ["founded_on", "sk_number", "sk_date", "address", "phone", "vision", "mission", "estimated_members"]
        return [str(self._meta.get_field(n).verbose_name) for n in names if getattr(self, n) in (None, "")]


class OrganisationChild(models.Model):
    """Rows belonging to one organisation: scoped through it."""

    policy_region_field = "organisation__region__code"

    class Meta:
        abstract = True

    @property
    def policy_region_code(self) -> str:
        return self.organisation.region.code


# ---------------------------------------------------------------------------- terms and officers


class TermQuerySet(models.QuerySet):
    def current(self, day: dt.date | None = None) -> TermQuerySet:
        return self.filter(current_term_q(day=day))

    def expiring(self, day: dt.date | None = None) -> TermQuerySet:
        return self.filter(expiring_q(day=day))


class Term(OrganisationChild):
    """A masa bakti: the officers' five-year term, confirmed by an SK."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="terms")
    sk_number = models.CharField(_("SK number"), max_length=100)
    sk_date = models.DateField(_("SK date"))
    sk_ends_on = models.DateField(_("SK valid until"), null=True, blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), blank=True)

    history = HistoricalRecords()
    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="term_ends_after_start",
                violation_error_message=_("The end of the term cannot be before its start."),
            ),
        ]
        # The current-term and expiring-term subqueries of lists, cards and the dashboard.
        indexes = [models.Index(fields=["organisation", "starts_on", "ends_on"], name="term_org_dates_idx")]

    def __str__(self) -> str:
        return f"{self.starts_on:%Y}-{self.ends_on:%Y}" if self.ends_on else str(self.starts_on)

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end of the term cannot be before its start.")
        if self.sk_date and self.sk_ends_on and self.sk_ends_on < self.sk_date:
            errors["sk_ends_on"] = _("The SK cannot end before its date.")
        if errors:
            raise ValidationError(errors)

    @property
    def expires_on(self) -> dt.date | None:
        return min(d for d in (self.ends_on, self.sk_ends_on) if d) if (self.ends_on or self.sk_ends_on) else None

    def is_current(self, day: dt.date | None = None) -> bool:
        day = day or today()
        return bool(self.starts_on and self.ends_on and self.starts_on <= day <= self.ends_on)

    def is_expiring(self, day: dt.date | None = None) -> bool:
        day = day or today()
        return self.is_current(day) and bool(self.expires_on and self.expires_on <= day + dt.timedelta(WARNING_DAYS))


class Officer(models.Model):
    """A pengurus in one term. ``nik`` is personal data: shown masked."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="officers", verbose_name=_("term"))
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    field_name = models.CharField(_("field (bidang)"), max_length=120, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)

    history = HistoricalRecords()

    policy_region_field = "term__organisation__region__code"

    class Meta:
        ordering = ["term", "position", "name"]
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        constraints = [
            models.UniqueConstraint(
                fields=["term"],
                condition=Q(position="ketua"),
                name="officer_one_ketua_per_term",
                violation_error_message=_("This term already has a Ketua."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_position_display()})"

    @property
    def policy_region_code(self) -> str:
        return self.term.organisation.region.code

    @property
    def masked_nik(self) -> str:
        return mask_number(self.nik)

    @property
    def position_label(self) -> str:
        label = str(self.get_position_display())
        return f"{label} {self.field_name}" if self.field_name else label

    def clean(self) -> None:
        errors = {}
        if self.birth_date and self.term_id and self.term.starts_on:
            if age_on(self.birth_date, self.term.starts_on) < OFFICER_MIN_AGE:
                errors["birth_date"] = _("An officer must be at least %(age)d years old at the start of the term.") % {
                    "age": OFFICER_MIN_AGE
                }
        if self.position == Position.KETUA_BIDANG and not (self.field_name or "").strip():
            errors["field_name"] = _("A Ketua Bidang needs the name of the field.")
        if errors:
            raise ValidationError(errors)
