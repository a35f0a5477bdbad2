"""Factories for the rows tests build straight in the database (factory-boy).

Regions come from ``region_tree`` in tests/conftest.py (codes must nest): a factory that needs one is
given it. Rows a service owns (a Pokja, a submission and its changes, families with their members)
are made through the service, as the fixtures in each folder's conftest do; these factories are for
the rows a test sets up as they would stand, not for the way there.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from accounts.models import User
from csr.models import Company, Programme, ProgrammeTarget, Proposal, ProposalEvent
from jobs.models import Job
from organisations import models as om
from poverty_data.models import Round, VillageRoundStats
from poverty_imports.models import ImportBatch, ImportIssue


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("rahasia-kuat-123")


# ------------------------------------------------------------------------------------------- csr


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"PT Contoh {n}")
    business_sector = "Perkebunan"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """An open education programme for 2026, Rp 100 juta; ``targets=[region, ...]`` adds its target regions."""

    class Meta:
        model = Programme
        skip_postgeneration_save = True

    company = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"Program {n}")
    sector = "education"
    budget = Decimal(100_000_000)
    starts_on = dt.date(2026, 1, 1)
    ends_on = dt.date(2026, 12, 31)
    status = "open"

    @factory.post_generation
    def targets(self, create, regions, **kwargs):
        if create and regions:
            ProgrammeTarget.objects.bulk_create([ProgrammeTarget(programme=self, region=r) for r in regions])


class ProposalFactory(factory.django.DjangoModelFactory):
    """A submitted education proposal, Rp 50 juta, with the event of its state (by its author)."""

    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    sector = "education"
    title = factory.Sequence(lambda n: f"Usulan {n}")
    description = "Kegiatan pemuda desa."
    amount_requested = Decimal(50_000_000)
    state = "submitted"

    @factory.post_generation
    def event(self, create, extracted, **kwargs):
        if create:
            ProposalEventFactory(proposal=self, to_state=self.state, actor=self.created_by)


class ProposalEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalEvent


# --------------------------------------------------------------------------------- organisations


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = om.Organisation

    name = factory.LazyAttribute(lambda o: f"Karang Taruna {o.region.name}")


class TermFactory(factory.django.DjangoModelFactory):
    """A five-year term that started a year ago (``starts_on`` and ``ends_on`` may be given)."""

    class Meta:
        model = om.Term

    organisation = factory.SubFactory(OrganisationFactory)
    sk_number = "1"
    starts_on = factory.LazyFunction(lambda: om.years_later(om.today(), -1))
    sk_date = factory.SelfAttribute("starts_on")
    ends_on = factory.LazyAttribute(lambda t: om.default_term_end(t.starts_on))


class OrganisationProgrammeFactory(factory.django.DjangoModelFactory):
    """A Karang Taruna's programme (program kerja) of 2026, backed by the province."""

    class Meta:
        model = om.Programme

    organisation = factory.SubFactory(OrganisationFactory)
    title = "Pelatihan"
    sector = "education"
    year = 2026
    budget = 1000
    funded_province = factory.SelfAttribute("budget")


class EventFactory(factory.django.DjangoModelFactory):
    """A two-day capacity-building event of the province staff."""

    class Meta:
        model = om.Event

    title = "Pelatihan"
    starts_on = dt.date(2026, 12, 1)
    ends_on = factory.LazyAttribute(lambda e: e.starts_on + dt.timedelta(days=1))
    place = "Tanjung Selor"
    organiser = "Dinsos"


# ---------------------------------------------------------------------------------- poverty data


class RoundFactory(factory.django.DjangoModelFactory):
    """A closed quarter's round: its deadlines fall in its period (``period_start`` may be given)."""

    class Meta:
        model = Round

    name = factory.Sequence(lambda n: f"Pemutakhiran {n}")
    period_start = dt.date(2026, 4, 1)
    period_end = factory.LazyAttribute(lambda r: _days_after(r.period_start, 90))
    submit_deadline = factory.LazyAttribute(lambda r: _days_after(r.period_start, 44))
    verify_deadline = factory.LazyAttribute(lambda r: _days_after(r.period_start, 60))
    approve_deadline = factory.LazyAttribute(lambda r: _days_after(r.period_start, 75))
    finalise_deadline = factory.SelfAttribute("period_end")
    is_open = False


def _days_after(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


class VillageRoundStatsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VillageRoundStats

    round = factory.SubFactory(RoundFactory)
    families = 100


# ------------------------------------------------------------------------------ jobs and imports


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    kind = "test"
    title = "Impor"


class ImportBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportBatch

    file_name = factory.Sequence(lambda n: f"daftar-{n}.csv")


class ImportIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportIssue

    row = 2
    column = "nik"
    severity = "error"
    message = "NIK salah"
