"""Every URL of the portal, for every demo role and anonymous: never a server error.

The URLs come from the resolver, so a new view is covered automatically. Ids are tried as an
existing one (1, 2, 3), one that does not exist and a malformed one. The full access matrix
(expected 200/403/404 per role) is test_access_matrix.py; this test also tries junk ids and bad fields.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import User

DEMO_USERS = [None, "provinsi", "kabupaten", "pengurus", "kades", "pengurus2", "perusahaan", "admin"]
# /readyz answers 503 by design when no task worker runs (as in tests): tests/kaltara_portal/test_readyz.py covers it.
SKIP_PREFIXES = ("admin/", "static/", "readyz")


def _walk(patterns, prefix: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _fill(route: str) -> list[str]:
    """Concrete paths for a route: its parameters filled with a few ids, a missing one and junk."""
    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    if not params:
        return ["/" + route.lstrip("^").rstrip("$")]
    paths = []
    for value in ("1", "2", "3", "999999", "x"):
        path = route
        for converter, _name in params:
            sample = str(uuid.UUID(int=int(value))) if converter == "uuid" and value.isdigit() else value
            if converter == "slug" and value.isdigit():
                sample = "submit"
            path = re.sub(r"<(?:\w+:)?\w+>", sample, path, count=1)
        paths.append("/" + path)
    return paths


def portal_paths() -> list[str]:
    paths = []
    for route, _pattern in _walk(get_resolver().url_patterns):
        if route.startswith(SKIP_PREFIXES) or "(?P<" in route:
            continue
        paths += _fill(route)
    return sorted(set(paths))


@pytest.mark.parametrize("username", DEMO_USERS)
def test_no_url_answers_with_a_server_error_for_any_role(client, demo_data, username, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    if username:
        client.force_login(User.objects.get(username=username))
    client.raise_request_exception = False
    failures = []
    for path in portal_paths():
        response = client.get(path)
        if response.status_code >= 500:
            failures.append((path, response.status_code))
    assert failures == []


def test_anonymous_visitors_reach_nothing_but_the_public_pages(client, demo_data):
    public = {"/akun/masuk/", "/healthz", "/csr/katalog/", "/akun/sandi/lupa/", "/akun/sandi/lupa/terkirim/",
              "/akun/sandi/atur/selesai/", "/impor/templat-impor.csv", "/impor/templat-impor.xlsx"}  # fmt: skip
    opened = {p for p in portal_paths() if client.get(p).status_code == 200}
    # A password-reset link with a wrong token opens a page that says the link is invalid.
    opened = {p for p in opened if not p.startswith("/akun/sandi/atur/")}
    # The open data is public by design (issue 16); the access matrix lists each of its URLs.
    opened = {p for p in opened if not p.startswith(("/terbuka/", "/api/terbuka/"))}
    assert opened <= public, sorted(opened - public)


@pytest.mark.parametrize("username", DEMO_USERS)
def test_no_post_with_missing_or_bad_fields_answers_with_a_server_error(
    client, demo_data, username, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    if username:
        client.force_login(User.objects.get(username=username))
    client.raise_request_exception = False
    failures = []
    for path in portal_paths():
        if path.startswith(("/akun/keluar", "/bahasa")):
            continue
        for data in ({}, {"x": "1", "reason": "a" * 5000, "amount": "-5", "page": "abc", "budget": "1e99"}):
            response = client.post(path, data)
            if response.status_code >= 500:
                failures.append((path, response.status_code))
    assert failures == []
