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

The package by concern: ``choices`` (the vocabulary), ``organisation`` (the organisation, its
terms and officers), ``records`` (assessments, programmes, assistance, partnerships, documents)
and ``events``. Everything is importable from ``organisations.models``.
"""

from .choices import (
    ASPECTS,
    CLASS_THRESHOLDS,
    MAX_SCORE,
    OFFICER_MIN_AGE,
    TERM_YEARS,
    WARNING_DAYS,
    YEAR_VALIDATORS,
    AssistanceForm,
    Classification,
    DocumentKind,
    Giver,
    PartnerKind,
    Position,
    ProgrammeStatus,
    Sector,
    Sex,
    Status,
    TermState,
    age_on,
    class_for_scores,
    default_term_end,
    today,
    years_later,
)
from .events import (
    AIM_FIELDS,
    Attendee,
    Event,
    EventQuerySet,
    FollowUp,
    Participation,
)
from .organisation import (
    Officer,
    Organisation,
    OrganisationChild,
    OrganisationQuerySet,
    Term,
    TermQuerySet,
    attach_term_state,
    current_term_q,
    expiring_q,
)
from .records import (
    FUNDING_FIELDS,
    Assessment,
    Assistance,
    Document,
    Partnership,
    Programme,
    document_path,
)

__all__ = [
    "AIM_FIELDS",
    "ASPECTS",
    "Assessment",
    "Assistance",
    "AssistanceForm",
    "Attendee",
    "CLASS_THRESHOLDS",
    "Classification",
    "Document",
    "DocumentKind",
    "Event",
    "EventQuerySet",
    "FUNDING_FIELDS",
    "FollowUp",
    "Giver",
    "MAX_SCORE",
    "OFFICER_MIN_AGE",
    "Officer",
    "Organisation",
    "OrganisationChild",
    "OrganisationQuerySet",
    "Participation",
    "PartnerKind",
    "Partnership",
    "Position",
    "Programme",
    "ProgrammeStatus",
    "Sector",
    "Sex",
    "Status",
    "TERM_YEARS",
    "Term",
    "TermQuerySet",
    "TermState",
    "WARNING_DAYS",
    "YEAR_VALIDATORS",
    "age_on",
    "attach_term_state",
    "class_for_scores",
    "current_term_q",
    "default_term_end",
    "document_path",
    "expiring_q",
    "today",
    "years_later",
]
