"""Bootstrap colours of proposal, match and programme states (badges, home cards)."""

from __future__ import annotations

STATE_TONES = {
    "draft": "secondary",
    "submitted": "info",
    "under_review": "info",
    "matched": "primary",
    "accepted": "success",
    "declined": "danger",
    "in_progress": "warning",
    "realised": "success",
    "withdrawn": "secondary",
    "confirmed": "warning",
    "open": "success",
    "closed": "secondary",
}


def state_tone(state: str) -> str:
    return STATE_TONES.get(state, "secondary")
