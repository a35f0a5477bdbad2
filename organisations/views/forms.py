"""The one shape of the registry's form pages: show the form; on a valid POST call a service and
go back, or show its refusal on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.views_support import form_saved


def form_page(
    request: HttpRequest,
    *,
    form: Form,
    save: Callable[[dict[str, Any]], Any],
    success_url: str | Callable[[Any], str],
    title: str,
    template: str,
    cancel_url: str | None = None,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """``success_url``: a URL, or a function of what ``save`` returned (a new record's page)."""
    saved = form_saved(request, form, save, _("Saved."))
    if saved is not None:
        return redirect(success_url(saved) if callable(success_url) else success_url)
    back = cancel_url or (success_url if isinstance(success_url, str) else "")
    return render(request, template, {"form": form, "title": title, "cancel_url": back, **(context or {})})


def fields(data: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """The form's values a service takes."""
    return {name: data[name] for name in names if name in data}
