"""Village poverty data (DTKS/DTSEN): families and members, Pokja, update rounds, submissions.

Indonesian words used as names:

* ``keluarga`` -> ``Family``: one family card (Kartu Keluarga); ``no_kk`` is its 16-digit number.
* ``nik`` (Nomor Induk Kependudukan): a person's 16-digit identity number.
* ``desil``: the welfare decile (1 poorest .. 10) recorded from the national data, never computed here.
* ``dusun``, ``RT``, ``RW``: hamlet and neighbourhood units of an address.
* ``pokja`` (kelompok kerja): the village working group that updates the data, set by the
  village head's decree (SK) and funded from the village fund (``dana_desa``).
* ``musdes`` (musyawarah desa): the village deliberation whose minutes (berita acara) the
  village head attaches when verifying a submission.

The master data (``Family``, ``Member``) changes only when a ``Submission`` is finalised;
every version of both is kept by django-simple-history with the user and the submission.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.models import within_q


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


# ---------------------------------------------------------------------------- choices


class FamilyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")


class InactiveReason(models.TextChoices):
    MOVED = "moved", _("Moved away")
    ALL_DIED = "all_died", _("All members died")
    DUPLICATE = "duplicate", _("Duplicate")
    NOT_FOUND = "not_found", _("Not found")


class FloorType(models.TextChoices):
    CERAMIC = "ceramic", _("Ceramic, marble or granite")
    CEMENT = "cement", _("Cement or brick")
    WOOD = "wood", _("Wood or board")
    BAMBOO = "bamboo", _("Bamboo")
    EARTH = "earth", _("Earth")
    OTHER = "other", _("Other")


class WallType(models.TextChoices):
    MASONRY = "masonry", _("Brick or concrete")
    WOOD = "wood", _("Wood or board")
    BAMBOO = "bamboo", _("Bamboo or woven bamboo")
    OTHER = "other", _("Other")


class RoofType(models.TextChoices):
    TILE = "tile", _("Concrete or tile")
    METAL = "metal", _("Zinc or metal sheet")
    ASBESTOS = "asbestos", _("Asbestos")
    SHINGLE = "shingle", _("Wood shingle (sirap)")
    THATCH = "thatch", _("Thatch or leaves")
    OTHER = "other", _("Other")


class DrinkingWater(models.TextChoices):
    BOTTLED = "bottled", _("Bottled or refill water")
    PIPED = "piped", _("Piped water")
    PROTECTED = "protected", _("Protected well or spring")
    UNPROTECTED = "unprotected", _("Unprotected well or spring")
    SURFACE = "surface", _("River, lake or rain water")
    OTHER = "other", _("Other")


class Lighting(models.TextChoices):
    PLN_METER = "pln_meter", _("PLN electricity with meter")
    PLN_NO_METER = "pln_no_meter", _("PLN electricity without meter")
    NON_PLN = "non_pln", _("Non-PLN electricity")
    NONE = "none", _("No electricity")


class CookingFuel(models.TextChoices):
    ELECTRIC_GAS = "electric_gas", _("Electricity or piped gas")
    LPG_LARGE = "lpg_large", _("LPG 5.5 kg or more")
    LPG_3KG = "lpg_3kg", _("LPG 3 kg")
    KEROSENE = "kerosene", _("Kerosene")
    WOOD = "wood", _("Firewood or charcoal")
    NONE = "none", _("Does not cook")


class Toilet(models.TextChoices):
    OWN_SEPTIC = "own_septic", _("Own, with septic tank")
    OWN_NO_SEPTIC = "own_no_septic", _("Own, without septic tank")
    SHARED = "shared", _("Shared or public")
    NONE = "none", _("None")


class Ownership(models.TextChoices):
    OWN = "own", _("Own")
    RENT = "rent", _("Rented")
    RENT_FREE = "rent_free", _("Rent-free")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of family")
    SPOUSE = "spouse", _("Wife or husband")
    CHILD = "child", _("Child")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    GRANDCHILD = "grandchild", _("Grandchild")
    PARENT = "parent", _("Parent or parent-in-law")
    OTHER = "other", _("Other relative or household member")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Not married")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    SD = "sd", _("Primary school (SD)")
    SMP = "smp", _("Junior secondary (SMP)")
    SMA = "sma", _("Senior secondary (SMA/SMK)")
    DIPLOMA = "diploma", _("Diploma (D1-D3)")
    BACHELOR = "bachelor", _("Bachelor (D4/S1)")
    POSTGRADUATE = "postgraduate", _("Postgraduate (S2/S3)")


class Disability(models.TextChoices):
    NONE = "none", _("None")
    PHYSICAL = "physical", _("Physical")
    SENSORY = "sensory", _("Sensory (sight, hearing, speech)")
    INTELLECTUAL = "intellectual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    MULTIPLE = "multiple", _("Multiple")


class ChronicIllness(models.TextChoices):
    NONE = "none", _("None")
    HYPERTENSION = "hypertension", _("Hypertension")
    DIABETES = "diabetes", _("Diabetes")
    HEART = "heart", _("Heart disease")
    TUBERCULOSIS = "tuberculosis", _("Tuberculosis")
    CANCER = "cancer", _("Cancer")
    OTHER = "other", _("Other")


class Presence(models.TextChoices):
    HERE = "here", _("Lives here")
    DIED = "died", _("Died")
    MOVED = "moved", _("Moved within Indonesia")
    ABROAD = "abroad", _("Moved abroad")
    NEW = "new", _("New member")
    NOT_FOUND = "not_found", _("Not found")


# A member who is present counts for duplicate-NIK checks and statistics.
PRESENT = (Presence.HERE, Presence.NEW)

# The fields a submission may correct, in form order. Everything else is bookkeeping.
FAMILY_FIELDS = (
    "no_kk",
    "dusun",
    "rt",
    "rw",
    "street",
    "desil",
    "floor_type",
    "wall_type",
    "roof_type",
    "drinking_water",
    "lighting",
    "cooking_fuel",
    "toilet",
    "land_ownership",
    "house_ownership",
    "has_motorcycle",
    "has_car",
    "has_refrigerator",
    "has_air_conditioner",
    "has_smartphone",
    "receives_pkh",
    "receives_sembako",
    "receives_pbi_jk",
    "receives_blt_dana_desa",
    "other_assistance",
)
MEMBER_FIELDS = (
    "nik",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "relationship",
    "marital_status",
    "education",
    "occupation",
    "disability",
    "chronic_illness",
    "presence",
)
ASSISTANCE_FIELDS = ("receives_pkh", "receives_sembako", "receives_pbi_jk", "receives_blt_dana_desa")
IDENTITY_FIELDS = ("nik", "no_kk")


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


class PokjaMember(models.Model):
    pokja = models.ForeignKey(Pokja, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("Pokja"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    position = models.CharField(_("position"), max_length=20, choices=PokjaPosition.choices)

    class Meta:
        verbose_name = _("Pokja member")
        verbose_name_plural = _("Pokja members")
        ordering = ["pokja_id", "position", "user_id"]
        constraints = [models.UniqueConstraint(fields=["pokja", "user"], name="pokja_member_unique")]

    def __str__(self) -> str:
        return f"{self.get_position_display()} #{self.user_id}"


# ---------------------------------------------------------------------------- rounds and submissions


class RoundQuerySet(models.QuerySet):
    def open(self) -> RoundQuerySet:
        return self.filter(is_open=True)


class Round(models.Model):
    """An update round (periode) opened by the province, with a deadline for each step."""

    name = models.CharField(_("name"), max_length=120)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    submit_deadline = models.DateField(_("deadline to submit (Pokja)"))
    verify_deadline = models.DateField(_("deadline to verify (village head)"))
    approve_deadline = models.DateField(_("deadline to approve (kabupaten/kota)"))
    finalise_deadline = models.DateField(_("deadline to finalise (province)"))
    is_open = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("update round")
        verbose_name_plural = _("update rounds")
        ordering = ["-period_start", "-pk"]

    def __str__(self) -> str:
        return self.name

    def deadline_for(self, state: str) -> object:
        return {
            SubmissionState.SUBMITTED: self.submit_deadline,
            SubmissionState.VERIFIED: self.verify_deadline,
            SubmissionState.APPROVED: self.approve_deadline,
            SubmissionState.FINALISED: self.finalise_deadline,
        }.get(state)


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")
    APPROVED = "approved", _("Approved")
    FINALISED = "finalised", _("Finalised")


STATE_ORDER = [s.value for s in SubmissionState]


class SubmissionQuerySet(models.QuerySet):
    def in_state(self, *states: str) -> SubmissionQuerySet:
        return self.filter(state__in=states)

    def in_region(self, code: str) -> SubmissionQuerySet:
        return self.filter(within_q(code, "village_code"))


def minutes_path(instance: Submission, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"poverty_data/minutes/{instance.round_id}/{instance.pk}.{ext}"


class Submission(models.Model):
    """The proposed changes of one village in one round, and where they are in the review chain."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("round"))
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="poverty_submissions", verbose_name=_("village")
    )
    village_code = models.CharField(_("village code"), max_length=13, editable=False, db_index=True)
    state = models.CharField(_("state"), max_length=10, choices=SubmissionState.choices, default=SubmissionState.DRAFT)
    # Optimistic lock: every write to the submission or its changes bumps it (update ... where version = n).
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("finalised"), null=True, blank=True)
    minutes = models.FileField(_("minutes of the village deliberation"), upload_to=minutes_path, blank=True)
    last_return_reason = models.TextField(_("reason returned"), blank=True)
    # Written at finalisation, so the dashboard's "families changed per round" sums one row per
    # village instead of counting the changes of every finalised submission on each request.
    families_changed = models.PositiveIntegerField(_("families changed"), default=0, db_default=0, editable=False)
    families_new = models.PositiveIntegerField(_("new families"), default=0, db_default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = SubmissionQuerySet.as_manager()

    policy_region_field = "village_code"

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["round_id", "village_code"]
        constraints = [models.UniqueConstraint(fields=["round", "village"], name="submission_one_per_village")]
        indexes = [
            # Review queues and the round overview: state within a region, per round.
            models.Index(fields=["round", "state", "village_code"], name="submission_round_state_idx"),
            models.Index(fields=["state", "village_code"], name="submission_state_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{_('Submission')} #{self.pk}"

    @property
    def policy_region_code(self) -> str:
        return self.village_code

    @property
    def is_editable(self) -> bool:
        return self.state == SubmissionState.DRAFT

    @property
    def is_final(self) -> bool:
        return self.state == SubmissionState.FINALISED


class ChangeKind(models.TextChoices):
    NEW_FAMILY = "new_family", _("New family")
    FAMILY_FIELD = "family_field", _("Family correction")
    MEMBER_FIELD = "member_field", _("Member correction")
    MEMBER_ADDED = "member_added", _("Member added")
    MEMBER_PRESENCE = "member_presence", _("Member presence changed")
    FAMILY_DEACTIVATED = "family_deactivated", _("Family deactivated")


class SubmissionChange(models.Model):
    """One proposed change. Flat and self-contained so an import can ``bulk_create`` thousands.

    * ``new_family``: ``payload`` = {"family": {field: value}, "members": [{field: value}, ...]}.
    * ``family_field`` / ``member_field`` / ``member_presence``: ``field``, ``old_value``, ``new_value``
      on ``family`` (and ``member``); ``base_version`` is the record's version the old value was read from.
    * ``member_added``: ``family`` and ``payload`` = {field: value} of the new member.
    * ``family_deactivated``: ``family``, ``new_value`` = {"reason": ..., "note": ...}.

    Values are JSON (dates as ISO strings). ``resolution`` records why a duplicate NIK is acceptable.
    """

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="changes", verbose_name=_("submission")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChangeKind.choices)
    family = models.ForeignKey(
        Family,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposed_changes",
        verbose_name=_("family"),
    )
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposed_changes",
        verbose_name=_("member"),
    )
    field = models.CharField(_("field"), max_length=40, blank=True)
    old_value = models.JSONField(_("old value"), null=True, blank=True)
    new_value = models.JSONField(_("new value"), null=True, blank=True)
    payload = models.JSONField(_("data"), null=True, blank=True)
    base_version = models.PositiveIntegerField(_("version read"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    resolution = models.CharField(_("duplicate NIK resolution"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["submission_id", "pk"]
        indexes = [
            models.Index(fields=["submission", "family"], name="change_submission_family_idx"),
            # Dashboard: families changed per round (kind/family of finalised submissions).
            models.Index(fields=["family"], name="change_family_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class SubmissionEvent(models.Model):
    """The submission's log: each edit and each step of the review chain, with who, when and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        EDITED = "edited", _("edited the changes")
        SUBMITTED = "submitted", _("submitted")
        VERIFIED = "verified", _("verified")
        APPROVED = "approved", _("approved")
        FINALISED = "finalised", _("finalised")
        RETURNED = "returned", _("returned to draft")
        TAKEN_BACK = "taken_back", _("took back their step")
        RESOLVED = "resolved", _("resolved a duplicate NIK")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=10, choices=SubmissionState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=10, choices=SubmissionState.choices, blank=True)
    version = models.PositiveIntegerField(_("version"))
    detail = models.TextField(_("detail"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["submission_id", "at", "pk"]
        indexes = [models.Index(fields=["submission", "version"], name="event_submission_version_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.submission_id}"


class Reminder(models.Model):
    """A reminder e-mail sent once to a late village for one step of a round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reminders")
    village = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    step = models.CharField(_("step"), max_length=10, choices=SubmissionState.choices)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "village", "step"], name="reminder_once")]
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.village_id}/{self.step}"


def present_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}presence__in": PRESENT})


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
