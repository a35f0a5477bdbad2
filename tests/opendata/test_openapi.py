"""The OpenAPI description is valid, and every operation it lists answers what it describes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

SAMPLES = {"code": "65.01.01"}


def _spec(client: Client) -> dict:
    response = client.get(reverse("opendata_api:openapi-json"))
    assert response.status_code == 200
    return response.json()


def _check(spec: dict, operation: dict, response) -> None:
    declared = operation["responses"].get(str(response.status_code))
    assert declared is not None, f"status {response.status_code} not described"
    schema = declared["content"]["application/json"]["schema"]
    assert response["Content-Type"].startswith("application/json")
    validator = Draft202012Validator({**schema, "components": spec["components"]})
    errors = sorted(validator.iter_errors(response.json()), key=str)
    assert errors == [], [e.message for e in errors[:5]]


def _variants(operation: dict) -> list[dict]:
    """No query parameters, then each one alone with a value its schema allows."""
    variants: list[dict] = [{}]
    for param in operation.get("parameters", []):
        if param["in"] != "query":
            continue
        schema = param["schema"]
        options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
        option = options[0]
        if "enum" in option:
            values = option["enum"]
        elif option.get("type") == "integer":
            values = [2026, 1]
        elif "pattern" in option:
            values = ["65.01", "65.01.01"]
        else:
            values = ["65"]
        variants += [{param["name"]: v} for v in values]
    return variants


def test_the_openapi_description_is_valid_and_every_operation_answers_as_described(published):
    client = Client()
    spec = _spec(client)
    validate(spec)
    assert spec["info"]["title"] and spec["paths"]
    called = 0
    for path, operations in spec["paths"].items():
        assert set(operations) == {"get"}, f"{path}: only GET is public"
        operation = operations["get"]
        url = path
        for name, value in SAMPLES.items():
            url = url.replace("{" + name + "}", value)
        assert "{" not in url, f"no sample for {path}"
        for params in _variants(operation):
            response = client.get(url, params)
            assert response.status_code in (200, 404), (url, params, response.status_code)
            _check(spec, operation, response)
            called += 1
            if response.status_code == 200:
                assert response["Cache-Control"].startswith("public")
                assert response["ETag"] and response["Last-Modified"]
    assert called > 10


def test_the_described_answers_carry_the_published_figures(published):
    client = Client()
    data = client.get(
        reverse("opendata_api:indicators"), {"round": published.round.pk, "level": "kabupaten_kota"}
    ).json()
    nunukan = next(row for row in data["data"] if row["code"] == "65.03")
    assert (nunukan["families"], nunukan["families_status"]) in ((None, "small"), (None, "secondary"))
    assert data["metadata"]["licence"] == "CC BY 4.0"
    assert data["metadata"]["round"] == "2026-I"


def test_a_bad_parameter_is_refused_with_a_message_not_an_error(published):
    client = Client()
    for params in ({"parent": "65\x00"}, {"level": "planet"}, {"round": "x"}):
        path = reverse("opendata_api:indicators")
        response = client.get(path, params)
        assert response.status_code == 400
        assert response.json()["detail"].startswith("Parameter")
    assert client.get(reverse("opendata_api:indicators"), {"round": 999999}).status_code == 404
    assert client.get(reverse("opendata_api:area", args=["99.99"])).status_code == 404
