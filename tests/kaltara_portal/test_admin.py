"""The Django admin: every model of the portal has search and filters, and its pages open."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

PORTAL_APPS = {"accounts", "regions", "organisations", "poverty_data", "csr"}


def portal_model_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PORTAL_APPS and not model.__name__.startswith("Historical")
    ]


def test_every_portal_model_is_in_the_admin_with_search_and_filters():
    from django.apps import apps

    registered = {model for model, _ in portal_model_admins()}
    for app in PORTAL_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical") or model._meta.auto_created:
                continue
            assert model in registered, f"{model.__name__} is not in the admin"
    for model, model_admin in portal_model_admins():
        assert model_admin.search_fields, f"{model.__name__} admin has no search"
        assert model_admin.list_filter, f"{model.__name__} admin has no filters"


@pytest.mark.parametrize("query", ["", "?q=65"])
def test_every_admin_changelist_opens_for_the_administrator(client, demo_data, query):
    from accounts.models import User

    client.force_login(User.objects.get(username="admin"))
    for model, _ in portal_model_admins():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") + query
        assert client.get(url).status_code == 200, url


def test_the_admin_is_closed_to_staff_without_the_admin_flag(client, officer):
    client.force_login(officer)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_500_page_is_indonesian_and_needs_no_database(rf):
    from kaltara_portal.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.content.decode()
