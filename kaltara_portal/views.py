"""The home page (what needs my attention) and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.selectors import role_summaries

from . import home


@login_required
def home_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home.html",
        {"cards": home.cards_for(request.user), "roles": role_summaries(user=request.user)},
    )


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: 200 when a query reaches the database, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# An error page never repeats the address it was asked for (it may carry what someone typed, a NIK
# included): its language switch returns to the home page.
def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"language_next": reverse("home")}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"language_next": reverse("home")}, status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)
