"""Rounds: opened by the province; the overview counts villages per region like reporting rates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from poverty_data import services
from poverty_data.models import Round, SubmissionState

from .test_submission_services import to_state

ROUNDS = "/data-kemiskinan/periode/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def round_data(**overrides):
    data = {
        "name": "Pemutakhiran Januari 2027", "period_start": "2027-01-01", "period_end": "2027-01-31",
        "submit_deadline": "2027-01-10", "verify_deadline": "2027-01-15", "approve_deadline": "2027-01-20",
        "finalise_deadline": "2027-01-31",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_it_sends_anonymous_visitors_to_log_in(client, open_round):
    assert client.get(ROUNDS).status_code == 302
    assert client.get(reverse("poverty_data:round", args=[open_round.pk])).status_code == 302


def test_province_staff_open_a_round(client, province_staff):
    client.force_login(province_staff)
    response = client.post(ROUNDS, round_data())
    assert response.status_code == 302
    assert Round.objects.get().name == "Pemutakhiran Januari 2027"


@pytest.mark.parametrize("who", ["officer", "village_head", "kabupaten_staff"])
def test_other_roles_cannot_open_a_round(client, all_roles, who):
    client.force_login(all_roles[who])
    assert client.post(ROUNDS, round_data()).status_code == 403
    assert not Round.objects.exists()


def test_deadlines_out_of_order_and_bad_dates_are_refused_in_indonesian(client, province_staff):
    client.force_login(province_staff)
    html = client.post(ROUNDS, round_data(verify_deadline="2027-01-05")).content.decode()
    assert "Setiap batas waktu harus sama dengan atau sesudah batas waktu sebelumnya." in html
    html = client.post(ROUNDS, round_data(period_start="31-31-2027")).content.decode()
    assert "tanggal yang valid" in html
    assert not Round.objects.exists()


def test_the_overview_counts_each_step_per_kabupaten(client, province_staff, draft, chain, region_tree):
    to_state(draft, SubmissionState.VERIFIED, chain)
    client.force_login(province_staff)
    rows = {r.code: r for r in client.get(reverse("poverty_data:round", args=[draft.round_id])).context["rows"]}
    bulungan = rows["65.01"]
    assert (bulungan.villages, bulungan.missing, bulungan.submitted, bulungan.verified, bulungan.approved) == (
        3,
        2,
        1,
        1,
        0,
    )
    assert (bulungan.on_time, bulungan.late) == (1, 0)
    assert rows["65.03"].missing == 1


def test_drilling_down_to_a_kecamatan_shows_each_villages_state(client, province_staff, draft, region_tree):
    client.force_login(province_staff)
    response = client.get(reverse("poverty_data:round", args=[draft.round_id]) + f"?wilayah={region_tree.kecamatan.pk}")
    states = {r.code: r.state for r in response.context["rows"]}
    assert states == {"65.01.01.1001": None, "65.01.01.2005": "draft"}


def test_missing_submissions_are_late_once_the_deadline_has_passed(client, province_staff, open_round):
    Round.objects.filter(pk=open_round.pk).update(submit_deadline=dt.date(2020, 1, 1))
    client.force_login(province_staff)
    totals = client.get(reverse("poverty_data:round", args=[open_round.pk])).context["totals"]
    assert totals["late"] == totals["villages"] == 5


def test_kabupaten_staff_see_only_their_kabupaten(client, kabupaten_staff, open_round, region_tree):
    client.force_login(kabupaten_staff)
    rows = client.get(reverse("poverty_data:round", args=[open_round.pk])).context["rows"]
    assert [r.code for r in rows] == ["65.01"]
    url = reverse("poverty_data:round", args=[open_round.pk]) + f"?wilayah={region_tree.nunukan.pk}"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("param", ["abc", "99999", "-1"])
def test_a_malformed_region_is_a_404(client, province_staff, open_round, param):
    client.force_login(province_staff)
    assert client.get(reverse("poverty_data:round", args=[open_round.pk]) + f"?wilayah={param}").status_code == 404


def test_an_unknown_round_is_a_404(client, province_staff):
    client.force_login(province_staff)
    assert client.get("/data-kemiskinan/periode/424242/").status_code == 404


def test_the_overview_exports_and_keeps_a_flat_query_count(
    client, province_staff, open_round, administrator, django_assert_max_num_queries
):
    from regions.models import Region
    from regions.services import RegionRow, regions_import

    regions_import(rows=[RegionRow(line=1, code=f"65.01.01.2{i:03d}", name=f"Desa {i}") for i in range(100, 400)])
    for village in Region.objects.filter(code__startswith="65.01.01.21")[:50]:
        submission = services.submission_start(user=administrator, round=open_round, village=village)
        services.submission_submit(user=administrator, submission=submission)
    client.force_login(province_staff)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("poverty_data:round", args=[open_round.pk]))
    assert response.context["totals"]["villages"] == 305 and response.context["totals"]["submitted"] == 50
    csv = b"".join(client.get(reverse("poverty_data:round", args=[open_round.pk]) + "?export=csv").streaming_content)
    assert b"65.01" in csv


def test_the_overview_shows_a_reporting_rate(client, province_staff, draft, chain):
    to_state(draft, SubmissionState.SUBMITTED, chain)
    client.force_login(province_staff)
    html = client.get(reverse("poverty_data:round", args=[draft.round_id])).content.decode()
    assert "Tingkat pelaporan" in html and "33%" in html  # 1 of Bulungan's 3 villages
