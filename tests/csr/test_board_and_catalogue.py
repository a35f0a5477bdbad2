"""Synchronisation board (staff) and the public catalogue (no login)."""

from __future__ import annotations

from django.urls import reverse

from csr import services
from regions.models import Level, Region


def test_the_board_is_for_staff_only(client, officer, company_rep, province_staff):
    assert client.get(reverse("csr:board")).status_code == 302
    for user in (officer, company_rep):
        client.force_login(user)
        assert client.get(reverse("csr:board")).status_code == 403
    client.force_login(province_staff)
    assert client.get(reverse("csr:board")).status_code == 200


def test_the_matrix_sets_offers_against_needs(client, province_staff, make_programme, make_proposal, region_tree):
    make_programme(targets=("65.01.01",), sector="health", budget=70_000_000)
    make_programme(targets=("65",), sector="health", budget=10_000_000)
    make_proposal(sector="health", amount=5_000_000)
    make_proposal(sector="health", amount=7_000_000, village=region_tree.other_village)
    client.force_login(province_staff)
    board = client.get(reverse("csr:board")).context["board"]
    bulungan = board.cells[("health", "65.01")]
    nunukan = board.cells[("health", "65.03")]
    assert (bulungan.offers, bulungan.offered, bulungan.needs, bulungan.needed) == (2, 80_000_000, 1, 5_000_000)
    assert (nunukan.offers, nunukan.offered, nunukan.needs, nunukan.needed) == (1, 10_000_000, 1, 7_000_000)


def test_unreached_poor_villages_are_listed_and_mapped(client, province_staff, make_programme, poverty):
    make_programme(targets=("65.01.01",))
    poverty.update({"65.01.01.2005": (50, 100), "65.01.02.2001": (30, 60), "65.03.01.2001": (0, 80)})
    client.force_login(province_staff)
    response = client.get(reverse("csr:board"))
    rows = response.context["board"].unreached
    assert [r["village"].code for r in rows] == ["65.01.02.2001"]  # reached or without poor families are left out
    html = response.content.decode()
    assert f'data-url="{reverse("csr:board_map")}"' in html and "<script>" not in html
    # The map colours the same village (drawn from outlines: the test tree gets small squares).
    for region in Region.objects.filter(level=Level.DESA_KELURAHAN):
        region.outline = [[[1170000 + region.pk * 10, 20000, 5, 0, 0, 5, -5, 0, 0, -5]]]
        region.save(update_fields=["outline"])
    features = {f["c"]: f for f in client.get(reverse("csr:board_map")).json()["features"]}
    assert features["65.01.02.2001"]["k"] == "unreached" and features["65.01.02.2001"]["cells"][1] == "30 / 60"
    assert {features[c]["k"] for c in ("65.01.01.2005", "65.03.01.2001")} == {"other"}
    body = b"".join(client.get(reverse("csr:board") + "?export=csv").streaming_content).decode()
    assert "Long Beluah" in body


def test_a_programme_for_the_whole_province_reaches_a_village_only_where_it_funds_a_proposal(
    client, province_staff, make_programme, poverty
):
    make_programme(targets=("65",))
    poverty.update({"65.01.02.2001": (30, 60), "65.03.01.2001": (10, 80)})
    client.force_login(province_staff)
    rows = client.get(reverse("csr:board")).context["board"].unreached
    assert [r["village"].code for r in rows] == ["65.01.02.2001", "65.03.01.2001"]


def test_without_poverty_data_the_board_says_so(client, province_staff):
    client.force_login(province_staff)
    assert "Belum ada data kemiskinan" in client.get(reverse("csr:board")).content.decode()


def test_kabupaten_staff_see_their_kabupaten_column_only(client, kabupaten_staff):
    client.force_login(kabupaten_staff)
    board = client.get(reverse("csr:board")).context["board"]
    assert [k.code for k in board.kabupaten] == ["65.01"]


def test_the_board_keeps_a_flat_query_count(
    client, province_staff, make_programme, make_proposal, poverty, django_assert_max_num_queries
):
    client.force_login(province_staff)
    make_programme()
    make_proposal()
    with django_assert_max_num_queries(9) as few:
        client.get(reverse("csr:board"))
    for i in range(200):
        make_programme(targets=("65.03",), sector="health" if i % 2 else "education")
        make_proposal()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("csr:board"))


def test_the_catalogue_is_public_and_shows_open_programmes_without_personal_data(
    client, make_programme, proposal, province_staff, company_rep, officer
):
    open_one = make_programme(title="Beasiswa Terbuka")
    make_programme(title="Draf Rahasia", status="draft")
    match = services.match_accept(
        user=company_rep,
        match=services.match_confirm(user=province_staff, proposal=proposal, programme=open_one, amount=2_000_000),
    )
    services.realisation_report(user=officer, match=match, amount_spent=1_500_000, beneficiaries_reached=9)
    response = client.get(reverse("csr:catalogue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Beasiswa Terbuka" in html and "Draf Rahasia" not in html
    assert "Rp 1.500.000" in html and "Pendidikan" in html
    assert officer.username not in html and officer.last_name not in html and proposal.title not in html


def test_the_catalogue_links_the_anonymous_to_the_login_page_and_back(client, officer):
    catalogue = reverse("csr:catalogue")
    html = client.get(catalogue).content.decode()
    login = f"{reverse('accounts:login')}?next={catalogue}"
    assert f'href="{login}"' in html and "Masuk untuk mengajukan usulan" in html
    client.force_login(officer)
    assert "Masuk untuk mengajukan usulan" not in client.get(catalogue).content.decode()


def test_the_catalogue_keeps_a_flat_query_count(client, make_programme, django_assert_max_num_queries):
    make_programme()
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("csr:catalogue"))
    for _ in range(200):
        make_programme(targets=("65.01", "65.03"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("csr:catalogue"))
