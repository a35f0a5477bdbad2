"""The list of Karang Taruna: scope, filters, pagination, exports and a flat query count."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from organisations import services
from organisations.models import Organisation, Position, Term, attach_term_state, today, years_later
from tests.factories import TermFactory

from .conftest import bulk_organisations, officer_fields

URL = reverse("organisations:list")


def names(response) -> set[str]:
    return {row.organisation.name for row in response.context["rows"]}


def test_it_sends_anonymous_visitors_to_log_in(client, orgs):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_company_representative_may_not_see_the_registry(client, orgs, company_rep):
    client.force_login(company_rep)
    assert client.get(URL).status_code == 403


def test_an_officer_sees_only_their_own_karang_taruna(client, orgs, officer):
    client.force_login(officer)
    response = client.get(URL)
    assert names(response) == {"Karang Taruna Gunung Putih"}
    assert "Karang Taruna Tanjung Karang" not in response.content.decode()


def test_kabupaten_staff_see_their_kabupaten_only(client, orgs, kabupaten_staff):
    client.force_login(kabupaten_staff)
    assert names(client.get(URL)) == {"Karang Taruna Gunung Putih", "Karang Taruna Long Beluah"}


@pytest.mark.parametrize("typed", ["\x00", "65.03\x00", "bukan-kode"])
def test_a_kabupaten_typed_into_the_url_that_is_no_code_filters_nothing(client, orgs, province_staff, typed):
    client.force_login(province_staff)
    response = client.get(URL, {"kabupaten": typed})
    assert response.status_code == 200 and len(names(response)) == 3


def test_province_staff_filter_by_kabupaten_and_term_state(client, orgs, province_staff):
    client.force_login(province_staff)
    assert names(client.get(URL)) == {
        "Karang Taruna Gunung Putih",
        "Karang Taruna Long Beluah",
        "Karang Taruna Tanjung Karang",
    }
    assert names(client.get(URL, {"kabupaten": "65.03"})) == {"Karang Taruna Tanjung Karang"}
    response = client.get(URL, {"term_state": "none"})
    assert names(response) == {"Karang Taruna Long Beluah"}
    assert "Tidak ada masa bakti berjalan" in response.content.decode()


def test_the_search_finds_by_name_or_region(client, orgs, province_staff):
    client.force_login(province_staff)
    assert names(client.get(URL, {"q": "beluah"})) == {"Karang Taruna Long Beluah"}
    assert names(client.get(URL, {"q": "65.03"})) == {"Karang Taruna Tanjung Karang"}


@pytest.mark.parametrize(
    "params",
    [
        {"kabupaten": "zz'; drop"},
        {"level": "abc"},
        {"level": "9"},
        {"classification": "super"},
        {"term_state": "x"},
        {"page": "abc"},
        {"page": "99999"},
        {"kecamatan": "65.03.01", "kabupaten": "65.01"},
    ],
)
def test_bad_filter_values_and_page_numbers_are_ignored_not_an_error(client, orgs, province_staff, params):
    client.force_login(province_staff)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert len(names(response)) >= 1


def test_the_csv_export_holds_the_filtered_rows(client, orgs, province_staff):
    client.force_login(province_staff)
    response = client.get(URL, {"kabupaten": "65.01", "export": "csv"})
    assert response["Content-Disposition"].startswith('attachment; filename="karang-taruna-')
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:6] == ["Kode wilayah", "Wilayah", "Tingkat", "Kabupaten/kota", "Kecamatan", "Nama Karang Taruna"]
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {"65.01.01.2005", "65.01.02.2001"}
    assert by_code["65.01.01.2005"][3:9] == [
        "Kabupaten Bulungan",
        "Tanjung Palas",
        "Karang Taruna Gunung Putih",
        "Aktif",
        "",
        "Rizky Ramadhan",
    ]


def test_the_xlsx_export_opens_with_the_same_rows(client, orgs, kabupaten_staff):
    client.force_login(kabupaten_staff)
    response = client.get(URL, {"export": "xlsx", "term_state": "current"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Kode wilayah"
    assert [r[5] for r in rows[1:]] == ["Karang Taruna Gunung Putih"]


def test_the_list_keeps_a_flat_query_count_as_organisations_grow(
    client, orgs, province_staff, region_tree, django_assert_max_num_queries
):
    client.force_login(province_staff)
    with django_assert_max_num_queries(20) as small:
        client.get(URL)
    bulk_organisations(region_tree, 300)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert response.context["page_obj"].paginator.count == 303
    assert len(response.context["rows"]) == 25


def test_the_export_keeps_a_flat_query_count_as_organisations_grow(
    client, orgs, province_staff, region_tree, django_assert_max_num_queries
):
    client.force_login(province_staff)
    bulk_organisations(region_tree, 300)
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"export": "csv"})
        body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.count("\n") == 304


def test_the_rows_term_state_is_the_same_as_the_exports(orgs, region_tree):
    # The list's page reads its rows' term state in one plain query, the export per row in SQL: an
    # organisation must show the same badge and Ketua in both, whatever its terms.
    day = today()
    expiring, expired, two_terms = bulk_organisations(region_tree, 3)
    Term.objects.filter(organisation=expiring).update(sk_ends_on=day + dt.timedelta(days=10))
    Term.objects.filter(organisation=expired).update(starts_on=years_later(day, -6), ends_on=day - dt.timedelta(days=1))
    older = Term.objects.get(organisation=two_terms)
    services.officer_save(
        user=orgs.admin, term=older, **officer_fields(name="Sari Ketua Lama", position=Position.KETUA, sex="P")
    )
    TermFactory(organisation=two_terms, sk_number="2", starts_on=day, ends_on=day + dt.timedelta(days=30))

    def state(org):
        return (org.has_current_term, org.term_expiring, org.current_term_ends_on, org.ketua_name)

    annotated = {o.pk: state(o) for o in Organisation.objects.with_term_state()}
    attached = {o.pk: state(o) for o in attach_term_state(list(Organisation.objects.all()))}
    assert attached == annotated
    assert annotated[orgs.home.pk][3] == "Rizky Ramadhan" and annotated[orgs.same_kab.pk][0] is False
    assert annotated[expiring.pk][1] and not annotated[expired.pk][0]
    assert annotated[two_terms.pk] == (True, True, day + dt.timedelta(days=30), "Sari Ketua Lama")
