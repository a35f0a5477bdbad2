"""The main menu's registry: each part of the portal registers its entries with the policy action they need.

The registry knows no access rule: an entry only names its action. Whoever draws the menu asks the
access policy which entries the user may see (``kaltara_portal.context_processors``) and hands them
to ``sections`` to be grouped, translated and reversed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    action: str
    order: int = 100
    # Items of one section share a dropdown in the menu (a section with one visible item is a plain link).
    section: str | Promise = ""

    @property
    def url(self) -> str:
        return _reverse(self.url_name, get_script_prefix())


@lru_cache(maxsize=512)
def _reverse(url_name: str, script_prefix: str) -> str:
    """Menu URLs take no arguments, so they only change with the script prefix: reversed once per
    process instead of on every page (a menu of ~20 entries cost ~20 reverse() calls a request)."""
    return reverse(url_name)


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _items):
        _items.append(item)
        _items.sort(key=lambda i: i.order)


def items() -> list[NavItem]:
    """Every registered entry, in menu order."""
    return list(_items)


@dataclass
class NavLink:
    label: str
    url: str
    active: bool


@dataclass
class NavSection:
    label: str
    links: list[NavLink]


def sections(visible: Iterable[NavItem], path: str = "") -> list[NavSection]:
    """The ``visible`` entries grouped by section, in menu order, ready to print: labels translated,
    URLs reversed and the entry of ``path`` marked active (the template only writes them out)."""
    found: list[NavSection] = []
    by_label: dict[str, NavSection] = {}
    for item in visible:
        key = str(item.section) if item.section else f"item:{item.url_name}"
        if key not in by_label:
            by_label[key] = NavSection(label=str(item.section or item.label), links=[])
            found.append(by_label[key])
        url = item.url
        by_label[key].links.append(NavLink(label=str(item.label), url=url, active=url == path))
    return found
