"""form_saved and service_done: a form page or a one-click action calls its service and shows the outcome."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from accounts.views_support import form_saved, service_done


class NameForm(forms.Form):
    name = forms.CharField(max_length=10)


def request(method: str, data: dict | None = None):
    factory = RequestFactory()
    made = factory.post("/", data or {}) if method == "POST" else factory.get("/")
    made.session = {}
    made._messages = FallbackStorage(made)
    return made


def test_a_valid_post_returns_what_the_service_returned_with_a_success_message():
    post = request("POST", {"name": "Ani"})
    saved = form_saved(post, NameForm(post.POST), lambda data: {"saved": data["name"]}, "Tersimpan.")
    assert saved == {"saved": "Ani"}
    assert [str(m) for m in get_messages(post)] == ["Tersimpan."]


def test_a_get_or_an_invalid_form_does_not_call_the_service():
    calls = []
    get = request("GET")
    assert form_saved(get, NameForm(None), calls.append, "x") is None
    post = request("POST", {"name": "x" * 11})
    assert form_saved(post, NameForm(post.POST), calls.append, "x") is None
    assert calls == []


def test_a_refusal_of_the_service_lands_on_the_form_and_nothing_is_reported_saved():
    post = request("POST", {"name": "Ani"})
    form = NameForm(post.POST)

    def refuse(data):
        raise ValidationError({"name": "Nama sudah dipakai."})

    assert form_saved(post, form, refuse, "Tersimpan.") is None
    assert form.errors == {"name": ["Nama sudah dipakai."]}
    assert list(get_messages(post)) == []


def test_a_one_click_action_reports_success_or_the_services_refusal_as_messages():
    done = request("POST")
    assert service_done(done, lambda: None, "Selesai.") is True
    assert [str(m) for m in get_messages(done)] == ["Selesai."]

    def refuse():
        raise ValidationError("Tidak bisa.")

    refused = request("POST")
    assert service_done(refused, refuse, "Selesai.") is False
    assert [(m.level_tag, str(m)) for m in get_messages(refused)] == [("error", "Tidak bisa.")]
