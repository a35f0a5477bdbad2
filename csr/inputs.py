"""The two inputs csr needs from other parts of the portal, behind one seam.

``organisations`` (the Karang Taruna registry, issue #3) and ``poverty_data`` (families and
poverty rounds, issue #4) are built in parallel with csr and are not in this branch, so csr
imports none of their models. It asks here instead:

* ``village_need(codes)`` -> ``{village code: (poor families, families)}``: poor families are
  the active families in desil 1-4 of the village, ``families`` all its active families;
* ``proposer_record(codes)`` -> ``{village code: (classification or None, realisations reported)}``:
  the classification (tumbuh, berkembang, maju, percontohan) of the village's Karang Taruna and
  how many activity/assistance realisations it reported in the registry.

Both look their models up with ``django.apps.apps.get_model`` and return ``{}`` while those apps
have no such models (``LookupError``). A village missing from the answer means "no data yet":
the matching explains it so ("no poverty data yet") and never invents numbers.

INTEGRATOR: after merging, check the model and field names below against the real ones
(``poverty_data.Family``: ``village`` FK to Region, ``desil`` 1-10, ``status`` "active";
``organisations.KarangTaruna``: ``region`` FK, ``classification``; realisations counted from
``organisations.Programme`` rows with ``status="realised"``) and adjust the two queries; each is
one aggregate query whatever the number of codes. The tests replace these functions with fakes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import Count, Q

POOR_DESIL_MAX = 4


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def village_need(codes: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Poor families (desil 1-4) and all families, active ones only, per village code."""
    codes = list(set(codes))
    family = _model("poverty_data.Family")
    if family is None or not codes:
        return {}
    try:
        rows = (
            family.objects.filter(village__code__in=codes, status="active")
            .values("village__code")
            .annotate(poor=Count("pk", filter=Q(desil__lte=POOR_DESIL_MAX)), families=Count("pk"))
        )
        return {r["village__code"]: (r["poor"], r["families"]) for r in rows}
    except FieldError:  # the model exists but not (yet) with these fields
        return {}


def proposer_record(codes: Iterable[str]) -> dict[str, tuple[str | None, int]]:
    """The classification of each village's Karang Taruna and the programmes it reported as done
    (with their realisation) in the registry: one aggregate query."""
    from organisations.models import Organisation, ProgrammeStatus

    codes = list(set(codes))
    if not codes:
        return {}
    rows = (
        Organisation.objects.filter(region__code__in=codes)
        .values("region__code", "classification")
        .annotate(reported=Count("programmes", filter=Q(programmes__status=ProgrammeStatus.DONE)))
    )
    return {r["region__code"]: (r["classification"] or None, r["reported"]) for r in rows}
