"""The view primitives: the policy decorator and the service errors shown on forms and as messages."""

from __future__ import annotations

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import RequestFactory

from accounts.views_support import add_service_errors, allowed, flash_service_errors


@allowed("pokja.manage")
def manage_pokja(request, pk):
    return HttpResponse(f"pokja {pk}")


def get(user):
    request = RequestFactory().get("/desa/1/pokja/")
    request.user = user
    return request


@pytest.mark.django_db
def test_the_decorated_view_runs_for_a_role_that_may_perform_the_action(village_head):
    assert manage_pokja(get(village_head), pk=7).content == b"pokja 7"


@pytest.mark.django_db
def test_a_role_without_the_action_is_refused_with_403(officer):
    with pytest.raises(PermissionDenied):
        manage_pokja(get(officer), pk=7)


def test_the_anonymous_are_sent_to_the_login_page():
    response = manage_pokja(get(AnonymousUser()), pk=7)
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


def test_a_misspelt_action_fails_when_the_view_is_declared():
    with pytest.raises(KeyError, match="pokja.manag"):
        allowed("pokja.manag")


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_refusal_naming_a_field_is_shown_on_that_field():
    form = NameForm({"name": "x"})
    form.is_valid()
    add_service_errors(form, ValidationError({"name": "Nama sudah dipakai.", "owner": "Pemilik tidak dikenal."}))
    assert form.errors["name"] == ["Nama sudah dipakai."]
    assert form.non_field_errors() == ["Pemilik tidak dikenal."]


def test_a_refusal_without_a_field_is_shown_above_the_form():
    form = NameForm({"name": "x"})
    form.is_valid()
    add_service_errors(form, ValidationError(["Periode sudah ditutup.", "Coba lagi."]))
    assert form.non_field_errors() == ["Periode sudah ditutup.", "Coba lagi."]


def test_a_refusal_of_a_one_click_action_becomes_one_message_per_sentence():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    flash_service_errors(request, ValidationError(["Belum diverifikasi.", "Berita acara kosong."]))
    assert [str(m) for m in get_messages(request)] == ["Belum diverifikasi.", "Berita acara kosong."]
