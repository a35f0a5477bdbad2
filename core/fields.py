"""Model fields the apps share."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from psycopg.types.json import Json
from psycopg.types.string import TextLoader


class JSONDocumentField(models.JSONField):
    """A JSON document stored as PostgreSQL ``json`` (its text, checked well-formed) rather than ``jsonb``.

    For a document written in bulk and read whole: PostgreSQL takes ``json`` at about the speed of text,
    while ``jsonb`` parses it into its binary form, which doubles the time of a large COPY. What ``json``
    cannot do: be compared with ``=`` (cast to ``jsonb`` in SQL for that), be indexed, or answer the
    ``contains``/``has_key`` lookups; key transforms (``->``, ``->>``) work."""

    description = "A JSON document (stored as json)"

    def db_type(self, connection: Any) -> str:
        return "json"

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        # Django adapts JSON as jsonb; sent as json, PostgreSQL stores the text without converting it.
        return Json(value.obj, dumps=value.dumps) if hasattr(value, "obj") else value


@receiver(connection_created, dispatch_uid="core.fields.json_as_text")
def json_as_text(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Hand ``json`` values to the field as text, as Django does for ``jsonb`` (it parses them itself)."""
    if connection.vendor == "postgresql":
        connection.connection.adapters.register_loader("json", TextLoader)
