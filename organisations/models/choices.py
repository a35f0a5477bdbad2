"""The registry's vocabulary: choices, terms of years, the classification thresholds."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
