"""Karang Taruna registry (Permensos 25/2019).

A *Karang Taruna* is the youth social organisation of a region: one per desa/kelurahan,
kecamatan, kabupaten/kota and province. Its officers (*pengurus*) serve a term
(*masa bakti*, 5 years) confirmed by a decree (*SK*). Kabupaten/kota staff classify it
(*tumbuh*, *berkembang*, *maju*, *percontohan*) by scoring six aspects; it plans
programmes (*program kerja*) backed by the province, the kabupaten/kota, the village
(*dana desa*), the community itself (*swadaya*) or CSR; it receives assistance
(*bantuan*), attends capacity-building events and keeps partnerships (*jaringan kerja*).

Every model here keeps its audit history (django-simple-history). Scope: everything is
scoped by the organisation's region (``policy_region_field``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.identity import mask_number

TERM_YEARS = 5
OFFICER_MIN_AGE = 17
WARNING_DAYS = 90


def today() -> dt.date:
    return timezone.localdate()


def years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def default_term_end(starts_on: dt.date) -> dt.date:
    """A masa bakti lasts five years: the day before the fifth anniversary of its start."""
    return years_later(starts_on, TERM_YEARS) - dt.timedelta(days=1)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


# ---------------------------------------------------------------------------- choices


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")


class Classification(models.TextChoices):
    TUMBUH = "tumbuh", _("Tumbuh")
    BERKEMBANG = "berkembang", _("Berkembang")
    MAJU = "maju", _("Maju")
    PERCONTOHAN = "percontohan", _("Percontohan")


class TermState(models.TextChoices):
    CURRENT = "current", _("Current term")
    EXPIRING = "expiring", _("Term or SK ends within 90 days")
    NONE = "none", _("No current term")


class Position(models.TextChoices):
    KETUA = "ketua", _("Ketua")
    WAKIL_KETUA = "wakil_ketua", _("Wakil Ketua")
    SEKRETARIS = "sekretaris", _("Sekretaris")
    BENDAHARA = "bendahara", _("Bendahara")
    KETUA_BIDANG = "ketua_bidang", _("Ketua Bidang")
    ANGGOTA = "anggota", _("Anggota")


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class Sector(models.TextChoices):
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    ENTREPRENEURSHIP = "entrepreneurship", _("Entrepreneurship")
    INDEPENDENCE = "independence", _("Socio-economic independence")
    WELFARE = "welfare", _("Social welfare")
    ENVIRONMENT = "environment", _("Environment")
    SPORTS_ARTS = "sports_arts", _("Sports and arts")
    OTHER = "other", _("Other")


class ProgrammeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Giver(models.TextChoices):
    PROVINCE = "province", _("Province")
    KABUPATEN = "kabupaten", _("Kabupaten/kota")
    MINISTRY = "ministry", _("Ministry")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


class AssistanceForm(models.TextChoices):
    MONEY = "money", _("Money")
    GOODS = "goods", _("Goods")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class PartnerKind(models.TextChoices):
    COMPANY = "company", _("Company")
    AGENCY = "agency", _("Government agency")
    NGO = "ngo", _("NGO")
    KARANG_TARUNA = "karang_taruna", _("Other Karang Taruna")
    OTHER = "other", _("Other")


class DocumentKind(models.TextChoices):
    SK = "sk", _("Decree (SK)")
    REPORT = "report", _("Report")
    ASSISTANCE = "assistance", _("Assistance document")
    OTHER = "other", _("Other")


# The six aspects of a classification assessment: (field name, label).
ASPECTS: list[tuple[str, str]] = [
    ("score_organisation", _("Organisation and officers")),
    ("score_human_resources", _("Human resources")),
    ("score_facilities", _("Facilities")),
    ("score_administration", _("Administration")),
    ("score_partnerships", _("Partnerships")),
    ("score_programmes", _("Programmes")),
]
MAX_SCORE = 100
YEAR_VALIDATORS = [MinValueValidator(1945), MaxValueValidator(2100)]

# The class follows from the average of the six scores (0-100): the one place for the thresholds.
# Read top-down: the first class whose minimum the average reaches.
CLASS_THRESHOLDS: list[tuple[int, str]] = [
    (85, Classification.PERCONTOHAN),
    (70, Classification.MAJU),
    (50, Classification.BERKEMBANG),
    (0, Classification.TUMBUH),
]


def class_for_scores(scores: list[int]) -> str:
    """The classification the six scores earn (average against ``CLASS_THRESHOLDS``)."""
    average = sum(scores) / len(scores)
    for minimum, klass in CLASS_THRESHOLDS:
        if average >= minimum:
            return klass
    return Classification.TUMBUH


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
        from accounts import policy

        return policy.scoped(self, user, "organisation.view")

    def within(self, code: str) -> OrganisationQuerySet:
        from regions.models import within_q

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


# ---------------------------------------------------------------------------- classification


class Assessment(OrganisationChild):
    """One classification assessment: six aspect scores (0-100) and the class they earn. All are kept."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("assessment date"))
    assessor = models.ForeignKey(
        "accounts.User", verbose_name=_("assessor"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score_organisation = models.PositiveSmallIntegerField(
        _("organisation and officers"), validators=[MaxValueValidator(MAX_SCORE)]
    )
    score_human_resources = models.PositiveSmallIntegerField(
        _("human resources"), validators=[MaxValueValidator(MAX_SCORE)]
    )
    score_facilities = models.PositiveSmallIntegerField(_("facilities"), validators=[MaxValueValidator(MAX_SCORE)])
    score_administration = models.PositiveSmallIntegerField(
        _("administration"), validators=[MaxValueValidator(MAX_SCORE)]
    )
    score_partnerships = models.PositiveSmallIntegerField(_("partnerships"), validators=[MaxValueValidator(MAX_SCORE)])
    score_programmes = models.PositiveSmallIntegerField(_("programmes"), validators=[MaxValueValidator(MAX_SCORE)])
    # Kept as assessed: a later change of thresholds does not rewrite history.
    classification = models.CharField(_("classification"), max_length=12, choices=Classification.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.assessed_on}: {self.get_classification_display()}"

    @property
    def scores(self) -> list[int]:
        return [getattr(self, name) or 0 for name, _label in ASPECTS]

    @property
    def average(self) -> float:
        return sum(self.scores) / len(ASPECTS)


# ---------------------------------------------------------------------------- programmes

FUNDING_FIELDS: list[tuple[str, str]] = [
    ("funded_province", _("Province")),
    ("funded_kabupaten", _("Kabupaten/kota")),
    ("funded_village", _("Village (dana desa)")),
    ("funded_swadaya", _("Swadaya")),
    ("funded_csr", _("CSR")),
]


class Programme(OrganisationChild):
    """A program kerja with its budget split by who backs it (rupiah); the split adds up to the budget."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="programmes")
    title = models.CharField(_("title"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    description = models.TextField(_("description"), blank=True)
    budget = models.PositiveBigIntegerField(_("planned budget (Rp)"), default=0)
    funded_province = models.PositiveBigIntegerField(_("backed by the province (Rp)"), default=0)
    funded_kabupaten = models.PositiveBigIntegerField(_("backed by the kabupaten/kota (Rp)"), default=0)
    funded_village = models.PositiveBigIntegerField(_("backed by the village, dana desa (Rp)"), default=0)
    funded_swadaya = models.PositiveBigIntegerField(_("swadaya (Rp)"), default=0)
    funded_csr = models.PositiveBigIntegerField(_("backed by CSR (Rp)"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.PLANNED
    )
    realised_amount = models.PositiveBigIntegerField(_("amount spent (Rp)"), default=0)
    beneficiaries = models.PositiveIntegerField(_("beneficiaries"), default=0)
    realisation_note = models.TextField(_("realisation note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    budget=F("funded_province")
                    + F("funded_kabupaten")
                    + F("funded_village")
                    + F("funded_swadaya")
                    + F("funded_csr")
                ),
                name="programme_split_adds_up",
                violation_error_message=_("The split by who backs the programme must add up to the budget."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def funding(self) -> list[tuple[str, int]]:
        return [(label, getattr(self, name)) for name, label in FUNDING_FIELDS if getattr(self, name)]

    def clean(self) -> None:
        split = sum(getattr(self, name) or 0 for name, _label in FUNDING_FIELDS)
        if split != (self.budget or 0):
            # On the budget field, so the matching database constraint is not reported twice.
            raise ValidationError(
                {
                    "budget": _(
                        "The split by who backs the programme (Rp %(split)s) must add up to the budget (Rp %(budget)s)."
                    )
                    % {"split": f"{split:,}".replace(",", "."), "budget": f"{self.budget or 0:,}".replace(",", ".")}
                }
            )


# ---------------------------------------------------------------------------- assistance, partners, documents


class Assistance(OrganisationChild):
    """Bantuan received: who gave what, when, worth how much."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="assistance")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    giver = models.CharField(_("giver"), max_length=10, choices=Giver.choices)
    giver_name = models.CharField(_("giver's name"), max_length=200, blank=True)
    form = models.CharField(_("form"), max_length=10, choices=AssistanceForm.choices)
    value = models.PositiveBigIntegerField(_("value (Rp)"), default=0)
    description = models.TextField(_("description"), blank=True)
    document = models.ForeignKey(
        "Document", verbose_name=_("document"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("assistance")
        verbose_name_plural = _("assistance")

    def __str__(self) -> str:
        return f"{self.year} {self.get_giver_display()} {self.get_form_display()}"


class Partnership(OrganisationChild):
    """A jaringan kerja: a partner and what the organisation does with it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="partnerships")
    partner_name = models.CharField(_("partner"), max_length=200)
    kind = models.CharField(_("kind"), max_length=15, choices=PartnerKind.choices)
    since = models.DateField(_("since"), null=True, blank=True)
    activities = models.TextField(_("what they do together"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partner_name"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")

    def __str__(self) -> str:
        return self.partner_name


def document_path(instance: Document, filename: str) -> str:
    # The stored name never comes from the user: only the checked extension does.
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"organisations/{instance.organisation_id}/{uuid.uuid4().hex}.{ext}"


class Document(OrganisationChild):
    """An uploaded file (SK, report...). Stored under MEDIA_ROOT; served only through the policy."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("type"), max_length=12, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


# ---------------------------------------------------------------------------- capacity-building events


class EventQuerySet(models.QuerySet):
    def visible_to(self, user) -> EventQuerySet:
        from accounts import policy

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
