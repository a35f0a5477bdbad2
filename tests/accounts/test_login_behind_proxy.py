"""The login lock-out behind the shipped nginx counts the real client, not the proxy.

nginx reaches gunicorn from 127.0.0.1 and appends the address it saw to X-Forwarded-For
(deploy/nginx/kaltara.conf: $proxy_add_x_forwarded_for); deploy/env.production.example trusts that
one proxy (TRUSTED_PROXY_COUNT=1). Each request here arrives as nginx would hand it over.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "rahasia-kuat-123"
NGINX = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def person(db):
    return UserFactory(username="siti")


def through_nginx(client, client_address, password, *, forged: str = ""):
    """A login POST as nginx forwards it: the client's own X-Forwarded-For, then nginx's entry."""
    forwarded = f"{forged}, {client_address}" if forged else client_address
    return client.post(
        reverse("accounts:login"),
        {"username": "siti", "password": password},
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_five_wrong_passwords_from_elsewhere_do_not_lock_the_real_user_out(client, person, settings, behind_nginx):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        through_nginx(client, "203.0.113.9", "salah")
    assert through_nginx(client, "203.0.113.9", PASSWORD).status_code in (403, 429)
    assert through_nginx(client, "198.51.100.7", PASSWORD).status_code == 302


def test_a_guesser_who_forges_x_forwarded_for_is_still_locked_out(client, person, settings, behind_nginx):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        through_nginx(client, "203.0.113.9", "salah", forged=f"10.0.0.{attempt}")
    response = through_nginx(client, "203.0.113.9", PASSWORD, forged="10.0.0.99")
    assert response.status_code in (403, 429)
    assert "Login dikunci" in response.content.decode()


def test_a_guesser_cannot_lock_out_another_address_by_forging_it(client, person, settings, behind_nginx):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        through_nginx(client, "203.0.113.9", "salah", forged="198.51.100.7")
    assert through_nginx(client, "198.51.100.7", PASSWORD).status_code == 302


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, person, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"),
            {"username": "siti", "password": "salah"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}",
        )
    response = client.post(
        reverse("accounts:login"),
        {"username": "siti", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="10.0.0.99",
    )
    assert response.status_code in (403, 429)


def test_the_shipped_configuration_trusts_exactly_the_nginx_that_appends_the_address():
    env = (ROOT / "deploy/env.production.example").read_text()
    assert "\nTRUSTED_PROXY_COUNT=1\n" in env
    nginx = (ROOT / "deploy/nginx/kaltara.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
