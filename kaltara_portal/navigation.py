"""The main menu: each part of the portal registers its entries with the policy action they need."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from accounts import policy


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    action: str
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _items):
        _items.append(item)
        _items.sort(key=lambda i: i.order)


def items_for(user: Any) -> list[NavItem]:
    """The entries whose action the user may perform somewhere (no extra queries: grants are cached)."""
    return [item for item in _items if policy.can(user, item.action)]
