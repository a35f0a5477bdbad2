"""The family's housing, asset and assistance indicators as optional import columns.

Each column is named after the family field (``floor_type``, ``has_motorcycle``,
``receives_pkh`` ...). A choice cell may hold the code or the label, in Indonesian or
English, ignoring case; a yes/no cell ``ya``/``tidak``, ``y``/``t``, ``1``/``0``,
``true``/``false``. An empty cell proposes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from poverty_data.models import FAMILY_FIELDS, Family

YES = {"ya", "y", "1", "true", "yes", "ada", "punya"}
NO = {"tidak", "t", "0", "false", "no", "n", "tidakada", "tdk"}
SKIP = {"no_kk", "dusun", "rt", "rw", "street", "desil"}  # columns of their own in the import format


def _key(text: str) -> str:
    """Lower case, ASCII letters and digits only (as ``checks.word``)."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


Parser = Callable[[str], tuple[Any, str | None]]


@dataclass(frozen=True)
class Spec:
    """How a column's cell is read: "bool" (YES/NO words), "choice" (words -> code) or "text" (cut to length)."""

    kind: str
    words: dict[str, str] | None = None
    max_length: int | None = None


@cache
def indicator_specs() -> dict[str, Spec]:
    """column name -> how its cells are read, in the family model's field order."""
    specs: dict[str, Spec] = {}
    for name in FAMILY_FIELDS:
        if name in SKIP:
            continue
        field = Family._meta.get_field(name)
        if isinstance(field, models.BooleanField):
            specs[name] = Spec("bool")
        elif field.choices:
            specs[name] = Spec("choice", words=_choice_words(field))
        elif isinstance(field, models.CharField):
            specs[name] = Spec("text", max_length=field.max_length)
    return specs


@cache
def indicator_parsers() -> dict[str, Parser]:
    """column name -> parser of its cell text into (value, error message or None)."""
    parsers: dict[str, Parser] = {}
    for name, spec in indicator_specs().items():
        if spec.kind == "bool":
            parsers[name] = _boolean(name)
        elif spec.kind == "choice":
            parsers[name] = _choice(name, spec.words or {})
        else:
            parsers[name] = _text(spec.max_length)
    return parsers


def _boolean(name: str) -> Parser:
    def parse(text: str) -> tuple[Any, str | None]:
        key = _key(text)
        if key in YES:
            return True, None
        if key in NO:
            return False, None
        return None, _("%(column)s: “%(value)s” is not ya or tidak.") % {"column": name, "value": text[:20]}

    return parse


def _choice_words(field: models.Field) -> dict[str, str]:
    words: dict[str, str] = {}
    for code, label in field.choices:
        words[_key(str(code))] = code
        for language in ("en", "id"):
            with translation.override(language):
                words[_key(str(label))] = code
    return words


def _choice(name: str, words: dict[str, str]) -> Parser:
    def parse(text: str) -> tuple[Any, str | None]:
        code = words.get(_key(text))
        if code is None:
            return None, _("%(column)s: “%(value)s” is not one of its values.") % {"column": name, "value": text[:30]}
        return code, None

    return parse


def _text(max_length: int | None) -> Parser:
    def parse(text: str) -> tuple[Any, str | None]:
        return text[: max_length or None], None

    return parse
