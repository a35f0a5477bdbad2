"""Where a user may import: the villages of a file checked against the uploader's scope."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from accounts import policy
from poverty_data.services import is_pokja_member
from regions.models import Level, Region


def village_states_for(user: Any) -> Callable[[Iterable[str]], dict[str, str]]:
    """'ok', 'unknown' or 'out_of_scope' for each of some village codes; ``user`` None is the command line.

    The village codes are read once for the whole import (a national list is 84,000 codes: a fraction
    of a second; a few codes are looked up alone), and the access policy is asked once per distinct
    code of the file, not per row nor per batch.
    """
    villages: set[str] | None = None
    answers: dict[str, str] = {}

    def state(code: str, known: bool) -> str:
        if not known:
            return "unknown"
        if user is not None and not may_import_into(user, code):
            return "out_of_scope"
        return "ok"

    def states(codes: Iterable[str]) -> dict[str, str]:
        nonlocal villages
        codes = list(codes)
        new = [code for code in codes if code not in answers]
        if villages is None and len(new) >= 1000:
            villages = set(Region.objects.filter(level=Level.DESA_KELURAHAN).values_list("code", flat=True))
        if villages is not None:
            known = villages
        else:
            known = set(Region.objects.filter(level=Level.DESA_KELURAHAN, code__in=new).values_list("code", flat=True))
        for code in new:
            answers[code] = state(code, code in known)
        return {code: answers[code] for code in codes}

    return states


def may_import_into(user: Any, village_code: str) -> bool:
    """Kabupaten staff within their area; an officer only into a village whose Pokja they sit on."""
    if not policy.can(user, "import.run", village_code):
        return False
    if policy.has_role(user, "administrator"):
        return True
    if any(
        g.role == "kabupaten_staff" and g.covers(region_code=village_code, company_id=None) for g in policy.grants(user)
    ):
        return True
    return is_pokja_member(user, village_code)
