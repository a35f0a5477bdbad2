"""Language choice, sliding session expiry, and no caching of signed-in pages.

Language: Indonesian unless the user picked English.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an
English-language phone would get English; the portal's interface language is
Indonesian, and English is an explicit choice kept in the language cookie.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class PreferredLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SessionRefreshMiddleware:
    """Sliding session expiry without a database write on every request.

    ``SESSION_SAVE_EVERY_REQUEST`` would save the session (an UPDATE and a commit) on every page
    view. Here the expiry slides forward at most once every ``SESSION_REFRESH_SECONDS``: the session
    stays alive while the user is active, and ends after ``SESSION_COOKIE_AGE`` of inactivity (give
    or take that interval). Sits inside ``SessionMiddleware``, which saves what this marks modified.
    """

    KEY = "_refreshed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.modified and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now
        return response


class PrivatePagesMiddleware:
    """Every answer to a signed-in user says ``Cache-Control: private, no-store``.

    Pages carry personal data (a village officer sees full NIK); on a shared village-office PC a
    cached copy would outlive the session. Anonymous answers keep their own caching; static files
    never get here (whitenoise answers them first).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "private, no-store"
        return response
