"""Proposal pages: list, detail with its feedback trail, create, steps, attachments."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from csr.models import Proposal

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def detail(p):
    return reverse("csr:proposal_detail", args=[p.pk])


def test_anonymous_visitors_are_sent_to_log_in(client, proposal):
    for url in (reverse("csr:proposal_list"), detail(proposal), reverse("csr:proposal_matching", args=[proposal.pk])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_officer_sees_their_village_proposal_with_its_feedback(
    client, officer, proposal, programme, province_staff
):
    from csr import services

    services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=5_000_000, note="Ok.")
    client.force_login(officer)
    html = client.get(detail(proposal)).content.decode()
    assert "Dicocokkan" in html and "Menunggu perusahaan" in html
    assert "Rp 5.000.000" in html and "Riwayat dan tanggapan" in html


def test_an_officer_of_another_village_gets_a_404(client, other_officer, proposal):
    client.force_login(other_officer)
    assert client.get(detail(proposal)).status_code == 404


def test_kabupaten_staff_see_their_kabupaten_only(client, kabupaten_staff, proposal, other_proposal):
    client.force_login(kabupaten_staff)
    assert client.get(detail(proposal)).status_code == 200
    assert client.get(detail(other_proposal)).status_code == 404
    listed = [p.pk for p in client.get(reverse("csr:proposal_list")).context["page_obj"]]
    assert listed == [proposal.pk]


def test_a_company_sees_proposals_eligible_for_its_open_programmes(
    client, company_rep, make_proposal, make_programme, region_tree
):
    make_programme(targets=("65.01.01",), sector="health")
    eligible = make_proposal(sector="health")
    other_sector = make_proposal(sector="education")
    outside = make_proposal(sector="health", village=region_tree.other_village)
    draft = make_proposal(sector="health", state="draft")
    client.force_login(company_rep)
    listed = {p.pk for p in client.get(reverse("csr:proposal_list")).context["page_obj"]}
    assert listed == {eligible.pk}
    for hidden in (other_sector, outside, draft):
        assert client.get(detail(hidden)).status_code == 404


def test_a_company_sees_proposals_matched_to_it_even_after_they_move_on(
    client, company_rep, proposal, programme, province_staff
):
    from csr import services

    services.match_accept(
        user=company_rep,
        match=services.match_confirm(user=province_staff, proposal=proposal, programme=programme, amount=1_000),
    )
    client.force_login(company_rep)
    assert client.get(detail(proposal)).status_code == 200


@pytest.mark.parametrize("url", ["/csr/usulan/abc/", "/csr/usulan/-1/", "/csr/usulan/99999999999999999999/"])
def test_malformed_or_unknown_ids_are_404(client, officer, url):
    client.force_login(officer)
    assert client.get(url).status_code == 404


def test_an_officer_creates_a_proposal_for_their_village_only(client, officer, region_tree):
    client.force_login(officer)
    data = {
        "village": region_tree.village.pk,
        "proposer_kind": "karang_taruna",
        "sector": "health",
        "title": "Posyandu remaja",
        "description": "Kegiatan.",
        "amount_requested": "15000000",
        "beneficiaries": "40",
    }
    response = client.post(reverse("csr:proposal_create"), data)
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and proposal.state == "draft"
    data["village"] = region_tree.other_village.pk
    response = client.post(reverse("csr:proposal_create"), data)
    assert "Pilih desa/kelurahan di wilayah Anda." in response.content.decode()
    assert Proposal.objects.count() == 1


def test_a_negative_amount_gets_an_indonesian_message(client, officer, region_tree):
    client.force_login(officer)
    response = client.post(
        reverse("csr:proposal_create"),
        {
            "village": region_tree.village.pk,
            "proposer_kind": "karang_taruna",
            "sector": "health",
            "title": "X",
            "description": "Y",
            "amount_requested": "-5",
            "beneficiaries": "1",
        },
    )
    assert "Jumlah tidak boleh negatif." in response.content.decode()
    assert not Proposal.objects.exists()


def test_staff_cannot_create_proposals(client, province_staff):
    client.force_login(province_staff)
    assert client.get(reverse("csr:proposal_create")).status_code == 403


def test_the_officer_submits_with_a_button_and_staff_cannot_submit_for_them(
    client, officer, province_staff, make_proposal
):
    draft = make_proposal(state="draft")
    url = reverse("csr:proposal_step", args=[draft.pk, "submit"])
    client.force_login(province_staff)
    assert client.post(url).status_code == 403
    client.force_login(officer)
    client.post(url, {"note": "Lengkap."})
    draft.refresh_from_db()
    assert draft.state == "submitted"


def test_withdrawing_asks_first_and_says_it_is_for_good(client, officer, other_officer, proposal):
    url = reverse("csr:proposal_step", args=[proposal.pk, "withdraw"])
    client.force_login(other_officer)
    assert client.post(url).status_code == 404
    client.force_login(officer)
    response = client.post(url, {"note": "Dana desa mencukupi."})
    html = response.content.decode()
    assert response.status_code == 200 and "Tarik usulan ini?" in html and "tidak dapat diajukan lagi" in html
    proposal.refresh_from_db()
    assert proposal.state == "submitted"
    client.post(url, {"note": "Dana desa mencukupi.", "confirmed": "yes"})
    proposal.refresh_from_db()
    assert proposal.state == "withdrawn"


def test_marking_a_proposal_realised_asks_first(client, province_staff, make_proposal):
    proposal = make_proposal(state="in_progress")
    url = reverse("csr:proposal_step", args=[proposal.pk, "complete"])
    client.force_login(province_staff)
    html = client.post(url, {"note": ""}).content.decode()
    assert "Tandai usulan ini terealisasi?" in html and "tidak ada tahap lanjutan lagi" in html
    proposal.refresh_from_db()
    assert proposal.state == "in_progress"
    client.post(url, {"note": "", "confirmed": "yes"})
    proposal.refresh_from_db()
    assert proposal.state == "realised"


def test_an_unknown_step_is_404(client, officer, proposal):
    client.force_login(officer)
    assert client.post(reverse("csr:proposal_step", args=[proposal.pk, "teleport"])).status_code == 404


def test_a_step_from_the_wrong_state_shows_a_message_and_changes_nothing(client, officer, proposal):
    client.force_login(officer)
    response = client.post(reverse("csr:proposal_step", args=[proposal.pk, "submit"]), follow=True)
    assert "tidak dapat dilakukan" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == "submitted"


def test_attachments_are_checked_from_content_and_served_only_in_scope(
    client, officer, other_officer, make_proposal, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    draft = make_proposal(state="draft")
    client.force_login(officer)
    upload = reverse("csr:attachment_upload", args=[draft.pk])
    response = client.post(upload, {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")}, follow=True)
    assert "Hanya berkas PDF, JPG, PNG, DOCX, XLSX yang diterima." in response.content.decode()
    client.post(upload, {"file": SimpleUploadedFile("proposal.pdf", PDF)})
    attachment = draft.attachments.get()
    assert attachment.kind == "pdf" and attachment.size == len(PDF)
    url = reverse("csr:attachment_download", args=[draft.pk, attachment.pk])
    assert b"".join(client.get(url).streaming_content) == PDF
    client.force_login(other_officer)
    assert client.get(url).status_code == 404


def test_bad_filter_values_are_ignored_with_a_message(client, officer, proposal):
    client.force_login(officer)
    response = client.get(reverse("csr:proposal_list") + "?state=bogus&sector=%00")
    assert response.status_code == 200
    assert "Sebagian isian saringan tidak sah dan diabaikan." in response.content.decode()
    assert [p.pk for p in response.context["page_obj"]] == [proposal.pk]


def test_the_list_exports_what_it_shows(client, kabupaten_staff, proposal, other_proposal):
    client.force_login(kabupaten_staff)
    response = client.get(reverse("csr:proposal_list") + "?export=csv")
    body = b"".join(response.streaming_content).decode()
    assert proposal.title in body and other_proposal.title not in body


def test_the_list_keeps_a_flat_query_count(client, province_staff, make_proposal, django_assert_max_num_queries):
    client.force_login(province_staff)
    make_proposal()
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("csr:proposal_list"))
    for _ in range(300):
        make_proposal()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("csr:proposal_list"))
    assert response.context["page_obj"].paginator.count == 301


def test_the_detail_keeps_a_flat_query_count(
    client, officer, proposal, make_programme, province_staff, django_assert_max_num_queries
):
    from csr import services

    client.force_login(officer)
    services.match_confirm(user=province_staff, proposal=proposal, programme=make_programme(), amount=1_000)
    with django_assert_max_num_queries(20) as few:
        client.get(detail(proposal))
    for _ in range(20):
        services.match_confirm(user=province_staff, proposal=proposal, programme=make_programme(), amount=1_000)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(detail(proposal))


def test_an_officer_proposes_for_the_karang_taruna_and_a_village_head_for_the_village(client, officer, village_head):
    client.force_login(officer)
    choices = client.get(reverse("csr:proposal_create")).context["form"].fields["proposer_kind"].choices
    assert [k for k, _label in choices] == ["karang_taruna"]
    client.force_login(village_head)
    choices = client.get(reverse("csr:proposal_create")).context["form"].fields["proposer_kind"].choices
    assert [k for k, _label in choices] == ["village"]
