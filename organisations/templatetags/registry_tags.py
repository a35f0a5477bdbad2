"""The registry section's menu (templates/organisations/base.html)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import policy

register = template.Library()


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    action: str
    pages: tuple[str, ...]  # the URL names (by their start) that belong to the entry


MENU = [
    Entry(_("Karang Taruna"), "list", "organisation.view", ()),
    Entry(_("Registry dashboard"), "dashboard", "registry.dashboard", ("dashboard",)),
    Entry(_("Events"), "event_list", "event.view", ("event_", "attendee_", "follow_up_")),
]


@register.simple_tag(takes_context=True)
def registry_menu(context) -> list[dict]:
    """``{% registry_menu as menu %}``: the entries the user may open (no query: grants are cached),
    the one of the page being shown marked ``active`` (an organisation's pages belong to the list)."""
    match = getattr(context.get("request"), "resolver_match", None)
    name = match.url_name if match is not None and match.namespace == "organisations" else None
    own = next((e for e in MENU if e.pages and name and name.startswith(e.pages)), MENU[0] if name else None)
    return [
        {"label": entry.label, "url": reverse(f"organisations:{entry.url_name}"), "active": entry is own}
        for entry in MENU
        if policy.can(context.get("user"), entry.action)
    ]
