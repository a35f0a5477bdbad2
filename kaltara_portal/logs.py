"""Logging for operations: one line per event, a request id on each, no personal numbers.

* ``RequestIdMiddleware`` takes the ``X-Request-ID`` nginx sets (or makes one), keeps it for the
  request's log lines and returns it in the response, so a user's complaint, the nginx access
  log, gunicorn's access log and the portal's own lines can be matched.
* ``MaskPersonalNumbers`` (a filter) and the formatters replace any 16-digit number — NIK,
  No. KK, a card number — with asterisks, in the message and in tracebacks. The portal never
  logs them on purpose; this is the net under a mistake (an exception message quoting a value).
* ``JsonFormatter``: one JSON object per line (LOG_FORMAT=json), for a log collector.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

_request_id: ContextVar[str] = ContextVar("kaltara_request_id", default="-")

# 16 digits, possibly in groups of four separated by a space or a dash; not part of a longer number.
SIXTEEN_DIGITS = re.compile(r"(?<![\d])\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}(?![\d])")
MASK = "****************"
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def mask_personal_numbers(text: str) -> str:
    return SIXTEEN_DIGITS.sub(MASK, text)


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    header = "X-Request-ID"

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        given = request.headers.get(self.header, "")
        request_id = given if VALID_REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response.headers[self.header] = request_id
        return response


def _record_request_id(record: logging.LogRecord) -> str:
    # django.request logs a response after the middleware has finished; its record carries the request.
    request = getattr(record, "request", None)
    return getattr(request, "request_id", None) or _request_id.get()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _record_request_id(record)
        return True


class MaskPersonalNumbers(logging.Filter):
    """Masks 16-digit numbers in the message (after its arguments are merged in)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it for the formatter to report
            return True
        masked = mask_personal_numbers(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        return True


class PlainFormatter(logging.Formatter):
    """key=value lines (the default), masked as a whole: tracebacks included."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = _record_request_id(record)
        return mask_personal_numbers(super().format(record))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _record_request_id(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return mask_personal_numbers(json.dumps(entry, ensure_ascii=False, default=str))
