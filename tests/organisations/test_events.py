"""Capacity-building events: run by province staff, with invitations, attendance and follow-up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from organisations import services
from organisations.models import Event

EVENT = {
    "title": "Bimtek administrasi",
    "starts_on": "2026-05-01",
    "ends_on": "2026-05-02",
    "place": "Tanjung Selor",
    "organiser": "Dinas Sosial Provinsi",
    "aim_administration": "on",
    "materials": "Tata naskah",
}


@pytest.fixture
def event(orgs, province_staff, region_tree):
    event = services.event_save(
        user=province_staff,
        region=region_tree.province,
        title="Bimtek jejaring",
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 2),
        place="Tarakan",
        organiser="Dinas Sosial Provinsi",
        aim_network=True,
    )
    services.event_invite(user=province_staff, event=event, organisations=[orgs.home, orgs.other])
    return event


def test_province_staff_create_an_event(client, orgs, province_staff):
    client.force_login(province_staff)
    response = client.post(reverse("organisations:event_create"), EVENT)
    event = Event.objects.get()
    assert response["Location"] == reverse("organisations:event_detail", args=[event.pk])
    assert event.region.code == "65" and event.aims == ["administrasi"]


def test_an_event_needs_an_aim_and_an_end_after_its_start(client, orgs, province_staff):
    client.force_login(province_staff)
    data = EVENT | {"ends_on": "2026-04-01"}
    data.pop("aim_administration")
    html = client.post(reverse("organisations:event_create"), data).content.decode()
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in html
    assert "Pilih sedikitnya satu tujuan kegiatan." in html
    assert not Event.objects.exists()


def test_invitations_attendance_people_and_follow_up_show_on_the_event_page(client, event, orgs, province_staff):
    client.force_login(province_staff)
    participation = event.participations.get(organisation=orgs.home)
    response = client.post(
        reverse("organisations:attendee_add", args=[event.pk]),
        {"organisation": participation.pk, "name": "Agus Saputra", "position": "Sekretaris"},
    )
    assert response.status_code == 302
    client.post(
        reverse("organisations:follow_up_create", args=[event.pk]),
        {"action": "Unggah SK terbaru", "owner": "Ketua KT", "due_on": "2026-04-01"},
    )
    html = client.get(reverse("organisations:event_detail", args=[event.pk])).content.decode()
    assert "2 Karang Taruna diundang" in html and "1 orang hadir" in html
    assert "Agus Saputra (Sekretaris)" in html and "Unggah SK terbaru" in html
    client.post(reverse("organisations:event_attendance", args=[event.pk]), {"attended": [str(orgs.other.pk), "x"]})
    assert dict(event.participations.values_list("organisation_id", "attended")) == {
        orgs.home.pk: False,
        orgs.other.pk: True,
    }


def test_an_organisation_page_lists_the_events_it_attended(client, event, orgs, officer, province_staff):
    services.attendee_add(user=province_staff, participation=event.participations.get(organisation=orgs.home), name="A")
    client.force_login(officer)
    html = client.get(reverse("organisations:detail", args=[orgs.home.pk])).content.decode()
    assert "Bimtek jejaring" in html and "hadir (1 orang)" in html
    history = client.get(reverse("organisations:history", args=[orgs.home.pk])).content.decode()
    assert "keikutsertaan: Bimtek jejaring" in history and "<strong>hadir</strong>: <del>Tidak</del> → Ya" in history


def test_inviting_twice_invites_once(event, orgs, province_staff):
    assert services.event_invite(user=province_staff, event=event, organisations=[orgs.home, orgs.same_kab]) == 1
    assert event.participations.count() == 3


def test_only_province_staff_run_events(event, orgs, kabupaten_staff, officer, client):
    with pytest.raises(PermissionDenied):
        services.event_invite(user=kabupaten_staff, event=event, organisations=[orgs.same_kab])
    for user in (kabupaten_staff, officer):
        client.force_login(user)
        assert client.get(reverse("organisations:event_list")).status_code == 403
        assert client.get(reverse("organisations:event_detail", args=[event.pk])).status_code == 404
        assert client.post(reverse("organisations:event_attendance", args=[event.pk])).status_code == 404


def test_the_event_pages_ask_anonymous_visitors_to_log_in(client, event):
    assert client.get(reverse("organisations:event_detail", args=[event.pk])).status_code == 302
    assert client.get(reverse("organisations:event_list")).status_code == 302


def test_the_event_list_exports_its_rows(client, event, province_staff):
    client.force_login(province_staff)
    response = client.get(reverse("organisations:event_list"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Bimtek jejaring,2026-03-01,2026-03-02,Tarakan" in body and body.rstrip().endswith(",2,0")


def test_the_event_list_keeps_a_flat_query_count(
    client, orgs, province_staff, region_tree, django_assert_max_num_queries
):
    client.force_login(province_staff)
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("organisations:event_list"))
    Event.objects.bulk_create(
        [
            Event(
                region=region_tree.province,
                title=f"Kegiatan {n}",
                starts_on=dt.date(2026, 1, 1),
                ends_on=dt.date(2026, 1, 2),
                place="x",
                organiser="y",
                aim_welfare=True,
            )
            for n in range(200)
        ]
    )
    with django_assert_max_num_queries(len(small.captured_queries) + 1):
        response = client.get(reverse("organisations:event_list"))
    assert response.context["page_obj"].paginator.count == 200
