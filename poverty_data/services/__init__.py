"""Every write of the poverty data, by concern: the Pokja (``pokja``), rounds (``rounds``), editing a
draft (``drafts``), the review chain (``review``), finalisation (``finalise``) and the initial load
(``loading``). Callers import from here: ``from poverty_data.services import submission_submit``.

Finalised is read-only forever; the master data (``Family``, ``Member``) changes only in
``submission_finalise``.
"""

from ..selectors import is_pokja_member  # a read, kept importable here for poverty_imports.services
from .drafts import (
    change_family_correct,
    change_family_deactivate,
    change_member_add,
    change_member_correct,
    change_new_family,
    change_new_family_update,
    change_remove,
    change_resolve_duplicate,
    submission_start,
)
from .finalise import submission_finalise
from .loading import families_load
from .pokja import pokja_member_add, pokja_member_remove, pokja_save
from .review import (
    submission_approve,
    submission_return,
    submission_return_check,
    submission_submit,
    submission_take_back,
    submission_verify,
)
from .rounds import round_close, round_open
from .values import StaleEdit, from_json, to_json

__all__ = [
    "StaleEdit",
    "change_family_correct",
    "change_family_deactivate",
    "change_member_add",
    "change_member_correct",
    "change_new_family",
    "change_new_family_update",
    "change_remove",
    "change_resolve_duplicate",
    "families_load",
    "from_json",
    "is_pokja_member",
    "pokja_member_add",
    "pokja_member_remove",
    "pokja_save",
    "round_close",
    "round_open",
    "submission_approve",
    "submission_finalise",
    "submission_return",
    "submission_return_check",
    "submission_start",
    "submission_submit",
    "submission_take_back",
    "submission_verify",
    "to_json",
]
