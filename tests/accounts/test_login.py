"""Login, lock-out, logout, password change and reset, in Indonesian."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "rahasia-kuat-123"


@pytest.fixture
def person(db):
    return UserFactory(username="siti", email="siti@example.com")


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_the_login_page_speaks_indonesian(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Masuk ke portal" in html and "Nama pengguna" in html and "Lupa kata sandi?" in html


def test_a_correct_login_reaches_the_home_page(client, person):
    response = login(client, "siti", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_says_so_in_indonesian(client, person):
    response = login(client, "siti", "salah")
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_it_locks_the_login_after_five_failures_even_with_the_right_password(client, person, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "siti", "salah")
    response = login(client, "siti", PASSWORD)
    assert response.status_code in (403, 429)
    assert "Login dikunci" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302  # still not logged in


def test_the_lock_is_per_account_so_a_colleague_can_still_log_in(client, person, settings):
    UserFactory(username="rekan")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "siti", "salah")
    assert login(client, "rekan", PASSWORD).status_code == 302


def test_logout_needs_a_post_and_ends_the_session(client, person):
    client.force_login(person)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("home")).status_code == 302


def test_password_change_keeps_the_user_logged_in_with_the_new_password(client, person):
    client.force_login(person)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "kata-sandi-baru-77", "new_password2": "kata-sandi-baru-77"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("kata-sandi-baru-77")


def test_a_weak_new_password_is_refused_with_a_reason(client, person):
    client.force_login(person)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    assert response.status_code == 200
    assert "terlalu pendek" in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_password_reset_sends_an_indonesian_email_with_a_working_link(client, person):
    response = client.post(reverse("accounts:password_reset"), {"email": "siti@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Buka tautan ini" in body
    link = next(line for line in body.splitlines() if "/akun/sandi/atur/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert "Tetapkan kata sandi baru" in response.content.decode()


def test_password_reset_does_not_reveal_whether_an_address_exists(client, person):
    response = client.post(reverse("accounts:password_reset"), {"email": "orang-lain@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0


def test_sessions_expire_after_inactivity(settings):
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert 0 < settings.SESSION_REFRESH_SECONDS <= 5 * 60


def _session_row(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.cookies[django_settings.SESSION_COOKIE_NAME].value)


def test_activity_slides_the_session_expiry_at_most_once_per_refresh_interval(client, person, monkeypatch):
    login(client, "siti", PASSWORD)
    client.get(reverse("home"))
    first = _session_row(client).expire_date
    # Within the interval a page view writes nothing (no UPDATE of the session per request).
    client.get(reverse("home"))
    assert _session_row(client).expire_date == first
    # Once the interval has passed, the next page view pushes the expiry forward.
    later = time.time() + django_settings.SESSION_REFRESH_SECONDS + 5
    monkeypatch.setattr("kaltara_portal.middleware.time.time", lambda: later)
    monkeypatch.setattr("django.utils.timezone.now", lambda: dt.datetime.fromtimestamp(later, tz=dt.UTC))
    client.get(reverse("home"))
    assert _session_row(client).expire_date > first
