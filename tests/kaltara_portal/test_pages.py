"""Home page per demo role, health check, security headers, error pages, language switch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import User
from tests.pg import database_url

ROOT = Path(__file__).resolve().parents[2]
DEMO_USERS = ["provinsi", "kabupaten", "pengurus", "kades", "pengurus2", "perusahaan", "admin"]


@pytest.mark.parametrize("username", DEMO_USERS)
def test_every_demo_login_reaches_its_home_page(client, demo_data, username):
    response = client.post(reverse("accounts:login"), {"username": username, "password": "demo12345"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("home")
    html = response.content.decode()
    assert "Yang perlu saya tindak lanjuti" in html
    user = User.objects.get(username=username)
    assert f"Selamat datang, {user.display_name}" in html


def test_the_home_page_shows_each_role_and_its_scope(client, demo_data):
    client.force_login(User.objects.get(username="pengurus"))
    html = client.get(reverse("home")).content.decode()
    assert "Pengurus Karang Taruna: Desa Gunung Putih" in html
    client.force_login(User.objects.get(username="perusahaan"))
    assert "Perwakilan perusahaan: PT Kaltara Hijau Lestari (demo)" in client.get(reverse("home")).content.decode()


def test_only_the_administrator_sees_the_admin_link_and_user_card(client, demo_data):
    client.force_login(User.objects.get(username="admin"))
    html = client.get(reverse("home")).content.decode()
    assert "Kelola pengguna di admin" in html and 'href="/admin/"' in html
    client.force_login(User.objects.get(username="pengurus"))
    html = client.get(reverse("home")).content.decode()
    assert "Kelola pengguna di admin" not in html and 'href="/admin/"' not in html


def test_the_home_page_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_pages_carry_a_strict_content_security_policy(client, officer):
    client.force_login(officer)
    for url in (reverse("home"), reverse("accounts:login"), reverse("regions:browse")):
        csp = client.get(url).headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_no_page_has_an_inline_script_or_style(client, officer):
    client.force_login(officer)
    for url in (reverse("home"), reverse("regions:detail", args=["65.01"]), reverse("accounts:password_change")):
        html = client.get(url).content.decode()
        assert "<style" not in html and " style=" not in html
        assert all("src=" in tag.split(">", 1)[0] for tag in html.split("<script")[1:])


def test_responses_carry_the_other_security_headers(client, db):
    headers = client.get(reverse("accounts:login")).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_healthz_answers_200_after_asking_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}
    assert client.head("/healthz").status_code == 200


def test_healthz_answers_503_when_the_database_is_down(client, db, monkeypatch):
    class DownDatabase:
        def cursor(self):
            raise RuntimeError("database down")

    monkeypatch.setattr("kaltara_portal.views.connection", DownDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "unavailable"


def test_an_unknown_page_gets_the_portal_404_page(client, officer):
    client.force_login(officer)
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_english_is_one_click_away_and_indonesian_stays_the_default(client, db):
    assert 'lang="id"' in client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Log in to the portal" in html and 'lang="en"' in html


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "0",
        "SECRET_KEY": "a-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "portal.example.go.id",
        "DATABASE_URL": database_url(),
        "BEHIND_PROXY": "1",
        "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.go.id:587",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "0", "DATABASE_URL": database_url()}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_home_page_links_each_role_to_its_area(client, officer, village_head, province_staff):
    client.force_login(officer)
    html = client.get(reverse("home")).content.decode()
    assert "Wilayah saya" in html
    assert reverse("regions:detail", args=["65.01.01.2005"]) in html
    client.force_login(province_staff)
    assert reverse("regions:detail", args=["65"]) in client.get(reverse("home")).content.decode()


def test_the_home_page_keeps_a_flat_query_count(client, demo_data, django_assert_max_num_queries):
    client.force_login(User.objects.get(username="admin"))
    # Each part of the portal adds its cards; the count must not grow with the data.
    with django_assert_max_num_queries(20):
        assert client.get(reverse("home")).status_code == 200


def test_favicon_ico_leads_to_the_portal_icon(client, db):
    # The Django admin names no icon, so browsers ask for /favicon.ico (a 404 logged a console error).
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/favicon.svg")
    assert client.get("/favicon.ico", follow=True).status_code == 200


@pytest.mark.parametrize(("who", "queries"), [("province_staff", 9), ("company_rep", 8)])
def test_the_home_page_reads_the_roles_and_their_names_once(
    client, db, request, who, queries, django_assert_num_queries
):
    # Session, user, the grants with their scopes' names (one query), then the cards of the role.
    client.force_login(request.getfixturevalue(who))
    with django_assert_num_queries(queries):
        assert client.get(reverse("home")).status_code == 200
