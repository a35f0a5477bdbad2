"""Names and numbers on the poverty pages: a family by its head and masked No. KK, a year without a
thousands separator, late counts labelled for what they count, a passed deadline marked late in the
portal's time zone."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from poverty_data import services
from poverty_data.models import Round


def test_a_change_names_its_family_by_the_head_and_the_masked_no_kk(client, officer, draft, families):
    services.change_family_correct(
        user=officer, submission=draft, expected_version=None, family=families[0],
        family_version=families[0].version, data={"desil": 1},
    )  # fmt: skip
    client.force_login(officer)
    html = client.get(reverse("poverty_data:submission", args=[draft.pk])).content.decode()
    no_kk = families[0].no_kk
    assert f"Keluarga #{families[0].pk}" not in html
    assert "Warga 1-0" in html and f"{no_kk[:6]}******{no_kk[-4:]}" in html


def test_the_deactivation_page_names_the_family_too(client, officer, draft, families):
    client.force_login(officer)
    html = client.get(reverse("poverty_data:change_deactivate", args=[draft.pk, families[0].pk])).content.decode()
    assert f"Keluarga #{families[0].pk}" not in html and "Warga 1-0" in html


def test_a_year_is_shown_without_a_thousands_separator(client, officer, pokja, region_tree, settings):
    settings.USE_THOUSAND_SEPARATOR = True
    client.force_login(officer)
    html = client.get(reverse("poverty_data:village", args=[region_tree.village.pk])).content.decode()
    assert "(2026)" in html and "2.026" not in html


def test_the_round_overview_labels_its_two_late_counts_apart(client, province_staff, open_round):
    client.force_login(province_staff)
    html = client.get(reverse("poverty_data:round", args=[open_round.pk])).content.decode()
    assert "Diajukan terlambat atau belum" in html and "Desa yang kini melewati tenggat" in html
    assert "Desa yang terlambat" not in html


def test_a_deadline_passed_yesterday_in_makassar_is_late_even_while_it_is_still_that_day_in_utc(
    client, officer, pokja, open_round, region_tree, monkeypatch
):
    # 17:30 UTC on the 10th is 01:30 on the 11th in Makassar: the deadline of the 10th has passed.
    now = dt.datetime(2026, 12, 10, 17, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    assert Round.objects.get(pk=open_round.pk).submit_overdue
    client.force_login(officer)
    html = client.get(reverse("poverty_data:village", args=[region_tree.village.pk])).content.decode()
    assert '<span class="badge text-bg-danger">terlambat</span>' in html


def test_a_deadline_of_today_is_not_late(open_round, monkeypatch):
    now = dt.datetime(2026, 12, 10, 15, 30, tzinfo=dt.UTC)  # 23:30 on the 10th in Makassar
    monkeypatch.setattr(timezone, "now", lambda: now)
    assert not Round.objects.get(pk=open_round.pk).submit_overdue
