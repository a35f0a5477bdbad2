"""Fuzzing every user-facing form of the portal with random field values.

For each form: validating any input raises no exception; a refused input has its errors on
the fields they are about (a message above the form must name a field); the form still
renders with the bad input in it.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django import forms
from django.utils.datastructures import MultiValueDict
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.forms import LoginForm, PasswordResetRequestForm, PersonalDataAccessFilterForm
from csr import forms as csr_forms
from csr.models import Programme as CsrProgramme
from organisations import forms as org_forms
from organisations.models import Assessment, Assistance, Event, FollowUp, Officer, Partnership, Programme, Term
from poverty_data import forms as pd_forms
from poverty_data.models import Family, Member, Pokja
from poverty_imports import forms as import_forms
from regions.models import Level, Region
from tests.factories import EventFactory
from tests.organisations.conftest import make_organisation, make_term

from .strategies import form_input


@pytest.fixture
def django_settings(settings):
    return settings


@pytest.fixture
def world(region_tree, administrator, officer, village_head, open_round, pokja, families):
    organisation = make_organisation(user=administrator, region=region_tree.village)
    term = make_term(user=administrator, organisation=organisation)
    event = EventFactory(region=region_tree.province, aim_management=True)
    return SimpleNamespace(
        tree=region_tree,
        organisation=organisation,
        term=term,
        event=event,
        round=open_round,
        pokja=pokja,
        administrator=administrator,
    )


# name -> build(world) -> (form class, keyword arguments besides data and files)
FORMS = {
    "accounts.LoginForm": lambda w: (LoginForm, {"request": None}),
    "accounts.PersonalDataAccessFilterForm": lambda w: (PersonalDataAccessFilterForm, {}),
    "accounts.PasswordResetRequestForm": lambda w: (PasswordResetRequestForm, {}),
    "csr.ProgrammeForm": lambda w: (csr_forms.ProgrammeForm, {}),
    "csr.ProposalForm": lambda w: (
        csr_forms.ProposalForm,
        {"villages": Region.objects.filter(level=Level.DESA_KELURAHAN), "kinds": {"karang_taruna"}},
    ),
    "csr.NoteForm": lambda w: (csr_forms.NoteForm, {}),
    "csr.AttachmentForm": lambda w: (csr_forms.AttachmentForm, {}),
    "csr.MatchConfirmForm": lambda w: (csr_forms.MatchConfirmForm, {"programmes": CsrProgramme.objects.all()}),
    "csr.DecisionForm": lambda w: (csr_forms.DecisionForm, {}),
    "csr.RealisationForm": lambda w: (csr_forms.RealisationForm, {}),
    "csr.ProgrammeFilter": lambda w: (csr_forms.ProgrammeFilter, {}),
    "csr.ProposalFilter": lambda w: (csr_forms.ProposalFilter, {}),
    "csr.MatchFilter": lambda w: (csr_forms.MatchFilter, {}),
    "csr.CompanyFilter": lambda w: (csr_forms.CompanyFilter, {}),
    "csr.PlanGroupForm": lambda w: (csr_forms.PlanGroupForm, {}),
    "csr.ProgrammeStatusForm": lambda w: (csr_forms.ProgrammeStatusForm, {}),
    "csr.PlannerApplyForm": lambda w: (csr_forms.PlannerApplyForm, {}),
    "csr.CompanyForm": lambda w: (csr_forms.CompanyForm, {}),
    "organisations.OrganisationForm": lambda w: (org_forms.OrganisationForm, {"instance": w.organisation}),
    "organisations.OrganisationCreateForm": lambda w: (
        org_forms.OrganisationCreateForm,
        {"regions": Region.objects.filter(level=Level.DESA_KELURAHAN)},
    ),
    "organisations.TermForm": lambda w: (org_forms.TermForm, {"instance": Term(organisation=w.organisation)}),
    "organisations.OfficerForm": lambda w: (org_forms.OfficerForm, {"instance": Officer(term=w.term)}),
    "organisations.AssessmentForm": lambda w: (
        org_forms.AssessmentForm,
        {"instance": Assessment(organisation=w.organisation)},
    ),
    "organisations.ProgrammeForm": lambda w: (
        org_forms.ProgrammeForm,
        {"instance": Programme(organisation=w.organisation)},
    ),
    "organisations.AssistanceForm": lambda w: (
        org_forms.AssistanceForm,
        {"instance": Assistance(organisation=w.organisation)},
    ),
    "organisations.PartnershipForm": lambda w: (
        org_forms.PartnershipForm,
        {"instance": Partnership(organisation=w.organisation)},
    ),
    "organisations.DocumentForm": lambda w: (org_forms.DocumentForm, {}),
    "organisations.EventForm": lambda w: (org_forms.EventForm, {"instance": Event(region=w.tree.province)}),
    "organisations.InviteForm": lambda w: (org_forms.InviteForm, {"organisations": type(w.organisation).objects.all()}),
    "organisations.AttendeeForm": lambda w: (org_forms.AttendeeForm, {"participations": []}),
    "organisations.FollowUpForm": lambda w: (org_forms.FollowUpForm, {"instance": FollowUp(event=w.event)}),
    "organisations.OrganisationFilterForm": lambda w: (org_forms.OrganisationFilterForm, {"user": w.administrator}),
    "organisations.AttendanceForm": lambda w: (org_forms.AttendanceForm, {}),
    "poverty_data.VersionedForm": lambda w: (pd_forms.VersionedForm, {}),
    "poverty_data.FamilyForm": lambda w: (pd_forms.FamilyForm, {"instance": Family(village=w.tree.village)}),
    "poverty_data.MemberForm": lambda w: (pd_forms.MemberForm, {"instance": Member()}),
    "poverty_data.NewMemberForm": lambda w: (pd_forms.NewMemberForm, {"prefix": "m0"}),
    "poverty_data.DeactivateForm": lambda w: (pd_forms.DeactivateForm, {}),
    "poverty_data.ReasonForm": lambda w: (pd_forms.ReasonForm, {}),
    "poverty_data.VerifyForm": lambda w: (pd_forms.VerifyForm, {}),
    "poverty_data.RoundForm": lambda w: (pd_forms.RoundForm, {}),
    "poverty_data.PokjaForm": lambda w: (pd_forms.PokjaForm, {"instance": Pokja(village=w.tree.village_same_kab)}),
    "poverty_data.PokjaMemberForm": lambda w: (
        pd_forms.PokjaMemberForm,
        {"users": _users()},
    ),
    "poverty_data.FamilyFilterForm": lambda w: (pd_forms.FamilyFilterForm, {}),
    "poverty_data.FamilySearchForm": lambda w: (pd_forms.FamilySearchForm, {}),
    "poverty_data.StepForm": lambda w: (pd_forms.StepForm, {}),
    "poverty_data.QuickReturnForm": lambda w: (pd_forms.QuickReturnForm, {}),
    "poverty_data.ResolveForm": lambda w: (pd_forms.ResolveForm, {}),
    "poverty_data.PokjaRemoveForm": lambda w: (pd_forms.PokjaRemoveForm, {"pokja": None}),
    "poverty_data.NikCheckForm": lambda w: (pd_forms.NikCheckForm, {}),
    "poverty_data.VersionsForm": lambda w: (pd_forms.VersionsForm, {}),
    "poverty_data.RegionForm": lambda w: (pd_forms.RegionForm, {}),
    "poverty_imports.ImportForm": lambda w: (import_forms.ImportForm, {"village": w.tree.village}),
    "poverty_imports.ExportForm": lambda w: (import_forms.ExportForm, {"regions": [w.tree.province, w.tree.bulungan]}),
}


def _users():
    from accounts.models import User

    return User.objects.all()


def _as_query(data: dict) -> MultiValueDict:
    return MultiValueDict({k: v if isinstance(v, list) else [v] for k, v in data.items()})


def _labels(form: forms.Form) -> list[str]:
    return [str(f.label or name).lower() for name, f in form.fields.items()] + [n.lower() for n in form.fields]


# Refusals about the form as a whole, which no single field owns (each names what it is about).
WHOLE_FORM_MESSAGES = {
    "Pilih sedikitnya satu tujuan kegiatan.",  # Event: at least one of its four aim boxes
}


def test_every_user_facing_form_is_in_the_fuzz_list():
    """A new form in */forms.py must be added to FORMS (or this test says which one is missing)."""
    import importlib

    found = set()
    for app in ("accounts", "csr", "organisations", "poverty_data", "poverty_imports"):
        module = importlib.import_module(f"{app}.forms")
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                found.add(f"{app}.{name}")
    assert found - set(FORMS) == set()


@pytest.mark.parametrize("name", sorted(FORMS))
@settings(max_examples=20)  # x 41 forms; each CI run draws new values
@given(data=st.data())
def test_any_input_to_a_form_is_accepted_or_refused_on_the_fields_without_an_exception(
    name, data, world, django_settings
):
    django_settings.AXES_ENABLED = False  # the login form authenticates; the lock-out is tested in tests/accounts
    form_class, kwargs = FORMS[name](world)
    post, files = data.draw(form_input(form_class(**kwargs)))
    form = form_class(data=_as_query(post), files=_as_query(files), **kwargs)
    valid = form.is_valid()
    form.as_div()  # the form shows again with the bad input in it
    if valid:
        return
    assert form.errors
    labels = _labels(form)
    for field, errors in form.errors.items():
        assert field == "__all__" or field in form.fields, field
        assert all(str(e).strip() for e in errors)
    for message in form.non_field_errors():
        if name == "accounts.LoginForm" or message in WHOLE_FORM_MESSAGES:
            continue
        assert any(label in message.lower() for label in labels), f"{name}: {message!r} names no field"


# ---- crashes fuzzing found, kept as explicit examples --------------------------------------------


@pytest.mark.parametrize("starts_on", ["9999-12-31", "0001-01-01"])
def test_a_term_starting_in_a_far_year_is_refused_on_its_field_not_a_crash(starts_on, world):
    form = org_forms.TermForm(
        data={"starts_on": starts_on, "sk_number": "1"}, instance=Term(organisation=world.organisation)
    )
    assert not form.is_valid()
    assert form.errors["starts_on"] == ["Masukkan tanggal antara tahun 1900 dan 2100."]


@pytest.mark.parametrize("pk", ["9" * 40, str(2**63), "-" + "9" * 25])
def test_an_organisation_id_beyond_any_integer_is_refused_on_the_invite_field_not_a_crash(pk, world):
    form = org_forms.InviteForm(
        data=MultiValueDict({"organisations": [pk]}), organisations=type(world.organisation).objects.all()
    )
    assert not form.is_valid()
    assert list(form.errors) == ["organisations"]
