"""A signed-in user is read once per data generation, and never outlives a change to them.

These tests commit for real (``transaction=True``): the generation rises after a commit.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import RoleAssignment, User
from accounts.services import role_revoke
from kaltara_portal import sessions

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    client.get(reverse("home"))
    return client


def user_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return sum('FROM "accounts_user"' in q["sql"] for q in ctx.captured_queries)


def test_the_user_row_is_not_read_again_while_nothing_was_written(officer):
    client = signed_in(officer)
    url = reverse("guides:index")
    assert user_queries(client, url) == 0


def test_a_deactivated_user_is_signed_out_at_the_next_request(officer):
    client = signed_in(officer)
    url = reverse("guides:index")
    assert client.get(url).status_code == 200
    User.objects.filter(pk=officer.pk).update(is_active=False)
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_password_change_ends_the_other_sessions_at_once(officer):
    client = signed_in(officer)
    url = reverse("guides:index")
    assert client.get(url).status_code == 200
    officer.set_password("kata-sandi-baru-yang-panjang")
    officer.save()
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_revoked_role_takes_effect_at_the_next_request(officer, region_tree):
    client = signed_in(officer)
    url = reverse("poverty_data:village", args=[region_tree.village.pk])
    assert client.get(url).status_code == 200
    for assignment in RoleAssignment.objects.filter(user=officer):
        role_revoke(assignment=assignment)
    assert client.get(url).status_code in (403, 404)


def test_what_one_request_sets_on_its_user_does_not_reach_the_next(officer, rf):
    client = signed_in(officer)
    client.get(reverse("guides:index"))
    request = rf.get("/")
    request.session = client.session.__class__(client.session.session_key)
    first = sessions.cached_user(request)
    first.first_name = "Diubah di memori"
    request.session = client.session.__class__(client.session.session_key)
    second = sessions.cached_user(request)
    assert second.pk == officer.pk and second.first_name != "Diubah di memori"


def test_two_users_never_share_an_entry(officer, other_officer):
    mine, theirs = signed_in(officer), signed_in(other_officer)
    assert mine.get(reverse("home")).wsgi_request.user.pk == officer.pk
    assert theirs.get(reverse("home")).wsgi_request.user.pk == other_officer.pk
    assert mine.get(reverse("home")).wsgi_request.user.pk == officer.pk
