"""The language switch works without a CSRF token (set_language is csrf_exempt), and an anonymous page
carries no token at all: nothing per visitor (opendata stores and shares the public pages)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LANGUAGE_FORM = re.compile(r'<form method="post" action="/bahasa/".*?</form>', re.S)


def _language_form(html: str) -> str:
    found = LANGUAGE_FORM.search(html)
    assert found, "no language switch on the page"
    return found.group(0)


@pytest.mark.parametrize("page", ["accounts:login", "opendata:map", "opendata:datasets", "csr:catalogue"])
def test_an_anonymous_visitor_switches_to_english_without_any_token(page):
    client = Client(enforce_csrf_checks=True)
    html = client.get(reverse(page)).content.decode()
    assert "csrfmiddlewaretoken" not in _language_form(html)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse(page)})
    assert response.status_code == 302 and response["Location"] == reverse(page)
    assert 'lang="en"' in client.get(reverse(page)).content.decode()


def test_a_signed_in_user_switches_to_english_and_back_without_a_token(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    html = client.get(reverse("home")).content.decode()
    assert "csrfmiddlewaretoken" not in _language_form(html)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert 'lang="en"' in client.get(reverse("home")).content.decode()
    assert client.post(reverse("set_language"), {"language": "id", "next": "/"}).status_code == 302
    assert 'lang="id"' in client.get(reverse("home")).content.decode()


def test_an_anonymous_public_page_carries_no_csrf_token_nor_cookie():
    response = Client().get(reverse("opendata:map"))
    assert "X-CSRFToken" not in response.content.decode()
    assert not response.cookies


def test_a_signed_in_page_still_gives_htmx_its_csrf_token(officer):
    client = Client()
    client.force_login(officer)
    assert "X-CSRFToken" in client.get(reverse("home")).content.decode()
