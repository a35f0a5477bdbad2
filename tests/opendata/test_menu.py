"""The open data is one click away in the menu of every signed-in role: under "Poverty data" for the
roles that have that section, a plain link for the others."""

from __future__ import annotations

import re

from django.urls import reverse


def test_the_menu_offers_the_open_data_to_every_role(client, all_roles):
    for user in all_roles.values():
        client.force_login(user)
        page = client.get(reverse("home")).content.decode()
        assert f'href="{reverse("opendata:map")}">Data terbuka</a>' in page, user.username


def test_the_entry_is_marked_on_the_open_data_page_and_reads_in_english_after_the_switch(client, officer):
    client.force_login(officer)
    page = client.get(reverse("opendata:map")).content.decode()
    assert re.search(rf'dropdown-item active"\s+href="{reverse("opendata:map")}">Data terbuka</a>', page)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert f'href="{reverse("opendata:map")}">Open data</a>' in client.get(reverse("home")).content.decode()


def test_a_company_representative_gets_a_plain_link(client, company_rep):
    client.force_login(company_rep)
    page = client.get(reverse("home")).content.decode()
    assert f'<a class="nav-link" href="{reverse("opendata:map")}">Data terbuka</a>' in page
