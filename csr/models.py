"""CSR synchronisation: companies, their programmes (offers), proposals (needs), matches and realisation.

* ``Company`` — a company in the provincial CSR forum (Forum TJSP/TJSLBU); its representatives are
  ``CompanyRepresentative`` rows (the scope of the company-representative role, kept here so that
  ``accounts`` does not depend on csr; the policy reads them as grants, see ``CsrConfig.ready``).
* ``Programme`` — a company's CSR offer: sector, target regions (any level), budget, period, status.
  Its budget left is the total minus what accepted matches committed.
* ``Proposal`` — a need from a village's Karang Taruna or the village itself. Every state change is a
  ``ProposalEvent`` (who, when, a note the proposer sees).
* ``Match`` — staff confirm that a programme funds (part of) a proposal; the company accepts or declines.
* ``Realisation`` — money spent, beneficiaries reached (and income before/after) reported on a match.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts import policy
from accounts.models import Role

MONEY = {"max_digits": 15, "decimal_places": 0, "validators": [MinValueValidator(Decimal(0))]}


class Sector(models.TextChoices):
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    ENTREPRENEURSHIP = "entrepreneurship", _("Entrepreneurship")
    SOCIO_ECONOMIC = "socio_economic", _("Community socio-economic independence")
    ENVIRONMENT = "environment", _("Environment")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    OTHER = "other", _("Other")


# Programmes aiming at income: their realisation reports record income before and after.
INCOME_SECTORS = frozenset({Sector.ENTREPRENEURSHIP, Sector.SOCIO_ECONOMIC})


class CompanyQuerySet(models.QuerySet):
    def visible_to(self, user) -> CompanyQuerySet:
        return policy.scoped(self, user, "company.view")


class Company(models.Model):
    """A company in the provincial CSR forum (Forum TJSP/TJSLBU)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    business_sector = models.CharField(_("business sector"), max_length=120, blank=True)
    address = models.TextField(_("address"), blank=True)
    kabupaten = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)

    objects = CompanyQuerySet.as_manager()
    history = HistoricalRecords()

    # Staff see the companies located in their scope; representatives their own company.
    policy_region_field = "kabupaten__code"
    policy_company_field = "pk"

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name

    @property
    def policy_company_id(self) -> int:
        return self.pk

    @property
    def policy_region_code(self) -> str | None:
        return self.kabupaten.code if self.kabupaten_id else None


class CompanyRepresentativeQuerySet(models.QuerySet):
    def active(self) -> CompanyRepresentativeQuerySet:
        return self.filter(active=True)

    # A grant source of the access policy (accounts.policy.GrantSource, registered in CsrConfig.ready).

    def grant_rows(self, user_id: int) -> models.QuerySet:
        """The user's company-representative grants, in the columns of ``accounts.policy.GRANT_COLUMNS``
        (role, region code, company id, scope name, region level, region kind)."""
        return (
            self.active()
            .filter(user_id=user_id)
            .order_by()
            .values_list(
                Value(Role.COMPANY_REP, output_field=models.CharField()),
                Value(None, output_field=models.CharField()),
                "company_id",
                "company__name",
                Value(None, output_field=models.IntegerField()),
                Value(None, output_field=models.CharField()),
            )
        )

    def holder_ids(self) -> models.QuerySet:
        """The users who represent a company (for "active users without a role")."""
        return self.active().values("user_id")


class CompanyRepresentative(models.Model):
    """A user who represents a company: the scope of the company-representative role (``Role.COMPANY_REP``).

    The region-scoped roles are ``accounts.RoleAssignment`` rows; this one lives with the companies so
    that ``accounts`` (below csr) never names a csr model. ``accounts.policy.grants`` reads both in one
    query (``grant_rows``, registered in ``CsrConfig.ready``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="company_representations",
        verbose_name=_("user"),
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="representatives", verbose_name=_("company")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CompanyRepresentativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("company representative")
        verbose_name_plural = _("company representatives")
        ordering = ["company_id", "user_id"]
        constraints = [models.UniqueConstraint(fields=["user", "company"], name="company_rep_unique")]
        # Loaded with the user's role assignments once per request (accounts.policy.grants).
        indexes = [models.Index(fields=["user", "active"], name="company_rep_user_active_idx")]

    def __str__(self) -> str:
        return f"{Role(Role.COMPANY_REP).label}: {self.company}"


class Forum(models.TextChoices):
    TJSP = "tjsp", _("Forum TJSP")
    TJSLBU = "tjslbu", _("Forum TJSLBU")


class ForumMembership(models.Model):
    """A company's membership of the provincial CSR forum in one year."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="forum_memberships", verbose_name=_("company")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    forum = models.CharField(_("forum"), max_length=10, choices=Forum.choices, default=Forum.TJSLBU)

    class Meta:
        ordering = ["company_id", "-year"]
        verbose_name = _("forum membership")
        verbose_name_plural = _("forum memberships")
        constraints = [models.UniqueConstraint(fields=["company", "year", "forum"], name="csr_forum_unique")]

    def __str__(self) -> str:
        return f"{self.get_forum_display()} {self.year}"


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Accepts(models.TextChoices):
    ANY = "any", _("Karang Taruna and villages")
    KARANG_TARUNA = "karang_taruna", _("Karang Taruna only")
    VILLAGE = "village", _("Villages only")


class MatchState(models.TextChoices):
    CONFIRMED = "confirmed", _("Waiting for the company")
    ACCEPTED = "accepted", _("Accepted by the company")
    DECLINED = "declined", _("Declined by the company")


# Matches that hold money of a programme: accepted ones commit it, confirmed ones reserve it.
LIVE_MATCH_STATES = (MatchState.CONFIRMED, MatchState.ACCEPTED)


def ancestor_or_self_q(code_expr, field: str = "code") -> Q:
    """Rows whose ``field`` is the village ``code_expr`` or one of its ancestors (kec, kab, province).

    ``code_expr`` is an expression (e.g. ``OuterRef("village__code")``): Kemendagri codes have fixed
    widths, so the ancestors are prefixes of length 2, 5 and 8.
    """
    return (
        Q(**{field: code_expr})
        | Q(**{field: Substr(code_expr, 1, 8)})
        | Q(**{field: Substr(code_expr, 1, 5)})
        | Q(**{field: Substr(code_expr, 1, 2)})
    )


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProgrammeQuerySet:
        """Published programmes for every role; drafts only for their company (and administrators)."""
        return policy.scoped(self, user, "programme.view")

    def published(self) -> ProgrammeQuerySet:
        return self.filter(status__in=[ProgrammeStatus.OPEN, ProgrammeStatus.CLOSED])

    def open(self) -> ProgrammeQuerySet:
        return self.filter(status=ProgrammeStatus.OPEN)

    def with_budget(self) -> ProgrammeQuerySet:
        """Annotate ``committed`` (accepted matches), ``reserved`` (awaiting the company) and ``budget_left``."""
        zero = Value(Decimal(0), output_field=models.DecimalField(max_digits=15, decimal_places=0))
        committed = Coalesce(Sum("matches__amount", filter=Q(matches__state=MatchState.ACCEPTED)), zero)
        reserved = Coalesce(Sum("matches__amount", filter=Q(matches__state=MatchState.CONFIRMED)), zero)
        return self.annotate(committed=committed, reserved=reserved).annotate(budget_left=F("budget") - F("committed"))

    def with_target_codes(self) -> ProgrammeQuerySet:
        """Annotate ``target_codes`` (the codes of the target regions, in code order) in the same query,
        instead of prefetching the regions."""
        codes = ProgrammeTarget.objects.filter(programme=OuterRef("pk")).order_by("region__code").values("region__code")
        return self.annotate(target_codes=ArraySubquery(codes))

    def eligible_for(self, village_code: str) -> ProgrammeQuerySet:
        """Programmes with a target region that is the village or contains it."""
        parts = village_code.split(".")
        codes = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
        return self.filter(pk__in=ProgrammeTarget.objects.filter(region__code__in=codes).values("programme_id"))


class Programme(models.Model):
    """A company's CSR programme (offer). A village is eligible when it lies within a target region."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("company"))
    title = models.CharField(_("title"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    description = models.TextField(_("description"), blank=True)
    target_regions = models.ManyToManyField(
        "regions.Region",
        through="ProgrammeTarget",
        related_name="csr_programmes",
        verbose_name=_("target regions"),
    )
    budget = models.DecimalField(_("total budget (Rp)"), **MONEY)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    beneficiary_target = models.PositiveIntegerField(_("beneficiary target"), default=0)
    accepts = models.CharField(_("funds proposals from"), max_length=20, choices=Accepts.choices, default=Accepts.ANY)
    status = models.CharField(
        _("status"), max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at"])

    policy_company_field = "company_id"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("CSR programme")
        verbose_name_plural = _("CSR programmes")
        # Catalogue and matching filter open programmes by sector.
        indexes = [models.Index(fields=["status", "sector"], name="csr_programme_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="csr_programme_period"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="csr_programme_budget_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def policy_extra_q(cls, user, action: str) -> Q | None:
        # Published programmes are public (the catalogue shows them without login), so every role but
        # a company representative sees them in the portal too; a company sees only its own programmes.
        if action == "programme.view" and any(not g.company_id for g in policy.grants_for(user, action)):
            return Q(status__in=[ProgrammeStatus.OPEN, ProgrammeStatus.CLOSED])
        return None

    @property
    def policy_company_id(self) -> int:
        return self.company_id

    @cached_property
    def target_codes(self) -> list[str]:
        """Codes of the target regions (``with_target_codes()`` or a prefetch of ``target_regions`` keep
        this query-free)."""
        return [r.code for r in self.target_regions.all()]

    def covers(self, village_code: str) -> bool:
        return any(village_code == c or village_code.startswith(f"{c}.") for c in self.target_codes)

    def accepts_kind(self, kind: str) -> bool:
        return self.accepts == Accepts.ANY or self.accepts == kind


class ProgrammeTarget(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="targets")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "region"], name="csr_target_unique")]

    def __str__(self) -> str:
        return f"{self.programme_id} → {self.region_id}"


class ProposerKind(models.TextChoices):
    KARANG_TARUNA = "karang_taruna", _("Karang Taruna")
    VILLAGE = "village", _("Village government")


class ProposalState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    MATCHED = "matched", _("Matched")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    REALISED = "realised", _("Realised")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Proposals staff may match to a programme (a declined one may be matched again elsewhere).
MATCHABLE_STATES = (
    ProposalState.SUBMITTED,
    ProposalState.UNDER_REVIEW,
    ProposalState.MATCHED,
    ProposalState.ACCEPTED,
    ProposalState.DECLINED,
)
WAITING_STATES = (ProposalState.SUBMITTED, ProposalState.UNDER_REVIEW)


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProposalQuerySet:
        return policy.scoped(self, user, "proposal.view")

    def in_state(self, *states: str) -> ProposalQuerySet:
        return self.filter(state__in=states)

    def with_funding(self) -> ProposalQuerySet:
        """Annotate ``funded`` (accepted matches) and ``pledged`` (confirmed or accepted)."""
        zero = Value(Decimal(0), output_field=models.DecimalField(max_digits=15, decimal_places=0))
        return self.annotate(
            funded=Coalesce(Sum("matches__amount", filter=Q(matches__state=MatchState.ACCEPTED)), zero),
            pledged=Coalesce(Sum("matches__amount", filter=Q(matches__state__in=LIVE_MATCH_STATES)), zero),
        )


class Proposal(models.Model):
    """A CSR proposal (need) of a village: from its Karang Taruna or the village government.

    The Karang Taruna is the one of ``village`` (one per region), so no foreign key to the registry.
    """

    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="csr_proposals",
        verbose_name=_("village"),
        limit_choices_to={"level": 4},
    )
    proposer_kind = models.CharField(
        _("proposed by"), max_length=20, choices=ProposerKind.choices, default=ProposerKind.KARANG_TARUNA
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    amount_requested = models.DecimalField(_("amount requested (Rp)"), **MONEY)
    beneficiaries = models.PositiveIntegerField(_("beneficiaries"), default=0)
    state = models.CharField(_("state"), max_length=20, choices=ProposalState.choices, default=ProposalState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    objects = ProposalQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at"])

    policy_region_field = "village__code"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("CSR proposal")
        verbose_name_plural = _("CSR proposals")
        # The proposal list and the matching pages filter by state and sector.
        indexes = [models.Index(fields=["state", "sector"], name="csr_proposal_state_idx")]
        constraints = [models.CheckConstraint(condition=Q(amount_requested__gte=0), name="csr_proposal_amount")]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def policy_extra_q(cls, user, action: str) -> Q | None:
        """A company sees the proposals matched to its programmes or eligible for its open ones."""
        if action != "proposal.view":
            return None
        company_ids = [g.company_id for g in policy.grants_for(user, action) if g.company_id]
        if not company_ids:
            return None
        matched = Match.objects.filter(programme__company_id__in=company_ids).values("proposal_id")
        eligible = ProgrammeTarget.objects.filter(
            ancestor_or_self_q(OuterRef("village__code"), "region__code"),
            programme__company_id__in=company_ids,
            programme__status=ProgrammeStatus.OPEN,
            programme__sector=OuterRef("sector"),
        )
        return Q(pk__in=matched) | (Q(state__in=WAITING_STATES) & Exists(eligible))

    @property
    def policy_region_code(self) -> str:
        return self.village.code


class ProposalEvent(models.Model):
    """One step of a proposal: who moved it from which state to which, when, and the note they left."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=20, choices=ProposalState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=ProposalState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("proposal event")
        verbose_name_plural = _("proposal events")

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class MatchQuerySet(models.QuerySet):
    def visible_to(self, user) -> MatchQuerySet:
        return policy.scoped(self, user, "match.view")

    def live(self) -> MatchQuerySet:
        return self.filter(state__in=LIVE_MATCH_STATES)


class Match(models.Model):
    """Staff confirm that ``programme`` funds ``amount`` of ``proposal``; the company accepts or declines."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="matches")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="matches")
    amount = models.DecimalField(_("amount (Rp)"), **MONEY)
    state = models.CharField(_("state"), max_length=20, choices=MatchState.choices, default=MatchState.CONFIRMED)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, default=0)
    note = models.TextField(_("note"), blank=True)
    reason = models.TextField(_("company's reason"), blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed"), null=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = MatchQuerySet.as_manager()
    history = HistoricalRecords()

    policy_region_field = "proposal__village__code"
    policy_company_field = "programme__company_id"

    class Meta:
        ordering = ["-confirmed_at", "-pk"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        # Budget sums per programme and "waiting for my company" filter by state.
        indexes = [models.Index(fields=["programme", "state"], name="csr_match_programme_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "proposal"],
                condition=Q(state__in=["confirmed", "accepted"]),
                name="csr_match_one_live_per_pair",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="csr_match_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} → {self.proposal}"

    @property
    def policy_region_code(self) -> str:
        return self.proposal.village.code

    @property
    def policy_company_id(self) -> int:
        return self.programme.company_id


class ReporterSide(models.TextChoices):
    PROPOSER = "proposer", _("Proposer")
    COMPANY = "company", _("Company")


class RealisationQuerySet(models.QuerySet):
    def visible_to(self, user) -> RealisationQuerySet:
        return policy.scoped(self, user, "match.view")


class Realisation(models.Model):
    """What was done with an accepted match, reported by the proposer or the company."""

    match = models.ForeignKey(Match, on_delete=models.PROTECT, related_name="realisations")
    side = models.CharField(_("reported by"), max_length=10, choices=ReporterSide.choices)
    amount_spent = models.DecimalField(_("money spent (Rp)"), **MONEY)
    beneficiaries_reached = models.PositiveIntegerField(_("beneficiaries reached"))
    income_before = models.DecimalField(_("monthly income before (Rp per beneficiary)"), null=True, blank=True, **MONEY)
    income_after = models.DecimalField(_("monthly income after (Rp per beneficiary)"), null=True, blank=True, **MONEY)
    note = models.TextField(_("what was done"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported"), auto_now_add=True)

    objects = RealisationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["reported_at"])

    policy_region_field = "match__proposal__village__code"
    policy_company_field = "match__programme__company_id"

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("realisation report")
        verbose_name_plural = _("realisation reports")

    def __str__(self) -> str:
        return f"{self.match_id}: {self.amount_spent}"

    @property
    def policy_region_code(self) -> str:
        return self.match.proposal.village.code

    @property
    def policy_company_id(self) -> int:
        return self.match.programme.company_id


class Attachment(models.Model):
    """A file of a proposal (or evidence of a realisation), checked from its content, served by a view."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    realisation = models.ForeignKey(
        Realisation, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to="csr/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    policy_region_field = "proposal__village__code"

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
