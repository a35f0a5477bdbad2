from __future__ import annotations

from django import template

from csr.csr_tones import state_tone
from csr.money import rupiah as _rupiah

register = template.Library()


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
    from accounts import policy

    return policy.can(user, action)
