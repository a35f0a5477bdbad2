"""What the services share: the stale-edit refusal and values as stored in change rows."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from ..models import SubmissionEvent


class StaleEdit(Exception):  # noqa: N818 - reads as the situation it reports
    """Someone changed the submission or the record since the user opened it; nothing was written."""

    def __init__(
        self, *, events: list[SubmissionEvent] | None = None, fields: list[tuple[str, Any, Any]] | None = None
    ):
        self.events = events or []
        self.fields = fields or []  # (field label, value you read, value now)
        super().__init__("stale edit")


def to_json(value: Any) -> Any:
    """A model value as stored in a change row: dates as ISO strings, decimals as strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def from_json(model: type, field_name: str, value: Any) -> Any:
    return model._meta.get_field(field_name).to_python(value)


def same_value(a: Any, b: Any) -> bool:
    return json.dumps(to_json(a)) == json.dumps(to_json(b))
