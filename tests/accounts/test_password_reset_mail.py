"""The password-reset mail leaves through a background task, so the answer to the form takes the same
time whether or not the address belongs to someone (sending mail takes seconds; looking up nothing,
none).

Here tasks are kept, not run (Django's dummy task backend), to see what the request itself does.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory


@pytest.fixture
def kept_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    from django.tasks import default_task_backend

    yield default_task_backend
    default_task_backend.clear()


@pytest.fixture
def siti(db):
    return UserFactory(username="siti", email="siti@example.com")


def ask_for_a_reset(client, email: str, django_assert_num_queries, queries: int):
    with django_assert_num_queries(queries):
        response = client.post(reverse("accounts:password_reset"), {"email": email})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_done")
    return response


def test_the_form_sends_no_mail_itself_and_does_the_same_for_known_and_unknown_addresses(
    client, siti, kept_tasks, django_assert_num_queries
):
    ask_for_a_reset(client, "siti@example.com", django_assert_num_queries, 0)
    ask_for_a_reset(client, "tidak-terdaftar@example.com", django_assert_num_queries, 0)
    assert mail.outbox == []
    assert [r.task.name for r in kept_tasks.results] == ["password_reset_mail_send"] * 2
    assert [r.kwargs["email"] for r in kept_tasks.results] == ["siti@example.com", "tidak-terdaftar@example.com"]


def test_the_task_sends_the_mail_with_a_working_link_to_a_known_address_only(client, siti, kept_tasks, settings):
    settings.ALLOWED_HOSTS = ["portal.example.go.id", "testserver"]
    client.post(reverse("accounts:password_reset"), {"email": "siti@example.com"}, HTTP_HOST="portal.example.go.id")
    client.post(reverse("accounts:password_reset"), {"email": "tidak-terdaftar@example.com"})
    for result in kept_tasks.results:
        result.task.call(*result.args, **result.kwargs)
    assert [m.to for m in mail.outbox] == [["siti@example.com"]]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/akun/sandi/atur/" in line)
    assert link.startswith("http://portal.example.go.id/akun/sandi/atur/")
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(path, follow=True).content.decode()
    assert "Tetapkan kata sandi baru" in page
