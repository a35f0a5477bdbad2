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

By concern: ``choices`` (choices and field lists), ``families``, ``pokja``, ``submissions`` (rounds,
submissions, changes, events, reminders) and ``summaries``; every name is importable from here.
"""

from .choices import (
    ASSISTANCE_FIELDS,
    FAMILY_FIELDS,
    IDENTITY_FIELDS,
    MEMBER_FIELDS,
    PRESENT,
    ChronicIllness,
    CookingFuel,
    Disability,
    DrinkingWater,
    Education,
    FamilyStatus,
    FloorType,
    InactiveReason,
    Lighting,
    MaritalStatus,
    Ownership,
    Presence,
    Relationship,
    RoofType,
    Sex,
    Toilet,
    WallType,
    present_q,
)
from .families import Family, FamilyQuerySet, Member, MemberQuerySet, VersionContext
from .pokja import Pokja, PokjaMember, PokjaMemberQuerySet, PokjaPosition
from .submissions import (
    FIELD_KINDS,
    RETURN_ACTION,
    STATE_ORDER,
    TAKE_BACK,
    ChangeKind,
    Reminder,
    Round,
    RoundQuerySet,
    Submission,
    SubmissionChange,
    SubmissionEvent,
    SubmissionQuerySet,
    SubmissionState,
    minutes_path,
)
from .summaries import VillageRoundStats, VillageStats, VillageStatsBase, VillageStatsQuerySet

__all__ = [
    "ASSISTANCE_FIELDS",
    "FAMILY_FIELDS",
    "IDENTITY_FIELDS",
    "MEMBER_FIELDS",
    "PRESENT",
    "RETURN_ACTION",
    "STATE_ORDER",
    "TAKE_BACK",
    "FIELD_KINDS",
    "ChangeKind",
    "ChronicIllness",
    "CookingFuel",
    "Disability",
    "DrinkingWater",
    "Education",
    "Family",
    "FamilyQuerySet",
    "FamilyStatus",
    "FloorType",
    "InactiveReason",
    "Lighting",
    "MaritalStatus",
    "Member",
    "MemberQuerySet",
    "Ownership",
    "Pokja",
    "PokjaMember",
    "PokjaMemberQuerySet",
    "PokjaPosition",
    "Presence",
    "Relationship",
    "Reminder",
    "RoofType",
    "Round",
    "RoundQuerySet",
    "Sex",
    "Submission",
    "SubmissionChange",
    "SubmissionEvent",
    "SubmissionQuerySet",
    "SubmissionState",
    "Toilet",
    "VersionContext",
    "VillageRoundStats",
    "VillageStats",
    "VillageStatsBase",
    "VillageStatsQuerySet",
    "WallType",
    "minutes_path",
    "present_q",
]
