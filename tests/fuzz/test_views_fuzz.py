"""Fuzzing the key form pages through real POSTs: never a server error, and a refused POST stores nothing.

Each page gets random field values (sometimes with the right hidden versions, so some POSTs
succeed and change the data the next ones see). A POST that is not answered with a redirect
must leave every table the page writes to exactly as it was, and show why on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django import forms
from django.contrib.messages import constants
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import example, given, settings
from hypothesis import strategies as st

from csr import forms as csr_forms
from csr.models import Match, Programme, ProgrammeTarget, Proposal, ProposalEvent
from jobs.models import JobStatus
from organisations import forms as org_forms
from organisations.models import Officer, Organisation, Term
from poverty_data import forms as pd_forms
from poverty_data.models import Family, Member, Submission, SubmissionChange, SubmissionEvent
from poverty_imports.models import ImportBatch, ImportStatus
from regions.models import Level, Region
from tests.organisations.conftest import make_organisation, make_term

from .strategies import form_input


@pytest.fixture
def world(
    region_tree,
    administrator,
    officer,
    company_rep,
    province_staff,
    open_round,
    pokja,
    draft,
    families,
    make_programme,
    proposal,
):
    organisation = make_organisation(user=administrator, region=region_tree.village)
    term = make_term(user=administrator, organisation=organisation)
    family = families[0]
    return SimpleNamespace(
        tree=region_tree,
        organisation=organisation,
        term=term,
        draft=draft,
        round=open_round,
        family=family,
        member=family.members.first(),
        programme=make_programme(),
        proposal=proposal,
        users={"officer": officer, "company_rep": company_rep, "province_staff": province_staff},
    )


def rows(*models) -> tuple:
    """Every row of ``models``, every column: what a refused POST must leave untouched."""
    return tuple(tuple(model.objects.order_by("pk").values_list()) for model in models)


def submission_versions(w) -> dict[str, Any]:
    return {"submission_version": Submission.objects.get(pk=w.draft.pk).version}


@dataclass
class Page:
    user: str
    url: Callable[[Any], str]
    forms: Callable[[Any], list[forms.BaseForm]]  # the forms whose fields the page reads
    stored: Callable[[], tuple]
    right: Callable[[Any], dict[str, Any]] = field(default=lambda w: {})  # hidden values a real page sends


POVERTY_TABLES = (Family, Member, Submission, SubmissionChange, SubmissionEvent)
CSR_TABLES = (Programme, ProgrammeTarget, Proposal, ProposalEvent, Match)

PAGES = {
    "organisation profile": Page(
        user="officer",
        url=lambda w: reverse("organisations:edit", args=[w.organisation.pk]),
        forms=lambda w: [org_forms.OrganisationForm(instance=w.organisation)],
        stored=lambda: rows(Organisation),
    ),
    "officer of a term": Page(
        user="officer",
        url=lambda w: reverse("organisations:officer_create", args=[w.term.pk]),
        forms=lambda w: [org_forms.OfficerForm(instance=Officer(term=w.term))],
        stored=lambda: rows(Officer, Term),
    ),
    "family correction": Page(
        user="officer",
        url=lambda w: reverse("poverty_data:change_family", args=[w.draft.pk, w.family.pk]),
        forms=lambda w: [pd_forms.FamilyForm(instance=Family(village=w.tree.village)), pd_forms.VersionedForm()],
        stored=lambda: rows(*POVERTY_TABLES),
        right=lambda w: {**submission_versions(w), "record_version": Family.objects.get(pk=w.family.pk).version},
    ),
    "member correction": Page(
        user="officer",
        url=lambda w: reverse("poverty_data:change_member", args=[w.draft.pk, w.member.pk]),
        forms=lambda w: [pd_forms.MemberForm(instance=Member()), pd_forms.VersionedForm()],
        stored=lambda: rows(*POVERTY_TABLES),
        right=lambda w: {**submission_versions(w), "record_version": Member.objects.get(pk=w.member.pk).version},
    ),
    "new family": Page(
        user="officer",
        url=lambda w: reverse("poverty_data:change_new_family", args=[w.draft.pk]),
        forms=lambda w: [
            pd_forms.FamilyForm(instance=Family(village=w.tree.village)),
            pd_forms.NewMemberForm(prefix="m0"),
            pd_forms.NewMemberForm(prefix="m1"),
        ],
        stored=lambda: rows(*POVERTY_TABLES),
        right=submission_versions,
    ),
    "csr programme": Page(
        user="company_rep",
        url=lambda w: reverse("csr:programme_create"),
        forms=lambda w: [csr_forms.ProgrammeForm()],
        stored=lambda: rows(*CSR_TABLES),
    ),
    "csr proposal": Page(
        user="officer",
        url=lambda w: reverse("csr:proposal_create"),
        forms=lambda w: [
            csr_forms.ProposalForm(villages=Region.objects.filter(level=Level.DESA_KELURAHAN), kinds=None)
        ],
        stored=lambda: rows(*CSR_TABLES),
    ),
    "match confirmation": Page(
        user="province_staff",
        url=lambda w: reverse("csr:proposal_matching", args=[w.proposal.pk]),
        forms=lambda w: [csr_forms.MatchConfirmForm()],
        stored=lambda: rows(*CSR_TABLES),
        right=lambda w: {"programme": w.programme.pk},
    ),
}


def shows_why(response) -> bool:
    """The page says what is wrong: a form with errors, or an error message."""
    if response.context is None:
        return False
    contexts = response.context if isinstance(response.context, list) else [response.context]
    for context in contexts:
        for value in context.flatten().values():
            candidates = value if isinstance(value, (list, tuple)) else [value]
            if any(isinstance(f, forms.BaseForm) and f.is_bound and f.errors for f in candidates):
                return True
    return any(m.level == constants.ERROR for m in response.wsgi_request._messages)


@pytest.mark.parametrize("name", sorted(PAGES))
@settings(max_examples=25)
@given(data=st.data())
def test_any_post_to_a_form_page_is_saved_or_refused_with_nothing_stored(name, data, world, client):
    page = PAGES[name]
    client.force_login(world.users[page.user])
    post: dict[str, Any] = {"csrfmiddlewaretoken": "x"}  # a browser always sends one: the POST is never empty
    for form in page.forms(world):
        values, files = data.draw(form_input(form))
        post.update(values)
        post.update(files)
    if data.draw(st.booleans()):
        post.update(page.right(world))
    before = page.stored()
    response = client.post(page.url(world), post)
    assert response.status_code in (200, 302, 400, 409), response.status_code
    if response.status_code != 302:
        assert page.stored() == before
        assert shows_why(response)


# ---- the import page -----------------------------------------------------------------------------


@settings(max_examples=25)
@given(
    content=st.one_of(
        st.binary(max_size=3000),
        st.text(max_size=300).map(lambda t: ("no_kk;nik;nama\n" + t).encode("utf-8")),
        st.just(b"no_kk,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,kode_desa\n1,2,3,4,5,6,7\n"),
    ),
    name=st.sampled_from(["daftar.csv", "daftar.xlsx", "foto.jpg", "", "a" * 300 + ".csv"]),
    village=st.sampled_from(["", "65.01.01.2005", "65.03.01.2001", "99.99.99.9999", "x" * 20]),
    sheet=st.one_of(st.just(""), st.text(max_size=120)),
)
@example(content=b"\x01", name="a" * 300 + ".csv", village="", sheet="")  # the job's title overflowed on PostgreSQL
def test_an_uploaded_list_that_is_wrong_is_refused_and_imports_nothing(
    content, name, village, sheet, world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.users["officer"])
    before = rows(*POVERTY_TABLES)
    upload = SimpleUploadedFile(name or "x", content)
    post = {"csrfmiddlewaretoken": "x", "round": world.round.pk, "file": upload, "village": village, "sheet": sheet}
    with django_capture_on_commit_callbacks(execute=True):  # the background job runs at once
        response = client.post(reverse("poverty_imports:new"), post)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert shows_why(response)
    else:
        batch = ImportBatch.objects.latest("pk")
        assert batch.status == ImportStatus.REFUSED, (batch.status, batch.file_error)
        assert batch.job.status == JobStatus.DONE  # not FAILED: no exception in the background job
    assert rows(*POVERTY_TABLES) == before


def test_the_fuzzed_pages_exist_for_their_users(world, client):
    """A renamed URL or lost permission would make the fuzzing above test a 403 page."""
    for name, page in PAGES.items():
        client.force_login(world.users[page.user])
        assert client.get(page.url(world)).status_code == 200, name
