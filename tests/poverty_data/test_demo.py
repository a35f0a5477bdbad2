"""seed_demo's poverty data: volume, a closed round, and an open one with every state."""

from __future__ import annotations

from accounts.models import User
from poverty_data.models import Family, Round, Submission, SubmissionState
from poverty_data.selectors import review_queue


def test_the_full_demo_covers_every_village_of_the_province_with_about_twenty_eight_thousand_families(db):
    from kaltara_portal.demo import DemoContext, seed_all
    from regions.models import Region

    seed_all(DemoContext(log=lambda line: None))
    assert 25_000 < Family.objects.count() < 32_000
    villages = Region.objects.villages()
    assert villages.count() == 482
    assert villages.filter(families__isnull=True).count() == 0  # families in every village
    assert villages.filter(outline__isnull=True).count() == 0


def test_the_demo_has_families_rounds_and_something_for_each_demo_user(demo_data):
    assert Family.objects.count() > 300
    assert Family.history.count() >= Family.objects.count()
    closed, current = Round.objects.filter(is_open=False).get(), Round.objects.open().get()
    assert not closed.submissions.exclude(state=SubmissionState.FINALISED).exists()
    states = set(current.submissions.values_list("state", flat=True))
    assert states == {s.value for s in SubmissionState}
    draft = Submission.objects.get(round=current, village__code="65.01.01.2005")
    assert draft.state == SubmissionState.DRAFT and draft.changes.exists()
    assert draft.village.pokja.memberships.filter(user__username="pengurus").exists()
    assert review_queue(user=User.objects.get(username="kabupaten")).filter(state=SubmissionState.VERIFIED).exists()
    assert review_queue(user=User.objects.get(username="provinsi")).filter(state=SubmissionState.APPROVED).exists()


def test_the_demo_records_every_villages_figures_for_the_closed_round_and_the_finalised_ones_now(demo_data):
    from poverty_data.models import VillageRoundStats, VillageStats

    closed, current = Round.objects.filter(is_open=False).get(), Round.objects.open().get()
    villages = VillageStats.objects.count()
    assert villages > 50 and VillageRoundStats.objects.filter(round=closed).count() == villages
    finalised = set(current.submissions.filter(state=SubmissionState.FINALISED).values_list("village_code", flat=True))
    assert finalised and set(
        VillageRoundStats.objects.filter(round=current).values_list("village_code", flat=True)
    ) == (finalised)
