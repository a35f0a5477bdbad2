"""Home-page cards: my organisation's gaps, terms ending, assessments to do."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from organisations.models import Organisation, Term, today
from tests.factories import TermFactory

from .conftest import bulk_organisations


def card_titles(response) -> list[str]:
    return [str(card.title) for card in response.context["cards"]]


def test_an_officer_sees_what_is_missing_from_their_organisation(client, orgs, officer):
    client.force_login(officer)
    html = client.get(reverse("home")).content.decode()
    assert "Karang Taruna saya" in html
    assert "Karang Taruna Gunung Putih: profil belum lengkap" in html and "tanggal berdiri" in html


def test_an_officer_is_warned_when_the_term_ends_soon(client, orgs, officer):
    Term.objects.filter(pk=orgs.term.pk).update(ends_on=today() + dt.timedelta(days=20))
    client.force_login(officer)
    html = client.get(reverse("home")).content.decode()
    assert "Karang Taruna Gunung Putih: masa bakti atau SK-nya segera berakhir" in html


def test_an_officer_without_a_current_term_is_told(client, orgs, other_officer):
    Term.objects.filter(organisation=orgs.other).update(ends_on=today() - dt.timedelta(days=1))
    client.force_login(other_officer)
    assert "Karang Taruna Tanjung Karang: tidak ada masa bakti berjalan" in client.get(reverse("home")).content.decode()


def test_staff_see_terms_ending_and_assessments_to_do_in_their_scope(client, orgs, kabupaten_staff):
    Term.objects.filter(pk=orgs.term.pk).update(ends_on=today() + dt.timedelta(days=20))
    client.force_login(kabupaten_staff)
    response = client.get(reverse("home"))
    cards = {str(card.title): card for card in response.context["cards"]}
    terms = cards["Masa bakti Karang Taruna"]
    assert [(str(line.text), line.badge) for line in terms.lines] == [
        ("Masa bakti atau SK berakhir dalam 90 hari", 1),
        ("Karang Taruna tanpa masa bakti berjalan", 1),
    ]
    to_do = cards["Penilaian klasifikasi yang perlu dilakukan"]
    assert [(str(line.text), line.badge) for line in to_do.lines] == [("Belum pernah dinilai", 2)]
    assert "Karang Taruna saya" not in cards


def test_an_organisation_with_several_terms_counts_once_in_the_staff_cards(client, orgs, kabupaten_staff):
    # Home village: its current term ends soon, plus an expired term and a second current one ending
    # soon; the same-kabupaten village: only an expired term. Each organisation is one in each count.
    day = today()
    Term.objects.filter(pk=orgs.term.pk).update(ends_on=day + dt.timedelta(days=20))
    for organisation, starts_on, ends_on in [
        (orgs.home, day - dt.timedelta(days=2000), day - dt.timedelta(days=200)),
        (orgs.home, day - dt.timedelta(days=5), day + dt.timedelta(days=30)),
        (orgs.same_kab, day - dt.timedelta(days=2000), day - dt.timedelta(days=1)),
    ]:
        TermFactory(organisation=organisation, sk_number="x", starts_on=starts_on, ends_on=ends_on)
    client.force_login(kabupaten_staff)
    cards = {str(card.title): card for card in client.get(reverse("home")).context["cards"]}
    assert [(str(line.text), line.badge) for line in cards["Masa bakti Karang Taruna"].lines] == [
        ("Masa bakti atau SK berakhir dalam 90 hari", 1),
        ("Karang Taruna tanpa masa bakti berjalan", 1),
    ]
    never = cards["Penilaian klasifikasi yang perlu dilakukan"].lines
    assert [(str(line.text), line.badge) for line in never] == [("Belum pernah dinilai", 2)]


def test_a_company_representative_gets_no_registry_cards(client, orgs, company_rep):
    client.force_login(company_rep)
    titles = card_titles(client.get(reverse("home")))
    assert not {"Karang Taruna saya", "Masa bakti Karang Taruna"} & set(titles)


def test_the_cards_keep_a_flat_query_count(client, orgs, province_staff, region_tree, django_assert_max_num_queries):
    client.force_login(province_staff)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("home"))
    bulk_organisations(region_tree, 300)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("home"))
    to_do = {str(c.title): c for c in response.context["cards"]}["Penilaian klasifikasi yang perlu dilakukan"]
    assert to_do.lines[0].badge == Organisation.objects.filter(classification="").count()


def test_the_menu_offers_the_registry_by_role(client, orgs, officer, province_staff):
    client.force_login(officer)
    html = client.get(reverse("home")).content.decode()
    assert 'href="/organisasi/"' in html and 'href="/organisasi/dasbor/"' not in html
    client.force_login(province_staff)
    html = client.get(reverse("home")).content.decode()
    assert 'href="/organisasi/dasbor/"' in html and 'href="/organisasi/kegiatan/"' in html
