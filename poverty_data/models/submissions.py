"""Update rounds, submissions (one per village per round), their changes, events and reminders."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import JSONDocumentField
from regions.models import within_q

from .families import Family, Member
from .pokja import PokjaMember

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

    @property
    def submit_overdue(self) -> bool:
        """The submit deadline has passed: it is after that day in the portal's time zone (Asia/Makassar)."""
        return timezone.localdate() > self.submit_deadline

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

# The review chain's turns: who may return a submission in each state (to draft, with a reason),
# and who may take back their own step (the action, the state it goes back to, the stamp it clears).
RETURN_ACTION = {
    SubmissionState.SUBMITTED: "submission.verify",
    SubmissionState.VERIFIED: "submission.approve",
    SubmissionState.APPROVED: "submission.finalise",
}
TAKE_BACK = {
    SubmissionState.SUBMITTED: ("submission.edit", SubmissionState.DRAFT, "submitted_at"),
    SubmissionState.VERIFIED: ("submission.verify", SubmissionState.SUBMITTED, "verified_at"),
    SubmissionState.APPROVED: ("submission.approve", SubmissionState.VERIFIED, "approved_at"),
}


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

    # Indexed by (round, village) and (round, state, village_code) below; the key's own index would repeat them.
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("round"), db_index=False
    )
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

    def policy_has_member(self, user: Any) -> bool:
        """An officer edits the draft only from a seat on the village's Pokja (``policy.MEMBERS_ONLY``)."""
        return PokjaMember.objects.seat(user=user, village_code=self.village_code).exists()

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


# The kinds that correct one field of a record: a record's field corrections are read (and counted) as
# one proposal, so the review queue and the submission page count the same thing.
FIELD_KINDS = (ChangeKind.FAMILY_FIELD, ChangeKind.MEMBER_FIELD, ChangeKind.MEMBER_PRESENCE)


class SubmissionChange(models.Model):
    """One proposed change. Flat and self-contained so an import can ``bulk_create`` thousands.

    * ``new_family``: ``payload`` = {"family": {field: value}, "members": [{field: value}, ...]}.
    * ``family_field`` / ``member_field`` / ``member_presence``: ``field``, ``old_value``, ``new_value``
      on ``family`` (and ``member``); ``base_version`` is the record's version the old value was read from.
    * ``member_added``: ``family`` and ``payload`` = {field: value} of the new member.
    * ``family_deactivated``: ``family``, ``new_value`` = {"reason": ..., "note": ...}.

    Values are JSON (dates as ISO strings). ``resolution`` records why a duplicate NIK is acceptable.
    """

    # Indexed by (submission, family) below; the foreign keys' own indexes would repeat it.
    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("submission"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChangeKind.choices)
    family = models.ForeignKey(
        Family,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposed_changes",
        verbose_name=_("family"),
        db_index=False,
    )
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposed_changes",
        verbose_name=_("member"),
        db_index=False,
    )
    field = models.CharField(_("field"), max_length=40, blank=True)
    old_value = models.JSONField(_("old value"), null=True, blank=True)
    new_value = models.JSONField(_("new value"), null=True, blank=True)
    # A new family's proposal is most of a large import: ``json`` is written at the speed of text.
    payload = JSONDocumentField(_("data"), null=True, blank=True)
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
            # Dashboard: families changed per round (kind/family of finalised submissions); a family's or
            # member's pending changes. Partial: a new family's proposal (most rows of a large import)
            # has neither, and writing it touches no entry of these two.
            models.Index(fields=["family"], name="change_family_idx", condition=Q(family__isnull=False)),
            models.Index(fields=["member"], name="change_member_idx", condition=Q(member__isnull=False)),
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

    # Indexed by (submission, version) below; the key's own index would repeat it.
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events", db_index=False)
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
