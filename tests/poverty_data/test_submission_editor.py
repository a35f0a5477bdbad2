"""The submission editor: side-by-side corrections, checks on save, no lost updates."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from poverty_data.models import ChangeKind, Family, SubmissionState

from .conftest import make_families, nik_for


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_it_sends_anonymous_visitors_to_log_in(client, draft, families):
    for path in (
        reverse("poverty_data:submission", args=[draft.pk]),
        reverse("poverty_data:change_family", args=[draft.pk, families[0].pk]),
    ):
        assert client.get(path).status_code == 302


def test_another_villages_officer_finds_nothing(client, other_officer, draft, families):
    client.force_login(other_officer)
    assert client.get(reverse("poverty_data:submission", args=[draft.pk])).status_code == 404
    assert client.get(reverse("poverty_data:change_family", args=[draft.pk, families[0].pk])).status_code == 404


def test_a_reviewer_may_read_the_draft_but_not_edit_it(client, kabupaten_staff, draft, families):
    client.force_login(kabupaten_staff)
    assert client.get(reverse("poverty_data:submission", args=[draft.pk])).status_code == 200
    assert client.get(reverse("poverty_data:change_family", args=[draft.pk, families[0].pk])).status_code == 403


def test_the_correction_form_shows_current_and_proposed_values_side_by_side(client, officer, draft, families):
    client.force_login(officer)
    response = client.get(reverse("poverty_data:change_family", args=[draft.pk, families[0].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saat ini" in html and "Usulan" in html and "Desil kesejahteraan" in html


def family_post(family, submission_version, record_version, **changes):
    data = {
        name: ("on" if value is True else "" if value is False else value)
        for name, value in {
            "no_kk": family.no_kk, "dusun": family.dusun, "rt": family.rt, "rw": family.rw, "desil": family.desil,
        }.items()
    }  # fmt: skip
    data.update(changes)
    data.update({"submission_version": submission_version, "record_version": record_version})
    return data


def test_saving_a_correction_records_only_the_changed_fields(client, officer, draft, families):
    client.force_login(officer)
    family = families[0]
    response = client.post(
        reverse("poverty_data:change_family", args=[draft.pk, family.pk]),
        family_post(family, draft.version, family.version, desil="1", floor_type="earth"),
    )
    assert response.status_code == 302
    assert set(draft.changes.values_list("field", "old_value", "new_value")) == {
        ("desil", 3, 1),
        ("floor_type", "", "earth"),
    }


def test_a_stale_edit_is_refused_with_what_changed_and_the_input_is_kept(client, officer, draft, families):
    client.force_login(officer)
    family = families[0]
    opened = draft.version
    client.post(
        reverse("poverty_data:change_family", args=[draft.pk, families[1].pk]),
        family_post(families[1], opened, 1, desil="2"),
    )
    response = client.post(
        reverse("poverty_data:change_family", args=[draft.pk, family.pk]),
        family_post(family, opened, family.version, desil="1", street="Jl. Sungai Kayan 7"),
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Tidak tersimpan" in html and "mengubah usulan" in html
    assert "Jl. Sungai Kayan 7" in html  # the user's input is still on the form
    assert not draft.changes.filter(family=family).exists()


def test_a_family_changed_since_opening_is_refused_showing_the_field(client, officer, draft, families):
    client.force_login(officer)
    family = families[0]
    family.desil, family.version = 9, 2
    family.save()
    response = client.post(
        reverse("poverty_data:change_family", args=[draft.pk, family.pk]),
        family_post(family, draft.version, 1, desil="1"),
    )
    html = response.content.decode()
    assert response.status_code == 409 and "desil kesejahteraan: 3 → 9" in html


@pytest.mark.parametrize(
    ("nik", "birth_date", "message"),
    [
        ("12345", "1990-05-12", "NIK harus 16 digit, bukan 5."),
        ("65010112059O0001", "1990-05-12", "NIK hanya boleh berisi angka."),
        (nik_for("650101"), "1990-02-31", "tanggal yang valid"),
        (nik_for("650101"), "kemarin", "tanggal yang valid"),
    ],
)
def test_bad_input_for_a_new_member_gives_indonesian_errors(client, officer, draft, families, nik, birth_date, message):
    client.force_login(officer)
    response = client.post(
        reverse("poverty_data:change_member_add", args=[draft.pk, families[0].pk]),
        {"nik": nik, "name": "Bayi", "sex": "L", "birth_date": birth_date, "relationship": "child",
         "disability": "none", "chronic_illness": "none", "submission_version": draft.version},
    )  # fmt: skip
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not draft.changes.exists()


def test_a_nik_that_disagrees_with_birth_date_is_saved_with_a_warning(client, officer, draft, families):
    client.force_login(officer)
    response = client.post(
        reverse("poverty_data:change_member_add", args=[draft.pk, families[0].pk]),
        {"nik": nik_for("650101", female=True), "name": "Ani", "sex": "L", "birth_date": "1990-05-12",
         "relationship": "child", "disability": "none", "chronic_illness": "none", "submission_version": draft.version},
        follow=True,
    )  # fmt: skip
    html = response.content.decode()
    assert draft.changes.filter(kind=ChangeKind.MEMBER_ADDED).exists()
    assert "perempuan" in html


def test_a_duplicate_nik_is_shown_as_an_error_on_the_submission(client, officer, draft, families, other_families):
    client.force_login(officer)
    taken = other_families[0].members.first()
    client.post(
        reverse("poverty_data:change_member_add", args=[draft.pk, families[0].pk]),
        {"nik": taken.nik, "name": "Pendatang", "sex": taken.sex, "birth_date": "1990-05-12", "relationship": "other",
         "disability": "none", "chronic_illness": "none", "submission_version": draft.version},
    )  # fmt: skip
    html = client.get(reverse("poverty_data:submission", args=[draft.pk])).content.decode()
    assert "NIK sudah dimiliki anggota yang masih ada di keluarga aktif lain (65.03.01.2001)." in html


def test_a_new_family_with_members_is_proposed(client, officer, draft):
    client.force_login(officer)
    data = {"no_kk": "6501010101260009", "dusun": "Dusun II", "rt": "001", "rw": "001", "desil": "2",
            "m0-nik": nik_for("650101", serial=4242), "m0-name": "Kepala Baru", "m0-sex": "L",
            "m0-birth_date": "1990-05-12", "m0-relationship": "head", "m0-disability": "none",
            "m0-chronic_illness": "none", "submission_version": draft.version}  # fmt: skip
    response = client.post(reverse("poverty_data:change_new_family", args=[draft.pk]), data)
    assert response.status_code == 302
    change = draft.changes.get(kind=ChangeKind.NEW_FAMILY)
    assert change.payload["family"]["no_kk"] == "6501010101260009"
    assert [m["name"] for m in change.payload["members"]] == ["Kepala Baru"]


def test_deactivating_and_removing_a_change(client, officer, draft, families):
    client.force_login(officer)
    family = families[2]
    client.post(
        reverse("poverty_data:change_deactivate", args=[draft.pk, family.pk]),
        {"reason": "moved", "note": "Ke Tarakan", "submission_version": draft.version, "record_version": 1},
    )
    change = draft.changes.get(kind=ChangeKind.FAMILY_DEACTIVATED)
    draft.refresh_from_db()
    client.post(
        reverse("poverty_data:change_remove", args=[draft.pk, change.pk]), {"submission_version": draft.version}
    )
    assert not draft.changes.exists()
    assert Family.objects.get(pk=family.pk).status == "active"


def test_the_whole_chain_through_the_pages(client, draft, chain, families):
    client.force_login(chain.officer)
    client.post(reverse("poverty_data:submission_submit", args=[draft.pk]))
    client.force_login(chain.head)
    minutes = SimpleUploadedFile("berita-acara.pdf", b"%PDF-1.4", content_type="application/pdf")
    client.post(reverse("poverty_data:submission_verify", args=[draft.pk]), {"minutes": minutes})
    client.force_login(chain.kabupaten)
    client.post(reverse("poverty_data:submission_approve", args=[draft.pk]))
    client.force_login(chain.province)
    response = client.post(reverse("poverty_data:submission_finalise", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.state == SubmissionState.FINALISED
    assert "Difinalkan" in response.content.decode()


def test_verifying_with_a_disallowed_file_is_refused_in_indonesian(client, draft, chain):
    client.force_login(chain.officer)
    client.post(reverse("poverty_data:submission_submit", args=[draft.pk]))
    client.force_login(chain.head)
    bad = SimpleUploadedFile("berita-acara.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(reverse("poverty_data:submission_verify", args=[draft.pk]), {"minutes": bad})
    assert response.status_code == 400 and "Unggah berkas PDF, JPG, atau PNG." in response.content.decode()


def test_returning_without_a_reason_is_refused_in_indonesian(client, draft, chain):
    client.force_login(chain.officer)
    client.post(reverse("poverty_data:submission_submit", args=[draft.pk]))
    client.force_login(chain.head)
    response = client.post(reverse("poverty_data:submission_return", args=[draft.pk]), {"reason": ""})
    assert response.status_code == 400 and "Bidang ini tidak boleh kosong." in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == SubmissionState.SUBMITTED


def test_an_action_the_role_may_not_take_is_forbidden(client, draft, chain):
    client.force_login(chain.kabupaten)
    response = client.post(reverse("poverty_data:submission_submit", args=[draft.pk]))
    assert response.status_code == 403


def test_an_unknown_step_is_a_404(client, draft, officer):
    client.force_login(officer)
    assert client.post(f"{reverse('poverty_data:submission', args=[draft.pk])}hapus-semua/").status_code == 404


def test_the_submission_page_keeps_a_flat_query_count(
    client, officer, draft, region_tree, django_assert_max_num_queries
):
    from poverty_data import services

    many = make_families(region_tree.village, 200)
    for family in many[:120]:
        services.change_family_correct(
            user=officer, submission=draft, expected_version=None, family=family, family_version=1, data={"desil": 1}
        )
    client.force_login(officer)
    with django_assert_max_num_queries(13):  # 12, and the dusun list of the families' filter
        response = client.get(reverse("poverty_data:submission", args=[draft.pk]))
    assert len(response.context["rows"]) == 120


def test_the_nik_is_checked_as_it_is_typed(client, officer, other_families):
    client.force_login(officer)
    check = reverse("poverty_data:nik_check")
    html = client.post(check, {"prefix": "m0-", "m0-nik": "6501", "m0-sex": "L"}).content.decode()
    assert "NIK harus 16 digit, bukan 4." in html
    html = client.post(
        check, {"prefix": "", "nik": nik_for("650101", serial=777), "sex": "L", "birth_date": "1990-05-12"}
    ).content.decode()
    assert "NIK tampak benar." in html
    taken = other_families[0].members.first().nik
    html = client.post(check, {"nik": taken}).content.decode()
    assert "NIK ini sudah dimiliki anggota yang masih ada di keluarga aktif lain." in html


def test_the_nik_check_is_for_editors_only(client, company_rep):
    check = reverse("poverty_data:nik_check")
    assert client.post(check, {"nik": "1"}).status_code == 302
    client.force_login(company_rep)
    assert client.post(check, {"nik": "1"}).status_code == 403


def test_corrections_of_one_family_appear_together_and_each_field_can_be_removed(client, officer, draft, families):
    from poverty_data import services

    services.change_family_correct(
        user=officer, submission=draft, expected_version=None, family=families[0], family_version=1,
        data={"desil": 1, "receives_pkh": True},
    )  # fmt: skip
    client.force_login(officer)
    rows = client.get(reverse("poverty_data:submission", args=[draft.pk])).context["rows"]
    assert len(rows) == 1 and [p[0] for p in rows[0]["pairs"]] == ["Desil kesejahteraan", "PKH"]
    draft.refresh_from_db()
    pkh = draft.changes.get(field="receives_pkh")
    client.post(reverse("poverty_data:change_remove", args=[draft.pk, pkh.pk]), {"submission_version": draft.version})
    assert list(draft.changes.values_list("field", flat=True)) == ["desil"]


def test_the_province_resolves_a_duplicate_nik_from_the_page_and_then_finalises(
    client, draft, chain, families, other_families
):
    from poverty_data import services

    from .test_submission_services import to_state

    taken = other_families[0].members.first()
    services.change_member_add(
        user=chain.officer, submission=draft, expected_version=None, family=families[0],
        data={"nik": taken.nik, "name": "Pendatang", "sex": taken.sex, "relationship": "other"},
    )  # fmt: skip
    to_state(draft, SubmissionState.APPROVED, chain)
    client.force_login(chain.province)
    page = client.get(reverse("poverty_data:submission", args=[draft.pk]))
    assert page.context["blocking"] == 1 and "Tandai sudah diselesaikan" in page.content.decode()
    response = client.post(reverse("poverty_data:submission_finalise", args=[draft.pk]), follow=True)
    assert "NIK ganda yang belum diselesaikan" in response.content.decode()
    change = draft.changes.get()
    client.post(reverse("poverty_data:change_resolve", args=[draft.pk, change.pk]), {"reason": "Pindah dari Sebatik"})
    client.post(reverse("poverty_data:submission_finalise", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.state == SubmissionState.FINALISED


def test_editors_showing_full_numbers_log_the_view(client, officer, draft, families):
    from accounts.models import PersonalDataAccess

    client.force_login(officer)
    client.get(reverse("poverty_data:change_family", args=[draft.pk, families[0].pk]))
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.action, log.subject, log.object_id) == (
        officer,
        "view",
        "poverty_data.family",
        str(families[0].pk),
    )


def test_a_reviewer_seeing_proposed_niks_is_logged_and_others_see_them_masked(client, officer, draft, chain, families):
    from accounts.models import PersonalDataAccess
    from poverty_data import services

    nik = nik_for("650101", serial=5151)
    services.change_member_add(
        user=officer, submission=draft, expected_version=None, family=families[0],
        data={"nik": nik, "name": "Bayi", "sex": "L", "relationship": "child"},
    )  # fmt: skip
    client.force_login(chain.kabupaten)
    assert nik in client.get(reverse("poverty_data:submission", args=[draft.pk])).content.decode()
    assert PersonalDataAccess.objects.filter(user=chain.kabupaten, subject="poverty_data.submission").exists()
    client.force_login(chain.province)
    html = client.get(reverse("poverty_data:submission", args=[draft.pk])).content.decode()
    assert nik not in html and f"{nik[:6]}******{nik[-4:]}" in html
    assert not PersonalDataAccess.objects.filter(user=chain.province).exists()


def test_a_stale_member_correction_is_refused_and_keeps_the_input(client, officer, draft, families):
    member = families[0].members.get(relationship="head")
    member.occupation, member.version = "Petani", 2
    member.save()
    client.force_login(officer)
    data = {
        "nik": member.nik, "name": member.name, "sex": member.sex, "birth_date": "1990-05-12",
        "relationship": "head", "disability": "none", "chronic_illness": "none", "presence": "here",
        "occupation": "Nelayan Tuna", "submission_version": draft.version, "record_version": 1,
    }  # fmt: skip
    response = client.post(reverse("poverty_data:change_member", args=[draft.pk, member.pk]), data)
    html = response.content.decode()
    assert (
        response.status_code == 409
        and "Nelayan Tuna" in html
        and "Pekerjaan" in html
        or "pekerjaan: — → Petani" in html
    )
    assert not draft.changes.exists()
