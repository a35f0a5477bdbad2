"""The CSR part of seed_demo: every state present, pengurus's village included, idempotent."""

from __future__ import annotations

import io

from django.core.management import call_command

from csr.models import Match, Programme, Proposal, ProposalState, Realisation


def test_it_creates_proposals_in_every_state_with_their_feedback(demo_data):
    assert set(Proposal.objects.values_list("state", flat=True)) == set(ProposalState.values)
    assert Proposal.objects.filter(village__code="65.01.01.2005", created_by__username="pengurus").count() >= 4
    assert Programme.objects.filter(company__name="PT Kaltara Hijau Lestari (demo)", status="open").count() == 2
    assert Match.objects.filter(state="accepted").exists() and Realisation.objects.exists()
    assert all(p.events.exists() for p in Proposal.objects.all())


def test_running_it_twice_adds_nothing(demo_data, settings):
    before = (Programme.objects.count(), Proposal.objects.count(), Match.objects.count())
    settings.DEBUG = True
    call_command("seed_demo", "--light", stdout=io.StringIO())  # the variant demo_data seeded
    assert (Programme.objects.count(), Proposal.objects.count(), Match.objects.count()) == before


def test_the_demo_impact_page_compares_poor_families_since_the_programmes_started(demo_data):
    from accounts.models import User
    from csr.selectors import impact

    villages = impact(user=User.objects.get(username="provinsi"))["villages"]
    trends = [v["trend"] for v in villages if v["trend"]]
    assert trends and all(t["before_round"] == "Pemutakhiran Triwulan III 2026" for t in trends)


def test_the_demo_board_shows_poor_villages_no_open_programme_reaches(demo_data):
    from accounts.models import User
    from csr import selectors

    board = selectors.sync_board(user=User.objects.get(username="provinsi"))
    assert board.unreached
    assert {row["village"].code[:5] for row in board.unreached} == {"65.04"}
