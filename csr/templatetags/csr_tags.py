from __future__ import annotations

from django import template

from accounts import policy
from csr.csr_tones import state_tone
from csr.money import rupiah as _rupiah

register = template.Library()

# The part of the CSR menu a page belongs to, by the first word of its URL name.
SECTIONS = {
    "proposal": "proposals",
    "attachment": "proposals",
    "programme": "programmes",
    "match": "matches",
    "realisation": "matches",
    "company": "companies",
    "plan": "plan",
    "board": "board",
    "impact": "impact",
    "planner": "planner",
}


@register.filter
def rupiah(value) -> str:
    """``Rp 1.250.000``."""
    return _rupiah(value)


@register.filter
def tone(state: str) -> str:
    return state_tone(state)


@register.filter
def may(user, action: str) -> bool:
    """``{% if user|may:"csr.board" %}``: the policy, with the user's cached grants (no query)."""
    return policy.can(user, action)


@register.simple_tag(takes_context=True)
def csr_section(context) -> str:
    """``{% csr_section as active %}``: the menu entry of the page being shown ("" outside the section)."""
    match = getattr(context.get("request"), "resolver_match", None)
    if match is None or match.namespace != "csr":
        return ""
    return SECTIONS.get(match.url_name.split("_")[0], "")
