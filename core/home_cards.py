"""The home page's "what needs my attention" cards.

Each part of the portal registers a provider: a function of the user returning a
``Card``, a list of cards (when one query answers several) or None. A provider asks
the policy itself and keeps to a fixed number of queries, so the home page stays flat
however much data there is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass
class CardLine:
    text: str | Promise
    url: str = ""
    badge: str | int | None = None
    tone: str = "secondary"  # a Bootstrap contextual colour: danger, warning, success, secondary


@dataclass
class Card:
    title: str | Promise
    lines: list[CardLine] = field(default_factory=list)
    link_url: str = ""
    link_text: str | Promise = ""
    empty_text: str | Promise = ""
    order: int = 100


Provider = Callable[[Any], Card | list[Card] | None]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Decorator: add a card provider to the home page."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def cards_for(user: Any) -> list[Card]:
    cards: list[Card] = []
    for provider in _providers:
        found = provider(user)
        if isinstance(found, Card):
            cards.append(found)
        elif found:
            cards.extend(found)
    return sorted(cards, key=lambda c: c.order)
