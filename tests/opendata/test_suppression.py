from __future__ import annotations

import pytest
from django.test import Client

from opendata import suppression
from opendata.models import Area, AreaFigures, Release
from regions.models import Region

from .attack import read_published, recover
from .conftest import VILLAGES

pytestmark = pytest.mark.django_db


def _parents() -> dict[str, str | None]:
    return {code: parent for code, parent in Region.objects.values_list("code", "parent__code")}


def test_a_small_count_is_not_published_and_its_partner_is_hidden_too(published):
    small = AreaFigures.objects.get(area__code="65.01.01.1001")
    assert (small.families, small.poor, small.poor_flag) == (40, None, "small")
    # 3 poor beside 20 poor in the other village of the kecamatan: one more count of the kecamatan hides.
    kec = AreaFigures.objects.filter(area__parent_code="65.01.01", poor__isnull=True)
    assert {f.area.code for f in kec} == {"65.01.01.1001", "65.01.01.2005"}
    tiny = AreaFigures.objects.get(area__code="65.03.01.2001")
    assert (tiny.families, tiny.poor) == (None, None)


def test_a_small_complement_hides_the_poor_count_that_would_give_it(published):
    row = AreaFigures.objects.get(area__code="65.01.02.2001")  # 30 families, 27 poor: 3 not poor
    assert row.families is None or row.poor is None


def test_no_suppressed_count_can_be_recovered_from_the_pages_the_downloads_or_the_api(published):
    known, hidden = read_published(Client(), published.round.pk)
    assert hidden, "nothing suppressed: the test would prove nothing"
    recovered = recover(known, _parents())
    truth = {}
    for code, (f, p) in VILLAGES.items():
        truth[(code, "F")], truth[(code, "P")] = f, p
    for cell in hidden:
        if cell in recovered and cell[0] in VILLAGES:
            pytest.fail(f"{cell} recovered as {recovered[cell]} (truth {truth[cell]})")
        assert cell not in recovered, f"{cell} recovered as {recovered[cell]}"
    # The small counts of the villages stay unknown; shown counts are the true ones.
    for cell, value in known.items():
        if cell in truth:
            assert value == truth[cell]
    for code, (f, p) in VILLAGES.items():
        for cell, value in (((code, "P"), p), ((code, "F"), f), ((code, "N"), f - p)):
            if 0 < value < 5:
                assert cell not in recovered, f"small count {cell} = {value} recoverable"


def test_the_whole_demo_keeps_every_suppressed_count_unrecoverable(demo_data):
    client = Client()
    parents = _parents()
    releases = list(Release.objects.all())
    assert releases, "the demo publishes no round"
    for release in releases:
        known, hidden = read_published(client, release.round_id)
        recovered = recover(known, parents)
        assert not (hidden & set(recovered)), sorted(hidden & set(recovered))[:5]
        assert len(known) == 2 * Area.objects.count() - len(hidden)


def test_chained_subtractions_are_blocked_too():
    # Two kecamatan of one kabupaten, each with two villages: one small count makes the heuristic hide a
    # rectangle; the audit proves no hidden cell follows from the shown ones.
    parent_of = {"K": None, "A": "K", "B": "K", "a1": "A", "a2": "A", "b1": "B", "b2": "B"}
    values = {}
    for code, (f, p) in {"a1": (40, 2), "a2": (60, 30), "b1": (20, 10), "b2": (80, 40)}.items():
        values[(code, "F")], values[(code, "P")], values[(code, "N")] = f, p, f - p
    for parent, kids in (("A", ["a1", "a2"]), ("B", ["b1", "b2"]), ("K", ["A", "B"])):
        for var in "FPN":
            values[(parent, var)] = sum(values[(k, var)] for k in kids)
    eqs = suppression.equations(parent_of)
    hidden = suppression.suppress(values, eqs, 5)
    assert hidden[("a1", "P")] == "small"
    assert suppression.determined(values, eqs, hidden) == set()
    known = {cell: v for cell, v in values.items() if cell not in hidden}
    assert not (set(hidden) & set(recover(known, parent_of)))


def test_a_zero_is_published_and_nothing_else_hides_for_it():
    parent_of = {"K": None, "a": "K", "b": "K"}
    values = {("a", "F"): 50, ("a", "P"): 0, ("a", "N"): 50, ("b", "F"): 60, ("b", "P"): 10, ("b", "N"): 50}
    values |= {("K", v): values[("a", v)] + values[("b", v)] for v in "FPN"}
    assert suppression.suppress(values, suppression.equations(parent_of), 5) == {}
