"""Classification: thresholds, who may assess, every assessment kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from organisations import services
from organisations.models import ASPECTS, CLASS_THRESHOLDS, Organisation, class_for_scores


def scores(value: int) -> dict[str, int]:
    return {name: value for name, _label in ASPECTS}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0] * 6, "tumbuh"),
        ([49] * 6, "tumbuh"),
        ([50] * 6, "berkembang"),
        ([69, 70, 70, 70, 70, 70], "berkembang"),
        ([70] * 6, "maju"),
        ([84] * 6, "maju"),
        ([85] * 6, "percontohan"),
        ([100, 100, 100, 100, 40, 40], "maju"),
        ([100] * 6, "percontohan"),
    ],
)
def test_the_class_follows_from_the_average_score(values, expected):
    assert class_for_scores(values) == expected


def test_the_thresholds_are_kept_in_one_ordered_table():
    minimums = [minimum for minimum, _klass in CLASS_THRESHOLDS]
    assert minimums == sorted(minimums, reverse=True) and minimums[-1] == 0


def test_kabupaten_staff_assess_and_the_organisation_takes_the_latest_class(orgs, kabupaten_staff):
    services.assessment_record(
        user=kabupaten_staff, organisation=orgs.home, assessed_on=dt.date(2025, 1, 10), **scores(55)
    )
    services.assessment_record(
        user=kabupaten_staff, organisation=orgs.home, assessed_on=dt.date(2026, 2, 1), **scores(88)
    )
    home = Organisation.objects.get(pk=orgs.home.pk)
    assert (home.classification, home.classified_on) == ("percontohan", dt.date(2026, 2, 1))
    assert list(home.assessments.values_list("classification", flat=True)) == ["percontohan", "berkembang"]


def test_recording_an_older_assessment_keeps_the_latest_class(orgs, kabupaten_staff):
    services.assessment_record(
        user=kabupaten_staff, organisation=orgs.home, assessed_on=dt.date(2026, 2, 1), **scores(75)
    )
    services.assessment_record(
        user=kabupaten_staff, organisation=orgs.home, assessed_on=dt.date(2024, 2, 1), **scores(10)
    )
    assert Organisation.objects.get(pk=orgs.home.pk).classification == "maju"


def test_officers_may_not_assess_and_kabupaten_staff_only_their_kabupaten(orgs, officer, kabupaten_staff):
    with pytest.raises(PermissionDenied):
        services.assessment_record(user=officer, organisation=orgs.home, assessed_on=dt.date(2026, 1, 1), **scores(90))
    with pytest.raises(PermissionDenied):
        services.assessment_record(
            user=kabupaten_staff, organisation=orgs.other, assessed_on=dt.date(2026, 1, 1), **scores(90)
        )
    assert not orgs.home.assessments.exists() and not orgs.other.assessments.exists()


def test_the_assessment_page_records_and_shows_the_history_of_classes(client, orgs, kabupaten_staff):
    client.force_login(kabupaten_staff)
    url = reverse("organisations:assessment_create", args=[orgs.home.pk])
    response = client.post(url, {"assessed_on": "2026-03-01", **scores(72)})
    assert response.status_code == 302
    html = client.get(reverse("organisations:detail", args=[orgs.home.pk])).content.decode()
    assert "Maju" in html and "72.0" in html.replace(",", ".")


def test_a_score_above_100_is_refused_on_the_form(client, orgs, kabupaten_staff):
    client.force_login(kabupaten_staff)
    url = reverse("organisations:assessment_create", args=[orgs.home.pk])
    response = client.post(url, {"assessed_on": "2026-03-01", **scores(101)})
    assert response.status_code == 200
    assert "Pastikan nilai ini lebih kecil dari atau sama dengan 100." in response.content.decode()
    assert not orgs.home.assessments.exists()


def test_the_assessment_page_is_404_outside_the_kabupaten_and_403_for_an_officer(
    client, orgs, kabupaten_staff, officer
):
    client.force_login(kabupaten_staff)
    assert client.get(reverse("organisations:assessment_create", args=[orgs.other.pk])).status_code == 404
    client.force_login(officer)
    assert client.get(reverse("organisations:assessment_create", args=[orgs.home.pk])).status_code == 403


def test_the_assessment_page_sends_anonymous_visitors_to_log_in(client, orgs):
    response = client.get(reverse("organisations:assessment_create", args=[orgs.home.pk]))
    assert response.status_code == 302
