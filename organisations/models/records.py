"""What an organisation records: assessments, programmes, assistance, partnerships and documents."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import (
    ASPECTS,
    MAX_SCORE,
    YEAR_VALIDATORS,
    AssistanceForm,
    Classification,
    DocumentKind,
    Giver,
    PartnerKind,
    ProgrammeStatus,
    Sector,
)
from .organisation import Organisation, OrganisationChild

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
