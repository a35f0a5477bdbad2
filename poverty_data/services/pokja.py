"""The Pokja (the village working group) and its members: kept by the village head."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import policy
from regions.models import Level, Region

from ..models import Pokja, PokjaMember


@transaction.atomic
def pokja_save(
    *,
    user: Any,
    village: Region,
    sk_number: str,
    sk_date: dt.date | None,
    budget_dana_desa: Decimal | None,
    budget_year: int | None,
) -> Pokja:
    """Create or update the village's Pokja (the village head's decree and the dana desa budget)."""
    policy.require(user, "pokja.manage", village)
    if village.level != Level.DESA_KELURAHAN:
        raise ValidationError(_("A Pokja belongs to a village."))
    pokja = Pokja.objects.filter(village=village).first() or Pokja(village=village, village_code=village.code)
    pokja.sk_number, pokja.sk_date = sk_number, sk_date
    pokja.budget_dana_desa, pokja.budget_year = budget_dana_desa, budget_year
    pokja._history_user = user
    pokja.save()
    return pokja


@transaction.atomic
def pokja_member_add(*, user: Any, pokja: Pokja, member: Any, position: str) -> PokjaMember:
    policy.require(user, "pokja.manage", pokja)
    row, _created = PokjaMember.objects.update_or_create(pokja=pokja, user=member, defaults={"position": position})
    return row


@transaction.atomic
def pokja_member_remove(*, user: Any, membership: PokjaMember) -> None:
    policy.require(user, "pokja.manage", membership.pokja)
    membership.delete()
