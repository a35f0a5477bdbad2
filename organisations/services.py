"""Writes to the Karang Taruna registry. Each service asks the policy, checks the rules, writes.

Rules that need no other row live in the models' ``clean()`` (end after start, a split
that adds up, an officer's age); the rules that look at other rows (one organisation
per region, one Ketua per term, terms that do not overlap) live here. A refused write
raises ``ValidationError`` (field -> message) and changes nothing. The history entry is
written by django-simple-history, attributed to ``user``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from accounts import policy
from core.uploads import check_upload
from regions.identity import check_nik
from regions.models import Region

from .models import (
    ASPECTS,
    OFFICER_MIN_AGE,
    Assessment,
    Assistance,
    Attendee,
    Document,
    Event,
    FollowUp,
    Officer,
    Organisation,
    Participation,
    Partnership,
    Position,
    Programme,
    Term,
    class_for_scores,
    default_term_end,
    years_later,
)


def _assign(instance: Model, fields: dict[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown fields for {type(instance).__name__}: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _record[M: Model](
    model: type[M], organisation: Organisation, instance: M | None, fields: dict[str, Any], allowed: Iterable[str]
) -> M:
    """A new record of ``model`` for the organisation, or ``instance`` (which must be the organisation's),
    with ``fields`` assigned."""
    if instance is None:
        instance = model(organisation=organisation)
    elif instance.organisation_id != organisation.pk:
        raise ValueError(f"{model.__name__} of another organisation")
    _assign(instance, fields, allowed)
    return instance


def _save(instance: Model, user: Any, *, exclude: list[str] | None = None) -> Model:
    """Validate (fields, clean(), constraints) and save, attributing the history entry to ``user``."""
    instance.full_clean(exclude=exclude)
    instance._history_user = user if getattr(user, "is_authenticated", False) else None
    instance.save()
    return instance


# ---------------------------------------------------------------------------- organisations

PROFILE_FIELDS = [
    "name",
    "founded_on",
    "sk_number",
    "sk_date",
    "address",
    "phone",
    "email",
    "social_media",
    "vision",
    "mission",
    "status",
    "estimated_members",
]


@transaction.atomic
def organisation_create(*, user: Any, region: Region, **fields: Any) -> Organisation:
    """Register the Karang Taruna of ``region`` (at most one per region)."""
    policy.require(user, "organisation.create", region.code)
    if Organisation.objects.filter(region=region).exists():
        raise ValidationError({"region": _("This region already has a Karang Taruna.")})
    organisation = Organisation(region=region)
    _assign(organisation, fields, PROFILE_FIELDS)
    try:
        with transaction.atomic():
            return _save(organisation, user)
    except IntegrityError:  # a concurrent registration of the same region
        raise ValidationError({"region": _("This region already has a Karang Taruna.")}) from None


@transaction.atomic
def organisation_update(*, user: Any, organisation: Organisation, **fields: Any) -> Organisation:
    """Change the profile of an organisation."""
    policy.require(user, "organisation.edit", organisation)
    _assign(organisation, fields, PROFILE_FIELDS)
    return _save(organisation, user)


# ---------------------------------------------------------------------------- terms and officers

TERM_FIELDS = ["sk_number", "sk_date", "sk_ends_on", "starts_on", "ends_on"]


@transaction.atomic
def term_save(*, user: Any, organisation: Organisation, term: Term | None = None, **fields: Any) -> Term:
    """Create or change a term; its end defaults to five years after its start. Terms do not overlap."""
    policy.require(user, "organisation.edit", organisation)
    term = _record(Term, organisation, term, fields, TERM_FIELDS)
    if term.starts_on and not term.ends_on:
        term.ends_on = default_term_end(term.starts_on)
    term.full_clean()
    overlapping = (
        Term.objects.filter(organisation=organisation, starts_on__lte=term.ends_on, ends_on__gte=term.starts_on)
        .exclude(pk=term.pk)
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            {"starts_on": _("The term overlaps the term %(other)s of this organisation.") % {"other": overlapping}}
        )
    if term.pk:
        latest_birth = years_later(term.starts_on, -OFFICER_MIN_AGE)
        if term.officers.filter(birth_date__gt=latest_birth).exists():
            raise ValidationError(
                {
                    "starts_on": _("With this start, an officer of the term would be younger than %(age)d.")
                    % {"age": OFFICER_MIN_AGE}
                }
            )
    return _save(term, user)


OFFICER_FIELDS = ["name", "position", "field_name", "sex", "birth_date", "phone", "nik"]


@transaction.atomic
def officer_save(*, user: Any, term: Term, officer: Officer | None = None, **fields: Any) -> Officer:
    """Add or change an officer of ``term``: at least 17 at the term's start, one Ketua per term, a valid NIK."""
    policy.require(user, "organisation.edit", term.organisation)
    if officer is None:
        officer = Officer(term=term)
    elif officer.term_id != term.pk:
        raise ValueError("officer of another term")
    _assign(officer, fields, OFFICER_FIELDS)
    officer.nik = (officer.nik or "").strip()
    if officer.nik:
        result = check_nik(officer.nik, birth_date=officer.birth_date, sex=officer.sex)
        if not result.ok:
            raise ValidationError({"nik": result.errors})
    if officer.position == Position.KETUA and term.officers.filter(position=Position.KETUA).exclude(pk=officer.pk):
        raise ValidationError({"position": _("This term already has a Ketua.")})
    try:
        with transaction.atomic():
            return _save(officer, user, exclude=["term"])
    except IntegrityError:
        raise ValidationError({"position": _("This term already has a Ketua.")}) from None


@transaction.atomic
def officer_delete(*, user: Any, officer: Officer) -> None:
    policy.require(user, "organisation.edit", officer.term.organisation)
    officer._history_user = user
    officer.delete()


# ---------------------------------------------------------------------------- classification


@transaction.atomic
def assessment_record(
    *, user: Any, organisation: Organisation, assessed_on: dt.date, note: str = "", **scores: int
) -> Assessment:
    """Record an assessment of the six aspects; the class follows from the scores and becomes current."""
    policy.require(user, "organisation.assess", organisation)
    names = [name for name, _label in ASPECTS]
    if set(scores) != set(names):
        raise TypeError(f"assessment_record needs exactly the scores {names}")
    assessment = Assessment(organisation=organisation, assessed_on=assessed_on, note=note, assessor=user, **scores)
    assessment.classification = class_for_scores([scores[n] for n in names])
    _save(assessment, user, exclude=["assessor"])
    latest = organisation.assessments.order_by("-assessed_on", "-pk").first()
    if latest is not None and (organisation.classification, organisation.classified_on) != (
        latest.classification,
        latest.assessed_on,
    ):
        organisation.classification, organisation.classified_on = latest.classification, latest.assessed_on
        organisation._history_user = user
        organisation.save(update_fields=["classification", "classified_on", "updated_at"])
    return assessment


# ---------------------------------------------------------------------------- programmes

PROGRAMME_FIELDS = [
    "title",
    "sector",
    "year",
    "description",
    "budget",
    "funded_province",
    "funded_kabupaten",
    "funded_village",
    "funded_swadaya",
    "funded_csr",
    "status",
    "realised_amount",
    "beneficiaries",
    "realisation_note",
]


@transaction.atomic
def programme_save(
    *, user: Any, organisation: Organisation, programme: Programme | None = None, **fields: Any
) -> Programme:
    """Create or change a programme; the split by who backs it must add up to the budget."""
    policy.require(user, "organisation.edit", organisation)
    programme = _record(Programme, organisation, programme, fields, PROGRAMME_FIELDS)
    return _save(programme, user)


# ---------------------------------------------------------------------------- documents


@transaction.atomic
def document_upload(*, user: Any, organisation: Organisation, kind: str, title: str, upload: UploadedFile) -> Document:
    """Store a checked file (type by its content, size by UPLOAD_MAX_MB) for the organisation."""
    policy.require(user, "organisation.edit", organisation)
    try:
        file_type = check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"upload": exc.messages}) from None
    document = Document(
        organisation=organisation,
        kind=kind,
        title=title or upload.name,
        original_name=(upload.name or "")[-200:],
        content_type=file_type.content_type,
        size=upload.size,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    document.file.save(upload.name, upload, save=False)
    try:
        return _save(document, user, exclude=["uploaded_by"])
    except Exception:
        document.file.delete(save=False)
        raise


@transaction.atomic
def document_delete(*, user: Any, document: Document) -> None:
    policy.require(user, "organisation.edit", document.organisation)
    document._history_user = user
    stored = document.file.name
    document.delete()
    transaction.on_commit(lambda: document.file.storage.delete(stored))


# ---------------------------------------------------------------------------- assistance and partnerships

ASSISTANCE_FIELDS = ["year", "giver", "giver_name", "form", "value", "description"]


@transaction.atomic
def assistance_save(
    *,
    user: Any,
    organisation: Organisation,
    assistance: Assistance | None = None,
    upload: UploadedFile | None = None,
    **fields: Any,
) -> Assistance:
    """Record (or correct) assistance received, with an optional supporting document."""
    policy.require(user, "assistance.record", organisation)
    assistance = _record(Assistance, organisation, assistance, fields, ASSISTANCE_FIELDS)
    assistance.full_clean(exclude=["document"])
    if upload is not None:
        # The uploader is province staff: the document belongs to the organisation's file.
        file_type = None
        try:
            file_type = check_upload(upload)
        except ValidationError as exc:
            raise ValidationError({"upload": exc.messages}) from None
        document = Document(
            organisation=organisation,
            kind="assistance",
            title=_("Assistance %(year)s") % {"year": assistance.year},
            original_name=(upload.name or "")[-200:],
            content_type=file_type.content_type,
            size=upload.size,
            uploaded_by=user,
        )
        document.file.save(upload.name, upload, save=False)
        _save(document, user, exclude=["uploaded_by"])
        assistance.document = document
    return _save(assistance, user)


PARTNERSHIP_FIELDS = ["partner_name", "kind", "since", "activities"]


@transaction.atomic
def partnership_save(
    *, user: Any, organisation: Organisation, partnership: Partnership | None = None, **fields: Any
) -> Partnership:
    policy.require(user, "organisation.edit", organisation)
    partnership = _record(Partnership, organisation, partnership, fields, PARTNERSHIP_FIELDS)
    return _save(partnership, user)


# ---------------------------------------------------------------------------- events

EVENT_FIELDS = [
    "title",
    "starts_on",
    "ends_on",
    "place",
    "organiser",
    "aim_administration",
    "aim_management",
    "aim_welfare",
    "aim_network",
    "materials",
]


@transaction.atomic
def event_save(*, user: Any, region: Region | None = None, event: Event | None = None, **fields: Any) -> Event:
    """Create (in ``region``) or change a capacity-building event."""
    if event is None:
        if region is None:
            raise TypeError("a new event needs its organising region")
        policy.require(user, "event.manage", region.code)
        event = Event(region=region)
    else:
        policy.require(user, "event.manage", event)
    _assign(event, fields, EVENT_FIELDS)
    return _save(event, user)


@transaction.atomic
def event_invite(*, user: Any, event: Event, organisations: Iterable[Organisation]) -> int:
    """Invite organisations (each once); returns how many were newly invited."""
    policy.require(user, "event.manage", event)
    invited = set(event.participations.values_list("organisation_id", flat=True))
    added = 0
    for organisation in organisations:
        if organisation.pk in invited:
            continue
        participation = Participation(event=event, organisation=organisation)
        participation._history_user = user
        participation.save()
        invited.add(organisation.pk)
        added += 1
    return added


@transaction.atomic
def event_attendance_set(*, user: Any, event: Event, attended_ids: Iterable[int]) -> int:
    """Mark which invited organisations attended; returns how many changed."""
    policy.require(user, "event.manage", event)
    attended = set(attended_ids)
    changed = 0
    for participation in event.participations.all():
        value = participation.organisation_id in attended
        if participation.attended != value:
            participation.attended = value
            participation._history_user = user
            participation.save(update_fields=["attended"])
            changed += 1
    return changed


@transaction.atomic
def attendee_add(*, user: Any, participation: Participation, name: str, position: str = "") -> Attendee:
    """Record one person present for an invited organisation (which therefore attended)."""
    policy.require(user, "event.manage", participation.event)
    attendee = _save(Attendee(participation=participation, name=name, position=position), user)
    if not participation.attended:
        participation.attended = True
        participation._history_user = user
        participation.save(update_fields=["attended"])
    return attendee


FOLLOW_UP_FIELDS = ["action", "owner", "due_on", "done"]


@transaction.atomic
def follow_up_save(*, user: Any, event: Event, follow_up: FollowUp | None = None, **fields: Any) -> FollowUp:
    policy.require(user, "event.manage", event)
    if follow_up is None:
        follow_up = FollowUp(event=event)
    elif follow_up.event_id != event.pk:
        raise ValueError("follow-up of another event")
    _assign(follow_up, fields, FOLLOW_UP_FIELDS)
    return _save(follow_up, user)
