"""The home page (what needs my attention) and the health checks (liveness, readiness)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import policy
from accounts.selectors import role_summaries
from core import home_cards as home

from . import guides, health


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


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: 200 when the database, a task worker and disk space are all fine; 503 naming what is not."""
    checks = health.readiness()
    failed = [name for name, state in checks.items() if state != "ok"]
    return JsonResponse(
        {"status": "unavailable" if failed else "ok", "failed": failed, "checks": checks},
        status=503 if failed else 200,
    )


@login_required
def guide_index(request: HttpRequest) -> HttpResponse:
    mine, others = guides.guides_for(policy.roles(request.user))
    return render(request, "guides/index.html", {"mine": mine, "others": others})


@login_required
def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    guide = guides.guide_get(slug)
    return render(request, "guides/guide.html", {"guide": guide, "body": mark_safe(guides.guide_html(guide))})  # noqa: S308 - our own Markdown files


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the Django admin): the portal's icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


# An error page never repeats the address it was asked for (it may carry what someone typed, a NIK
# included): its language switch returns to the home page.
def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"language_next": reverse("home")}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"language_next": reverse("home")}, status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be what failed.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
