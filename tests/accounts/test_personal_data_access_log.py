"""The audit log page: province staff read who saw full NIK / No. KK or exported personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import PersonalDataAccess
from accounts.services import personal_data_access_log

URL = reverse("accounts:personal_data_access")


@pytest.fixture
def entries(officer, kabupaten_staff, village_head):
    personal_data_access_log(
        user=officer, action="view", subject="poverty_data.family", object_id=11, region_code="65.01.01.2005"
    )
    personal_data_access_log(
        user=kabupaten_staff, action="view", subject="poverty_data.submission", object_id=7, region_code="65.01.01.2005"
    )
    personal_data_access_log(
        user=village_head, action="export", subject="poverty_members", region_code="65.01.01.2005", rows=120
    )
    # Another province's entry: outside a province officer's scope.
    personal_data_access_log(
        user=officer, action="view", subject="poverty_data.member", object_id=3, region_code="64.01.01.2001"
    )
    last_week = timezone.now() - dt.timedelta(days=7)
    PersonalDataAccess.objects.filter(user=village_head).update(at=last_week)
    return PersonalDataAccess.objects.all()


def _rows(response):
    return [(e.user.username, e.action, e.subject) for e in response.context["page_obj"]]


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["kabupaten_staff", "officer", "village_head", "company_rep"])
def test_only_province_staff_and_administrators_may_read_it(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403


def test_province_staff_see_the_entries_of_their_province_newest_first(client, province_staff, entries):
    client.force_login(province_staff)
    response = client.get(URL)
    assert response.status_code == 200
    assert _rows(response) == [
        ("kabupaten", "view", "poverty_data.submission"),
        ("pengurus", "view", "poverty_data.family"),
        ("kades", "export", "poverty_members"),
    ]
    page = response.content.decode()
    assert "Ekspor data kemiskinan" in page


def test_an_administrator_sees_every_entry(client, administrator, entries):
    client.force_login(administrator)
    assert len(_rows(client.get(URL))) == 4


def test_it_filters_by_user_kind_record_and_date(client, province_staff, entries):
    client.force_login(province_staff)
    assert _rows(client.get(URL, {"user": "pengur"})) == [("pengurus", "view", "poverty_data.family")]
    assert _rows(client.get(URL, {"action": "export"})) == [("kades", "export", "poverty_members")]
    assert _rows(client.get(URL, {"subject": "poverty_data.submission"})) == [
        ("kabupaten", "view", "poverty_data.submission")
    ]
    today = timezone.localdate()
    assert len(_rows(client.get(URL, {"date_from": today.isoformat()}))) == 2
    last_week = (today - dt.timedelta(days=7)).isoformat()
    assert _rows(client.get(URL, {"date_from": last_week, "date_to": last_week})) == [
        ("kades", "export", "poverty_members")
    ]


def test_a_malformed_filter_is_ignored_with_a_message_not_an_error_page(client, province_staff, entries):
    client.force_login(province_staff)
    response = client.get(URL, {"date_from": "kemarin", "action": "hapus", "page": "x"})
    assert response.status_code == 200
    assert len(_rows(response)) == 3
    assert response.context["form"].errors


def test_it_paginates_with_a_flat_number_of_queries(client, province_staff, officer, django_assert_max_num_queries):
    for i in range(60):
        personal_data_access_log(
            user=officer, action="view", subject="poverty_data.family", object_id=i, region_code="65.01.01.2005"
        )
    client.force_login(province_staff)
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"page": 2})
    assert response.context["page_obj"].number == 2
    assert response.context["page_obj"].paginator.count == 60


def test_the_export_names_who_and_which_record_never_the_numbers(client, province_staff, entries):
    client.force_login(province_staff)
    response = client.get(URL, {"export": "csv"})
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "pengurus" in text and "65.01.01.2005" in text
    assert len(text.strip().splitlines()) == 1 + 3


def test_the_menu_offers_it_to_province_staff_only(client, province_staff, kabupaten_staff):
    client.force_login(province_staff)
    assert URL in client.get("/").content.decode()
    client.force_login(kabupaten_staff)
    assert URL not in client.get("/").content.decode()
