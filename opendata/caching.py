"""Public answers: ``Cache-Control: public`` with validators from the datasets' versions, so a
harvester polls with ``If-None-Match`` / ``If-Modified-Since`` and gets a 304 after one small query.

Signed-in users still get ``private, no-store`` (``PrivatePagesMiddleware`` overrides): their pages
carry their menu. Answers are written in the language of the language cookie: they say
``Vary: Cookie`` and the language is part of their ETag.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import condition

from . import selectors

MAX_AGE = 300


def public(*datasets: str, page: bool = False) -> Callable:
    """Answer with validators of ``datasets`` (all when none); ``page``: an HTML page (language, user)."""

    def fresh(request: HttpRequest) -> selectors.Freshness:
        if not hasattr(request, "_opendata_fresh"):
            request._opendata_fresh = selectors.freshness()
        return request._opendata_fresh

    def etag(request: HttpRequest, *args, **kwargs) -> str:
        # The metadata and the pages are written in the reader's language (the language cookie).
        tag = f"{fresh(request).etag(*datasets)}-{get_language()}"
        if page:
            user = getattr(request, "user", None)
            tag += f"-u{user.pk if user is not None and user.is_authenticated else 0}"
        return tag

    def last_modified(request: HttpRequest, *args, **kwargs):
        return fresh(request).last_modified(*datasets)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        conditional = condition(etag_func=etag, last_modified_func=last_modified)(view)

        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = conditional(request, *args, **kwargs)
            if response.status_code in (200, 304):
                if page:
                    # A page is checked again on every view (a 304 costs one small query): the language
                    # switch and a newly published round show at once.
                    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
                else:
                    patch_cache_control(response, public=True, max_age=MAX_AGE)
            patch_vary_headers(response, ("Cookie",))
            return response

        return wrapped

    return decorator
