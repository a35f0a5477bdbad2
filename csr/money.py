"""Rupiah in Indonesian format: ``Rp 1.250.000``."""

from __future__ import annotations

from decimal import Decimal


def rupiah(value: Decimal | int | float | None) -> str:
    if value is None:
        return "–"
    amount = int(Decimal(value).quantize(Decimal(1)))
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")
