"""Operations logs: a request id on every line of a request, JSON on demand, no 16-digit numbers."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kaltara_portal.logs import JsonFormatter, MaskPersonalNumbers, PlainFormatter, RequestIdFilter
from tests.pg import database_url

NIK = "6501014101900001"


@pytest.fixture
def captured():
    """A handler on the django.request logger with the portal's filters and JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(MaskPersonalNumbers())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_request_keeps_the_request_id_nginx_gave_it_and_returns_it(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "a1b2c3d4e5"})
    assert response["X-Request-ID"] == "a1b2c3d4e5"


def test_a_request_without_a_usable_id_gets_a_fresh_one(client, db):
    first = client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and len(second) == 32 and first != second


def test_the_log_line_of_a_request_carries_its_id_and_no_personal_number(client, db, captured):
    client.get(f"/tidak-ada/{NIK}/", headers={"X-Request-ID": "req-42"})
    [line] = [entry for entry in _lines(captured) if entry["logger"] == "django.request"]
    assert line["request_id"] == "req-42"
    assert line["level"] == "WARNING" and "/tidak-ada/" in line["message"]
    assert NIK not in captured.getvalue() and "****************" in line["message"]


def _format(formatter: logging.Formatter, message: str, *args: object, exc: bool = False) -> str:
    record = logging.LogRecord("portal", logging.ERROR, __file__, 1, message, args, None)
    if exc:
        try:
            raise ValueError(f"invalid literal: {NIK}")
        except ValueError:
            record.exc_info = sys.exc_info()
    MaskPersonalNumbers().filter(record)
    RequestIdFilter().filter(record)
    return formatter.format(record)


@pytest.mark.parametrize("number", [NIK, "6501 0141 0190 0001", "6501-0141-0190-0001"])
def test_sixteen_digit_numbers_are_masked_in_messages_and_arguments(number):
    out = _format(JsonFormatter(), "family %s moved, kk=" + number, number)
    assert number not in out and "0190" not in out


def test_numbers_of_other_lengths_stay_readable():
    out = _format(JsonFormatter(), "imported %d rows in %s ms, code 6501011001, id 65010141019000012", 1500, "37")
    message = json.loads(out)["message"]
    assert message == "imported 1500 rows in 37 ms, code 6501011001, id 65010141019000012"


def test_tracebacks_are_masked_too():
    for formatter in (JsonFormatter(), PlainFormatter("%(request_id)s %(message)s")):
        out = _format(formatter, "import failed", exc=True)
        assert "ValueError" in out and NIK not in out


def test_log_format_json_makes_the_whole_configuration_write_masked_json_lines(django_db_setup):
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(
        DJANGO_SETTINGS_MODULE="kaltara_portal.settings", DEBUG="1", LOG_FORMAT="json",
        DATABASE_URL=database_url(),
    )  # fmt: skip
    code = f"import django, logging; django.setup(); logging.getLogger('poverty_data').warning('NIK %s', '{NIK}')"
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], env=env, cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True
    )
    [line] = [json.loads(x) for x in done.stderr.splitlines() if x.startswith("{")]
    assert line["logger"] == "poverty_data" and line["message"] == "NIK ****************"
    assert line["request_id"] == "-"


def test_an_unknown_log_format_is_refused_at_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(DJANGO_SETTINGS_MODULE="kaltara_portal.settings", DEBUG="1", LOG_FORMAT="xml")
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", "import django; django.setup()"],
        env=env, cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode != 0 and "LOG_FORMAT" in done.stderr
