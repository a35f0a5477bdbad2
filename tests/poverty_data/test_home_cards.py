"""Home-page cards: what waits for me, and my village's round deadline."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_pokja_member_sees_the_draft_and_its_deadline(client, officer, draft):
    client.force_login(officer)
    html = client.get("/").content.decode()
    assert "Data kemiskinan: desa saya" in html and "ajukan paling lambat 10-12-2026" in html


def test_a_village_head_sees_a_submission_waiting_for_verification(client, draft, chain):
    from .test_submission_services import to_state

    to_state(draft, "submitted", chain)
    client.force_login(chain.head)
    html = client.get("/").content.decode()
    assert "Pengajuan yang menunggu tindakan saya" in html


def test_a_company_representative_sees_no_poverty_cards(client, company_rep):
    client.force_login(company_rep)
    assert "Data kemiskinan" not in client.get("/").content.decode()


def test_a_village_head_sees_the_verification_deadline_of_their_village(client, village_head, draft):
    client.force_login(village_head)
    html = client.get("/").content.decode()
    assert "Desa Gunung Putih: verifikasi paling lambat 15-12-2026" in html and "Draf" in html
    assert f'href="{reverse("poverty_data:submission", args=[draft.pk])}"' in html
