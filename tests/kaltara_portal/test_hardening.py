"""Hardening that the access matrix does not cover: production transport settings, the admin's
path, session expiry, where uploads live, error pages and the log's last line of defence.

(Every response's headers, downloads as attachments and personal data in redirects, error pages and
logs are checked on every answer of tests/kaltara_portal/test_access_matrix.py; login lock-out and password
rules in tests/accounts/test_login.py; upload type and size in tests/organisations/test_documents.py
and tests/csr/test_files.py.)
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from kaltara_portal.logs import MaskPersonalNumbers, PlainFormatter
from tests.pg import database_url

ROOT = Path(__file__).resolve().parents[2]
NIK = "6501014107900003"


def _production(tmp_path: Path, script: str, **extra: str) -> dict:
    """Run ``script`` under the production settings (DEBUG off, HTTPS, behind the proxy); it prints JSON."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "0",
        "SECRET_KEY": "a-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "portal.example.go.id,testserver",
        "DATABASE_URL": database_url(),
        "BEHIND_PROXY": "1",
        "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.go.id:587",
        **extra,
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_hsts_secure_cookies_and_redirects_plain_http(django_db_setup, tmp_path):
    found = _production(
        tmp_path,
        "import json\n"
        "from django.conf import settings as s\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "https = c.get('/healthz', secure=True)\n"
        "plain = c.get('/akun/masuk/')\n"
        "proxied = c.get('/healthz', headers={'x-forwarded-proto': 'https'})\n"
        "print(json.dumps({\n"
        "  'hsts': https.headers.get('Strict-Transport-Security', ''),\n"
        "  'proxied_hsts': proxied.headers.get('Strict-Transport-Security', ''),\n"
        "  'plain_status': plain.status_code, 'plain_location': plain.headers.get('Location', ''),\n"
        "  'healthz_plain': c.get('/healthz').status_code,\n"
        "  'session_secure': s.SESSION_COOKIE_SECURE, 'session_httponly': s.SESSION_COOKIE_HTTPONLY,\n"
        "  'csrf_secure': s.CSRF_COOKIE_SECURE, 'csrf_httponly': s.CSRF_COOKIE_HTTPONLY,\n"
        "  'samesite': s.SESSION_COOKIE_SAMESITE, 'age': s.SESSION_COOKIE_AGE,\n"
        "  'sliding': 'kaltara_portal.middleware.SessionRefreshMiddleware' in s.MIDDLEWARE\n"
        "    and 0 < s.SESSION_REFRESH_SECONDS < s.SESSION_COOKIE_AGE, 'debug': s.DEBUG,\n"
        "}))\n",
    )
    assert found["hsts"].startswith("max-age=31536000") and "includeSubDomains" in found["hsts"]
    assert found["proxied_hsts"].startswith("max-age=")  # TLS ends at the proxy, which says so
    assert found["plain_status"] == 301 and found["plain_location"].startswith("https://")
    assert found["healthz_plain"] == 200  # the load balancer's probe may stay on plain HTTP
    assert found["session_secure"] and found["session_httponly"]
    assert found["csrf_secure"] and found["csrf_httponly"]
    # The inactivity expiry slides (refreshed at most once a minute, not saved on every request).
    assert found["samesite"] == "Lax" and found["sliding"] and not found["debug"]
    assert 0 < found["age"] <= 8 * 60 * 60


def test_the_admin_lives_at_the_path_the_environment_names(django_db_setup, tmp_path):
    found = _production(
        tmp_path,
        "import json\n"
        "from django.urls import reverse, resolve, Resolver404\n"
        "try:\n"
        "    resolve('/admin/')\n"
        "    default_open = True\n"
        "except Resolver404:\n"
        "    default_open = False\n"
        "print(json.dumps({'admin': reverse('admin:index'), 'default_open': default_open}))\n",
        ADMIN_URL="kelola-7f3c",
    )
    assert found == {"admin": "/kelola-7f3c/", "default_open": False}


def test_the_admin_asks_non_staff_to_log_in_and_lets_staff_in(client, officer, administrator):
    client.force_login(officer)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(administrator)
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_session_left_idle_past_its_age_has_to_log_in_again(client, officer):
    client.force_login(officer)
    assert client.get(reverse("home")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_each_request_pushes_the_expiry_forward(client, officer):
    client.force_login(officer)
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(minutes=5))
    client.get(reverse("home"))
    expiry = Session.objects.get().expire_date
    assert expiry > timezone.now() + dt.timedelta(seconds=django_settings.SESSION_COOKIE_AGE - 60)


def test_uploads_live_outside_the_web_root_and_no_url_serves_them():
    media = Path(django_settings.MEDIA_ROOT).resolve()
    for public in [Path(django_settings.STATIC_ROOT), *map(Path, django_settings.STATICFILES_DIRS)]:
        assert not media.is_relative_to(public.resolve())
    assert not media.is_relative_to((ROOT / "templates").resolve())
    assert django_settings.MEDIA_URL in (None, "")
    for path in ("/media/organisations/1/sk.pdf", "/var/media/csr/2026/11/rab.pdf", "/uploads/x.pdf"):
        with pytest.raises(Resolver404):
            resolve(path)


def test_password_rules_refuse_short_common_and_numeric_passwords(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("pendek1", "password123", "12345678901234", NIK):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Karang-Taruna-Kaltara-2026")


def test_the_404_and_500_pages_show_no_path_no_query_and_no_debug_detail(client, officer, rf):
    from kaltara_portal.views import error_500

    client.force_login(officer)
    for path in (f"/data-kemiskinan/cari/{NIK}/?nik={NIK}", f"/data-kemiskinan/keluarga/999999/?nik={NIK}"):
        response = client.get(path)
        assert response.status_code == 404
        assert NIK not in response.content.decode()  # the language switch used to carry the address
    response = client.get(f"/organisasi/dasbor/?nik={NIK}")
    assert response.status_code == 403 and NIK not in response.content.decode()
    page = error_500(rf.get(f"/?nik={NIK}")).content.decode()
    assert NIK not in page and "Traceback" not in page


def test_a_server_error_quoting_a_nik_reaches_the_log_masked(caplog):
    # The console handler of the production log configuration carries the filter.
    console = django_settings.LOGGING["handlers"]["console"]
    assert "mask" in console["filters"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPersonalNumbers())
    handler.setFormatter(PlainFormatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.hardening")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError(f"duplicate key value violates unique constraint: Key (nik)=({NIK}) already exists")
        except ValueError:
            logger.exception("Internal Server Error: /data-kemiskinan/pengajuan/7/anggota/%s/", NIK)
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert NIK not in written
    assert "****************" in written and "Traceback" in written
