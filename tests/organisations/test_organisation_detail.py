"""The organisation page: scope, what it shows, the change history and a flat query count."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from organisations import services
from organisations.models import Position

from .conftest import NIK_WOMAN_1998, officer_fields


def url(org) -> str:
    return reverse("organisations:detail", args=[org.pk])


def history_url(org) -> str:
    return reverse("organisations:history", args=[org.pk])


def test_it_sends_anonymous_visitors_to_log_in(client, orgs):
    response = client.get(url(orgs.home))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_an_officer_sees_their_own_organisation(client, orgs, officer):
    client.force_login(officer)
    html = client.get(url(orgs.home)).content.decode()
    assert "Karang Taruna Gunung Putih" in html
    assert "Rizky Ramadhan" in html and "Ketua" in html
    assert "Ubah profil" in html


def test_another_villages_organisation_does_not_exist_for_an_officer(client, orgs, officer):
    client.force_login(officer)
    assert client.get(url(orgs.other)).status_code == 404
    assert client.get(url(orgs.same_kab)).status_code == 404


def test_kabupaten_staff_see_their_kabupaten_but_not_another(client, orgs, kabupaten_staff):
    client.force_login(kabupaten_staff)
    assert client.get(url(orgs.same_kab)).status_code == 200
    assert client.get(url(orgs.other)).status_code == 404


def test_a_village_head_may_look_but_not_edit(client, orgs, village_head):
    client.force_login(village_head)
    html = client.get(url(orgs.home)).content.decode()
    assert "Karang Taruna Gunung Putih" in html and "Ubah profil" not in html
    assert client.get(reverse("organisations:edit", args=[orgs.home.pk])).status_code == 403


def test_an_unknown_id_is_a_404(client, orgs, province_staff):
    client.force_login(province_staff)
    assert client.get("/organisasi/999999/").status_code == 404
    assert client.get("/organisasi/abc/").status_code == 404


def test_the_nik_of_an_officer_is_shown_masked(client, orgs, officer, administrator):
    services.officer_save(user=administrator, term=orgs.term, **officer_fields(nik=NIK_WOMAN_1998))
    client.force_login(officer)
    html = client.get(url(orgs.home)).content.decode()
    assert "650101******0001" in html and NIK_WOMAN_1998 not in html


def test_a_page_warns_when_there_is_no_current_term(client, orgs, province_staff):
    client.force_login(province_staff)
    html = client.get(url(orgs.same_kab)).content.decode()
    assert "tidak memiliki masa bakti berjalan" in html


def test_the_change_history_shows_who_changed_what(client, orgs, officer):
    client.force_login(officer)
    response = client.post(
        reverse("organisations:edit", args=[orgs.home.pk]),
        {"name": "Karang Taruna Tunas Harapan", "status": "active", "phone": "0811"},
    )
    assert response.status_code == 302
    history = client.get(history_url(orgs.home)).content.decode()
    assert "mengubah" in history and officer.get_full_name() in history
    assert "<del>Karang Taruna Gunung Putih</del> → Karang Taruna Tunas Harapan" in history


def test_the_history_shows_dates_day_first_and_rupiah_grouped(client, orgs, officer, administrator):
    services.officer_save(user=administrator, term=orgs.term, **officer_fields())
    services.programme_save(
        user=administrator, organisation=orgs.home, title="Sablon", sector="education", year=2026,
        budget=15_000_000, funded_swadaya=15_000_000,
    )  # fmt: skip
    client.force_login(officer)
    history = client.get(history_url(orgs.home)).content.decode()
    assert "12-03-1998" in history and "1998-03-12" not in history
    assert "15.000.000" in history and "tahun</strong>: 2026" in history


def test_the_history_masks_an_officers_nik(client, orgs, officer, administrator):
    services.officer_save(user=administrator, term=orgs.term, **officer_fields(nik=NIK_WOMAN_1998))
    client.force_login(officer)
    history = client.get(history_url(orgs.home)).content.decode()
    assert "Siti Lestari" in history and NIK_WOMAN_1998 not in history


def test_the_page_keeps_a_flat_query_count_as_its_rows_grow(
    client, orgs, province_staff, administrator, django_assert_max_num_queries
):
    client.force_login(province_staff)
    with django_assert_max_num_queries(40) as small:
        client.get(url(orgs.home))
    for year in range(2015, 2025):
        services.programme_save(
            user=administrator,
            organisation=orgs.home,
            title=f"Program {year}",
            sector="education",
            year=year,
            budget=1000,
            funded_swadaya=1000,
        )
        services.assistance_save(
            user=administrator, organisation=orgs.home, year=year, giver="province", form="money", value=5
        )
        services.partnership_save(user=administrator, organisation=orgs.home, partner_name=f"Mitra {year}", kind="ngo")
        term = services.term_save(
            user=administrator,
            organisation=orgs.home,
            sk_number=f"{year}",
            sk_date=dt.date(year - 10, 1, 1),
            starts_on=dt.date(year - 10, 1, 1),
            ends_on=dt.date(year - 10, 12, 31),
        )
        services.officer_save(
            user=administrator, term=term, **officer_fields(position=Position.KETUA, birth_date=dt.date(1980, 1, 1))
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(url(orgs.home)).content.decode()
    assert "Program 2024" in html and "Mitra 2015" in html


def test_registry_pages_have_no_inline_script_or_style(client, orgs, province_staff):
    client.force_login(province_staff)
    urls = [
        reverse("organisations:list"),
        reverse("organisations:dashboard"),
        reverse("organisations:event_list"),
        url(orgs.home),
        reverse("organisations:programme_create", args=[orgs.home.pk]),
    ]
    for page in urls:
        html = client.get(page).content.decode()
        assert "<style" not in html and " style=" not in html, page
        inline = [tag for tag in html.split("<script")[1:] if "src=" not in tag.split(">", 1)[0]]
        assert all('type="application/json"' in tag.split(">", 1)[0] for tag in inline), page


def test_the_administrator_can_open_the_registry_in_the_admin(client, orgs, administrator):
    client.force_login(administrator)
    assert client.get(reverse("admin:organisations_organisation_changelist")).status_code == 200
    assert client.get(reverse("admin:organisations_organisation_change", args=[orgs.home.pk])).status_code == 200


def test_the_history_reads_each_kind_of_record_once_however_often_the_profile_changed(
    client, orgs, province_staff, administrator, django_assert_max_num_queries
):
    client.force_login(province_staff)
    with django_assert_max_num_queries(20) as before:
        client.get(history_url(orgs.home))
    for phone in ("0811", "0812", "0813", "0814"):
        services.organisation_update(user=administrator, organisation=orgs.home, phone=phone)
    # Four more versions of the profile, each showing its region: no query per version.
    with django_assert_max_num_queries(len(before.captured_queries)):
        html = client.get(history_url(orgs.home)).content.decode()
    assert "0814" in html


def test_the_page_reads_no_history_until_it_is_asked_for(client, orgs, officer, administrator):
    services.organisation_update(user=administrator, organisation=orgs.home, phone="0811")
    client.force_login(officer)
    html = client.get(url(orgs.home)).content.decode()
    section = html.split('id="riwayat"')[1]
    assert f'href="{history_url(orgs.home)}"' in section and "Tampilkan riwayat perubahan" in section
    assert "0811" not in section


def test_htmx_gets_the_history_table_alone_and_a_browser_without_javascript_a_whole_page(
    client, orgs, officer, administrator
):
    services.organisation_update(user=administrator, organisation=orgs.home, phone="0811")
    client.force_login(officer)
    fragment = client.get(history_url(orgs.home), headers={"HX-Request": "true"}).content.decode()
    assert "0811" in fragment and "<html" not in fragment and fragment.lstrip().startswith('<div id="riwayat-tabel"')
    page = client.get(history_url(orgs.home)).content.decode()
    assert "0811" in page and "<html" in page and "Karang Taruna Gunung Putih" in page


def test_the_history_is_refused_to_a_village_head_and_hidden_outside_the_scope(
    client, orgs, village_head, kabupaten_staff
):
    client.force_login(village_head)
    assert client.get(history_url(orgs.home)).status_code == 403
    assert 'id="riwayat"' not in client.get(url(orgs.home)).content.decode()
    client.force_login(kabupaten_staff)
    assert client.get(history_url(orgs.other)).status_code == 404
