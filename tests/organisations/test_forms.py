"""The registry's forms: bad input gets a clear Indonesian message on the form and changes nothing."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from organisations.models import Officer, Organisation, Programme, Term, today


def officer_post(**overrides):
    data = {"name": "Dewi Anggraini", "position": "bendahara", "sex": "P", "birth_date": "1995-05-05", "phone": ""}
    return data | overrides


def test_registering_a_second_karang_taruna_for_a_region_is_refused_on_the_form(
    client, orgs, province_staff, region_tree
):
    client.force_login(province_staff)
    response = client.post(
        reverse("organisations:create"), {"region": region_tree.village.pk, "name": "Kembar", "status": "active"}
    )
    assert response.status_code == 200
    assert "Wilayah ini sudah memiliki Karang Taruna." in response.content.decode()
    assert Organisation.objects.filter(region=region_tree.village).count() == 1


def test_province_staff_register_a_karang_taruna_for_a_kabupaten(client, orgs, province_staff, region_tree):
    client.force_login(province_staff)
    response = client.post(
        reverse("organisations:create"),
        {"region": region_tree.bulungan.pk, "name": "Karang Taruna Kabupaten Bulungan", "status": "active"},
    )
    created = Organisation.objects.get(region=region_tree.bulungan)
    assert response["Location"] == reverse("organisations:detail", args=[created.pk])


def test_an_officer_may_not_register_organisations(client, orgs, officer):
    client.force_login(officer)
    assert client.get(reverse("organisations:create")).status_code == 403


def test_a_term_ending_before_it_starts_is_refused_on_the_form(client, orgs, officer):
    client.force_login(officer)
    response = client.post(
        reverse("organisations:term_create", args=[orgs.home.pk]),
        {"sk_number": "9", "sk_date": "2035-01-01", "starts_on": "2035-01-01", "ends_on": "2034-01-01"},
    )
    assert response.status_code == 200
    assert "Akhir masa bakti tidak boleh sebelum awalnya." in response.content.decode()
    assert orgs.home.terms.count() == 1


def test_a_new_term_without_an_end_gets_five_years(client, orgs, officer):
    client.force_login(officer)
    start = orgs.term.ends_on + dt.timedelta(days=1)
    response = client.post(
        reverse("organisations:term_create", args=[orgs.home.pk]),
        {"sk_number": "9", "sk_date": start.isoformat(), "starts_on": start.isoformat()},
    )
    assert response.status_code == 302
    assert Term.objects.get(organisation=orgs.home, sk_number="9").ends_on.year == start.year + 5


def test_an_officer_under_17_is_refused_on_the_form(client, orgs, officer):
    client.force_login(officer)
    young = (orgs.term.starts_on - dt.timedelta(days=16 * 365)).isoformat()
    response = client.post(reverse("organisations:officer_create", args=[orgs.term.pk]), officer_post(birth_date=young))
    assert response.status_code == 200
    assert "Pengurus harus berusia minimal 17 tahun pada awal masa bakti." in response.content.decode()
    assert orgs.term.officers.count() == 1


def test_a_second_ketua_is_refused_on_the_form(client, orgs, officer):
    client.force_login(officer)
    response = client.post(reverse("organisations:officer_create", args=[orgs.term.pk]), officer_post(position="ketua"))
    assert response.status_code == 200
    assert "Masa bakti ini sudah memiliki Ketua." in response.content.decode()
    assert orgs.term.officers.filter(position="ketua").count() == 1


def test_a_wrong_nik_is_refused_on_the_form(client, orgs, officer):
    client.force_login(officer)
    response = client.post(
        reverse("organisations:officer_create", args=[orgs.term.pk]), officer_post(nik="6501019999990001")
    )
    assert response.status_code == 200
    assert "bukan tanggal DDMMYY" in response.content.decode()
    assert not Officer.objects.filter(name="Dewi Anggraini").exists()


def test_an_officer_cannot_add_officers_to_another_villages_term(client, orgs, officer):
    client.force_login(officer)
    other_term = orgs.other.terms.get()
    assert client.get(reverse("organisations:officer_create", args=[other_term.pk])).status_code == 404
    assert client.post(reverse("organisations:officer_create", args=[other_term.pk]), officer_post()).status_code == 404
    assert other_term.officers.count() == 0


def test_an_officer_is_removed_only_by_post_and_within_scope(client, orgs, officer, other_officer):
    ketua = orgs.term.officers.get()
    client.force_login(other_officer)
    assert client.post(reverse("organisations:officer_delete", args=[ketua.pk])).status_code == 404
    client.force_login(officer)
    assert client.get(reverse("organisations:officer_delete", args=[ketua.pk])).status_code == 405
    assert (
        client.post(reverse("organisations:officer_delete", args=[ketua.pk]), {"confirmed": "yes"}).status_code == 302
    )
    assert not Officer.objects.filter(pk=ketua.pk).exists()


def test_removing_an_officer_asks_first_on_a_page_that_names_them(client, orgs, officer):
    ketua = orgs.term.officers.get()
    client.force_login(officer)
    url = reverse("organisations:officer_delete", args=[ketua.pk])
    response = client.post(url)
    html = response.content.decode()
    assert response.status_code == 200 and "Hapus pengurus ini?" in html and ketua.name in html
    assert f'action="{url}"' in html and 'name="confirmed" value="yes"' in html
    assert Officer.objects.filter(pk=ketua.pk).exists()


def test_a_split_that_does_not_add_up_is_refused_on_the_form(client, orgs, officer):
    client.force_login(officer)
    data = {
        "title": "Posyandu remaja",
        "sector": "health",
        "year": "2026",
        "budget": "5000000",
        "funded_province": "1000000",
        "funded_kabupaten": "0",
        "funded_village": "2000000",
        "funded_swadaya": "0",
        "funded_csr": "0",
        "status": "planned",
        "realised_amount": "0",
        "beneficiaries": "0",
    }
    response = client.post(reverse("organisations:programme_create", args=[orgs.home.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rincian sumber dana program (Rp 3.000.000) harus berjumlah sama dengan anggarannya (Rp 5.000.000)." in html
    assert not Programme.objects.exists()
    data["funded_swadaya"] = "2000000"
    assert client.post(reverse("organisations:programme_create", args=[orgs.home.pk]), data).status_code == 302
    assert Programme.objects.get().funded_swadaya == 2_000_000


def test_malformed_numbers_and_dates_get_a_message_not_an_error_page(client, orgs, officer):
    client.force_login(officer)
    response = client.post(
        reverse("organisations:programme_create", args=[orgs.home.pk]),
        {"title": "x", "sector": "nope", "year": "dua ribu", "budget": "-5", "status": "planned"},
    )
    assert response.status_code == 200 and not Programme.objects.exists()
    response = client.post(
        reverse("organisations:term_create", args=[orgs.home.pk]),
        {"sk_number": "1", "sk_date": "31-31-2026", "starts_on": "kemarin"},
    )
    assert response.status_code == 200 and "Masukkan tanggal yang valid." in response.content.decode()


def test_the_edit_pages_are_404_outside_scope_and_ask_anonymous_visitors_to_log_in(client, orgs, officer):
    programme_url = reverse("organisations:programme_create", args=[orgs.other.pk])
    assert client.get(programme_url).status_code == 302
    client.force_login(officer)
    for name in ("edit", "term_create", "programme_create", "partnership_create", "document_upload"):
        key = "pk" if name in ("edit", "document_upload") else "organisation_pk"
        assert client.get(reverse(f"organisations:{name}", kwargs={key: orgs.other.pk})).status_code == 404, name
        assert client.get(reverse(f"organisations:{name}", kwargs={key: orgs.home.pk})).status_code == 200, name


def test_the_programme_form_speaks_indonesian_and_suggests_this_year(client, orgs, officer):
    client.force_login(officer)
    html = client.get(reverse("organisations:programme_create", args=[orgs.home.pk])).content.decode()
    assert "- Pilih salah satu -" in html and "Select an option" not in html
    assert f'name="year" value="{today().year}"' in html
