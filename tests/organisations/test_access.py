"""Every registry page that takes an id: in scope, out of scope (404), anonymous (log in)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organisations import services

from .conftest import officer_fields


@pytest.fixture
def rows(orgs, administrator, settings, tmp_path):
    """One row of each kind in the home village and in the other one."""
    settings.MEDIA_ROOT = tmp_path
    made = {}
    for key, org in (("home", orgs.home), ("other", orgs.other)):
        term = org.terms.get()
        officer = services.officer_save(user=administrator, term=term, **officer_fields())
        programme = services.programme_save(
            user=administrator, organisation=org, title="P", sector="health", year=2026, budget=0
        )
        assistance = services.assistance_save(
            user=administrator, organisation=org, year=2026, giver="province", form="money", value=1
        )
        partnership = services.partnership_save(user=administrator, organisation=org, partner_name="M", kind="ngo")
        document = services.document_upload(
            user=administrator,
            organisation=org,
            kind="sk",
            title="SK",
            upload=SimpleUploadedFile("sk.pdf", b"%PDF-1.4 x"),
        )
        made[key] = {
            "organisation": org.pk,
            "term": term.pk,
            "officer": officer.pk,
            "programme": programme.pk,
            "assistance": assistance.pk,
            "partnership": partnership.pk,
            "document": document.pk,
        }
    return made


# (url name, kwarg, which row, who may open it in scope)
PAGES = [
    ("organisations:detail", "pk", "organisation", "officer"),
    ("organisations:edit", "pk", "organisation", "officer"),
    ("organisations:term_create", "organisation_pk", "organisation", "officer"),
    ("organisations:term_edit", "pk", "term", "officer"),
    ("organisations:officer_create", "term_pk", "term", "officer"),
    ("organisations:officer_edit", "pk", "officer", "officer"),
    ("organisations:assessment_create", "pk", "organisation", "kabupaten_staff"),
    ("organisations:programme_create", "organisation_pk", "organisation", "officer"),
    ("organisations:programme_edit", "pk", "programme", "officer"),
    ("organisations:assistance_create", "organisation_pk", "organisation", "province_staff"),
    ("organisations:assistance_edit", "pk", "assistance", "province_staff"),
    ("organisations:partnership_create", "organisation_pk", "organisation", "officer"),
    ("organisations:partnership_edit", "pk", "partnership", "officer"),
    ("organisations:document_upload", "pk", "organisation", "officer"),
    ("organisations:document_download", "pk", "document", "officer"),
]


@pytest.mark.parametrize(("name", "kwarg", "row", "role"), PAGES)
def test_each_page_opens_in_scope_is_404_out_of_scope_and_asks_anonymous_visitors_to_log_in(
    client, rows, all_roles, name, kwarg, row, role
):
    home = reverse(name, kwargs={kwarg: rows["home"][row]})
    other = reverse(name, kwargs={kwarg: rows["other"][row]})
    response = client.get(home)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    user = all_roles[role]
    client.force_login(user)
    assert client.get(home).status_code == 200
    if role != "province_staff":  # province staff see everything: nothing is out of their scope
        assert client.get(other).status_code == 404
        assert client.post(other).status_code == 404


@pytest.mark.parametrize(
    ("name", "row"), [("organisations:officer_delete", "officer"), ("organisations:document_delete", "document")]
)
def test_deletions_are_404_out_of_scope_and_403_for_a_village_head(client, rows, all_roles, name, row):
    home = reverse(name, args=[rows["home"][row]])
    other = reverse(name, args=[rows["other"][row]])
    response = client.post(home)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(all_roles["village_head"])
    assert client.post(home).status_code == 403
    client.force_login(all_roles["officer"])
    assert client.post(other).status_code == 404
    assert client.post(home).status_code == 200  # the question first: nothing is deleted yet
    assert client.post(home, {"confirmed": "yes"}).status_code == 302


def test_kabupaten_staff_edit_their_kabupatens_organisations_but_record_no_assistance(client, rows, kabupaten_staff):
    client.force_login(kabupaten_staff)
    assert client.get(reverse("organisations:edit", args=[rows["home"]["organisation"]])).status_code == 200
    assert (
        client.get(reverse("organisations:assistance_create", args=[rows["home"]["organisation"]])).status_code == 403
    )
    assert client.get(reverse("organisations:edit", args=[rows["other"]["organisation"]])).status_code == 404


def test_a_follow_up_is_edited_only_by_province_staff(client, orgs, province_staff, kabupaten_staff, region_tree):
    event = services.event_save(
        user=province_staff,
        region=region_tree.province,
        title="E",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 1, 1),
        place="p",
        organiser="o",
        aim_welfare=True,
    )
    follow_up = services.follow_up_save(
        user=province_staff, event=event, action="a", owner="o", due_on=dt.date(2026, 2, 1)
    )
    url = reverse("organisations:follow_up_edit", args=[follow_up.pk])
    assert client.get(url).status_code == 302
    client.force_login(kabupaten_staff)
    assert client.get(url).status_code == 404
    client.force_login(province_staff)
    assert client.post(url, {"action": "a", "owner": "o", "due_on": "2026-02-01", "done": "on"}).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.done
