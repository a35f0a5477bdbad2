"""Realisation reports by the proposer and the company, and plan vs realisation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from csr import services
from csr.models import Realisation


@pytest.fixture
def accepted(proposal, make_programme, province_staff, company_rep):
    programme = make_programme(sector="entrepreneurship")
    proposal.sector = "entrepreneurship"
    proposal.save(update_fields=["sector"])
    match = services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=40_000_000)
    return services.match_accept(user=company_rep, match=match)


def test_the_report_form_asks_to_send_the_report_not_for_a_report(client, officer, accepted):
    # "Report" is both a noun (Laporan) and a verb; the button is the verb.
    client.force_login(officer)
    html = client.get(reverse("csr:realisation_create", args=[accepted.pk])).content.decode()
    assert ">Kirim laporan</button>" in html


def test_the_proposer_reports_with_income_and_evidence(client, officer, accepted, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer)
    url = reverse("csr:realisation_create", args=[accepted.pk])
    response = client.post(
        url,
        {
            "amount_spent": "30000000",
            "beneficiaries_reached": "25",
            "income_before": "1500000",
            "income_after": "2000000",
            "note": "Pelatihan selesai.",
            "evidence": SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
        },
    )
    assert response.status_code == 302
    report = Realisation.objects.get()
    assert (report.side, report.income_before, report.income_after) == ("proposer", 1_500_000, 2_000_000)
    assert report.evidence.get().kind == "png"
    accepted.proposal.refresh_from_db()
    assert accepted.proposal.state == "in_progress"


def test_the_company_reports_for_its_side(company_rep, accepted):
    report = services.realisation_report(user=company_rep, match=accepted, amount_spent=1, beneficiaries_reached=1)
    assert report.side == "company"


def test_spending_more_than_accepted_is_refused(officer, accepted):
    with pytest.raises(ValidationError, match="Melebihi Rp 40.000.000"):
        services.realisation_report(user=officer, match=accepted, amount_spent=50_000_000, beneficiaries_reached=1)
    assert not Realisation.objects.exists()


def test_an_unaccepted_match_cannot_be_reported(officer, proposal, programme, province_staff):
    match = services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=1_000)
    with pytest.raises(ValidationError, match="Hanya pencocokan yang sudah diterima"):
        services.realisation_report(user=officer, match=match, amount_spent=1, beneficiaries_reached=1)


def test_out_of_scope_and_anonymous_users_cannot_report(client, other_officer, province_staff, accepted):
    url = reverse("csr:realisation_create", args=[accepted.pk])
    assert client.get(url).status_code == 302
    client.force_login(other_officer)
    assert client.get(url).status_code == 404
    client.force_login(province_staff)
    assert client.get(url).status_code == 403


def test_plan_vs_realisation_counts_the_larger_report_per_match(client, province_staff, officer, company_rep, accepted):
    services.realisation_report(user=officer, match=accepted, amount_spent=10_000_000, beneficiaries_reached=5)
    services.realisation_report(user=company_rep, match=accepted, amount_spent=30_000_000, beneficiaries_reached=20)
    client.force_login(province_staff)
    response = client.get(reverse("csr:plan_vs_realisation") + "?by=sector")
    [row] = response.context["tables"]["sector"]
    assert (row.label, row.committed, row.spent, row.percent, row.beneficiaries) == (
        "Kewirausahaan",
        40_000_000,
        30_000_000,
        75,
        20,
    )
    [kab] = response.context["tables"]["kabupaten"]
    assert kab.label == "Kabupaten Bulungan"
    body = b"".join(client.get(reverse("csr:plan_vs_realisation") + "?by=bogus&export=csv").streaming_content)
    assert "PT Milik Saya" in body.decode()


def test_plan_vs_realisation_is_scoped(
    client, kabupaten_staff, other_officer, other_proposal, make_programme, province_staff, companies
):
    from tests.factories import UserFactory

    programme = make_programme(targets=("65.03",), company=companies.other)
    match = services.match_confirm(user=province_staff, proposal=other_proposal, programme=programme, amount=1_000)
    rep = UserFactory(username="lain")
    services.company_representative_assign(user=rep, company=companies.other)
    services.match_accept(user=rep, match=match)
    client.force_login(kabupaten_staff)
    assert client.get(reverse("csr:plan_vs_realisation")).context["tables"]["company"] == []


def test_the_chart_data_travels_as_json_without_inline_script(client, province_staff, accepted):
    client.force_login(province_staff)
    html = client.get(reverse("csr:plan_vs_realisation") + "?by=sector").content.decode()
    assert 'id="csr-plan-data" type="application/json"' in html and "csr_charts.js" in html
    assert "<script>" not in html and "style=" not in html
