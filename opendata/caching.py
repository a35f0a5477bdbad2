"""Public answers: validators, and the stored answers that anonymous visitors get without rendering.

**Validators.** ``Cache-Control: public`` with an ETag and Last-Modified from the datasets' versions, so
a harvester polls with ``If-None-Match`` / ``If-Modified-Since`` and gets a 304 after one small query.
Answers are written in the language of the language cookie: they say ``Vary: Cookie`` and the language
is part of their ETag. Signed-in users still get ``private, no-store`` (``PrivatePagesMiddleware``
overrides): their pages carry their menu.

**Stored answers** (``models.PublishedAnswer``; the load target of issue 16, p95 < 50 ms at 50
connections, is out of reach of any rendering on two cores: docs/benchmarks.md, "Public mode").
What: the status-200 body of the map page, its JSON (``peta.json``), the area pages, the datasets page,
the Atom feed and every API answer, with its content type, ETag and Last-Modified. Not the downloads
(they stream). Key: the path, the canonical query string of the parameters the view validated
(``answer_params``: sorted, valid values only, blanks dropped), and the language. A request is
answered from the store when its own query string, sorted, is that key; an answer is stored only when
the view named its parameters and they give back the request's query string, so a bad, unknown,
repeated or oddly written parameter is answered but never stored; a view names its parameters only
when they name something published (a region code of an area, a year with CSR), so random query
strings cannot grow the table. Who: only anonymous visitors without a pending message, in both
directions (a signed-in user is never served nor stored); an answer that sets a cookie is not
stored. The pages carry nothing per visitor (no CSRF token for anonymous visitors, the language switch and the
filters' warning written from the key, not the request). Deleted by: ``publish.summaries_refresh``,
in the transaction that rewrites the published tables; the refresh also moves
``models.Publication.number``, and an answer is served only under the current number, so one
rendered from the old tables and stored after the refresh is never served. A hit is one query.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language
from django.views.decorators.http import condition

from . import selectors
from .models import Publication, PublishedAnswer

MAX_AGE = 300
KEY_MAX = 500


def answer_params(request: HttpRequest, **params: object) -> None:
    """Say that the answer being rendered depends on these (valid) parameter values only: it may be
    stored under them. A view that does not call this is never stored. ``None`` and blank values
    count as absent."""
    pairs = sorted((name, str(value)) for name, value in params.items() if value not in (None, ""))
    request._opendata_key = _key(request.path, pairs)


def _key(path: str, pairs: list[tuple[str, str]]) -> str:
    return path + (f"?{urlencode(pairs)}" if pairs else "")


@functools.cache
def deployment() -> str:
    """What renders the answers, as a short hash: the portal's code, templates and translations, and the
    static files' manifest (the answers name the hashed CSS and JS files). Stored with each answer and
    asked for with it, so an answer
    rendered by one deployment is never served by the next (its static files may be gone); it is deleted
    with the rest at the next refresh. Computed once per process."""
    digest = hashlib.blake2b(digest_size=8)
    base = Path(settings.BASE_DIR)
    skip = {".venv", "var", "tests", "bench", "static", "staticfiles", "media", "node_modules", ".git"}
    suffixes = {".py", ".html", ".mo", ".txt", ".xml"}
    tops = [top for top in base.iterdir() if top.is_dir() and top.name not in skip and not top.name.startswith(".")]
    files = [path for top in tops for path in top.rglob("*") if path.suffix in suffixes]
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    for path in sorted(files) + ([manifest] if manifest.is_file() else []):
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _request_key(request: HttpRequest, *, blanks: bool) -> str | None:
    """The key the request asks for: its parameters sorted (blanks dropped on pages, where a blank
    filter means "all"); None when a parameter repeats."""
    pairs = []
    for name in request.GET:
        values = request.GET.getlist(name)
        if len(values) != 1:
            return None
        if values[0] or blanks:
            pairs.append((name, values[0]))
    key = _key(request.path, sorted(pairs))
    return key if len(key) <= KEY_MAX else None


def _shareable(request: HttpRequest) -> bool:
    """Anonymous, and no message waiting to be shown (it would be written into the page)."""
    user = getattr(request, "user", None)
    return (user is None or not user.is_authenticated) and CookieStorage.cookie_name not in request.COOKIES


@dataclass(frozen=True)
class StoredAnswer:
    content_type: str
    body: str  # the answer's text (HTML, JSON, Atom: UTF-8), sent back encoded as it was
    etag: str
    last_modified: str


def _answer_sql() -> str:
    answers, publication = PublishedAnswer._meta.db_table, Publication._meta.db_table
    return (
        f"SELECT content_type, body, etag, last_modified FROM {answers} "  # noqa: S608 - table names only
        f"WHERE key = %s AND language = %s AND deployment = %s "
        f"AND generation = (SELECT number FROM {publication} LIMIT 1)"
    )


def answer_get(*, key: str, language: str) -> StoredAnswer | None:
    """The stored answer of ``key`` in ``language`` rendered at the current publication: one query (the
    unique index of key, language, generation and deployment). In SQL rather than the ORM: building the query cost
    more than running it, and a stored answer must cost about what /healthz costs."""
    with connection.cursor() as cursor:
        cursor.execute(_answer_sql(), [key, language, deployment()])
        row = cursor.fetchone()
    return None if row is None else StoredAnswer(*row)


def publication_current() -> int | None:
    return Publication.objects.values_list("number", flat=True).first()


def answer_store(*, key: str, language: str, generation: int, response: HttpResponse) -> None:
    """Store an answer (INSERT ... ON CONFLICT DO NOTHING: two workers rendering it at once both answer,
    one row is kept)."""
    PublishedAnswer.objects.bulk_create(
        [
            PublishedAnswer(
                key=key,
                language=language,
                generation=generation,
                deployment=deployment(),
                content_type=response["Content-Type"],
                body=response.content.decode(response.charset),
                etag=response.get("ETag", ""),
                last_modified=response.get("Last-Modified", ""),
            )
        ],
        ignore_conflicts=True,
    )


def _from_store(request: HttpRequest, answer: StoredAnswer) -> HttpResponse:
    response = HttpResponse(answer.body, content_type=answer.content_type)
    response["ETag"] = answer.etag
    if answer.last_modified:
        response["Last-Modified"] = answer.last_modified
    return get_conditional_response(
        request,
        etag=answer.etag or None,
        last_modified=parse_http_date_safe(answer.last_modified) if answer.last_modified else None,
        response=response,
    )


def _storable(request: HttpRequest, response: HttpResponse, key: str) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and getattr(request, "_opendata_key", None) == key
    )


def public(*datasets: str, page: bool = False, store: bool = True) -> Callable:
    """Answer with validators of ``datasets`` (all when none); ``page``: an HTML page (language, user);
    ``store``: anonymous answers are stored and served from the store (the module's docstring)."""

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

    def headers(response: HttpResponse) -> HttpResponse:
        if response.status_code in (200, 304):
            if page:
                # A page is checked again on every view (a 304 costs one small query): the language
                # switch and a newly published round show at once.
                patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            else:
                patch_cache_control(response, public=True, max_age=MAX_AGE)
        patch_vary_headers(response, ("Cookie",))
        return response

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        conditional = condition(etag_func=etag, last_modified_func=last_modified)(view)

        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            key = _request_key(request, blanks=not page) if store and _shareable(request) else None
            if key is None:
                return headers(conditional(request, *args, **kwargs))
            language = get_language()
            answer = answer_get(key=key, language=language)
            if answer is not None:
                return headers(_from_store(request, answer))
            # Read before the answer's own reads: a refresh committed in between makes it unservable.
            generation = publication_current()
            response = conditional(request, *args, **kwargs)
            if generation is not None and _storable(request, response, key):
                answer_store(key=key, language=language, generation=generation, response=response)
            return headers(response)

        return wrapped

    return decorator
