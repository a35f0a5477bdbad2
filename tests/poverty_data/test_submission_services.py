"""The review chain: draft -> submitted -> verified -> approved -> finalised, returns and take-backs."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from poverty_data import services
from poverty_data.models import SubmissionEvent, SubmissionState

S = SubmissionState


def minutes():
    return SimpleUploadedFile("berita-acara.pdf", b"%PDF-1.4 musdes", content_type="application/pdf")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def to_state(submission, state, chain):
    steps = [
        (S.SUBMITTED, lambda: services.submission_submit(user=chain.officer, submission=submission)),
        (S.VERIFIED, lambda: services.submission_verify(user=chain.head, submission=submission, minutes=minutes())),
        (S.APPROVED, lambda: services.submission_approve(user=chain.kabupaten, submission=submission)),
        (S.FINALISED, lambda: services.submission_finalise(user=chain.province, submission=submission)),
    ]
    for reached, step in steps:
        step()
        submission.refresh_from_db()
        if reached == state:
            return submission
    return submission


def test_the_whole_chain_runs_and_each_step_is_logged_with_its_user(draft, chain):
    to_state(draft, S.FINALISED, chain)
    assert draft.state == S.FINALISED
    assert draft.submitted_at and draft.verified_at and draft.approved_at and draft.finalised_at
    events = list(draft.events.exclude(action="created").values_list("action", "user__username"))
    assert events == [
        ("submitted", "pengurus"),
        ("verified", "kades"),
        ("approved", "kabupaten"),
        ("finalised", "provinsi"),
    ]


@pytest.mark.parametrize("who", ["head", "kabupaten", "province", "other"])
def test_only_the_pokja_may_submit(draft, chain, who):
    with pytest.raises(PermissionDenied):
        services.submission_submit(user=getattr(chain, who), submission=draft)
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


def test_an_officer_of_the_village_outside_the_pokja_may_not_edit_or_submit(draft, region_tree):
    from accounts.models import Role
    from accounts.services import role_assign
    from tests.factories import UserFactory

    outsider = UserFactory(username="bukanpokja")
    role_assign(user=outsider, role=Role.KT_OFFICER, region=region_tree.village)
    with pytest.raises(PermissionDenied):
        services.submission_submit(user=outsider, submission=draft)


@pytest.mark.parametrize("who", ["officer", "kabupaten", "province"])
def test_only_the_village_head_may_verify(draft, chain, who):
    to_state(draft, S.SUBMITTED, chain)
    with pytest.raises(PermissionDenied):
        services.submission_verify(user=getattr(chain, who), submission=draft, minutes=minutes())


def test_verifying_needs_the_minutes_of_the_village_deliberation(draft, chain):
    to_state(draft, S.SUBMITTED, chain)
    with pytest.raises(ValidationError, match="berita acara|notulen|musyawarah"):
        services.submission_verify(user=chain.head, submission=draft, minutes=None)


@pytest.mark.parametrize("who", ["officer", "head", "province"])
def test_only_kabupaten_staff_may_approve(draft, chain, who):
    to_state(draft, S.VERIFIED, chain)
    with pytest.raises(PermissionDenied):
        services.submission_approve(user=getattr(chain, who), submission=draft)


def test_kabupaten_staff_of_another_kabupaten_may_not_approve(draft, chain, region_tree):
    from accounts.models import Role
    from accounts.services import role_assign
    from tests.factories import UserFactory

    nunukan = UserFactory(username="nunukan")
    role_assign(user=nunukan, role=Role.KABUPATEN_STAFF, region=region_tree.nunukan)
    to_state(draft, S.VERIFIED, chain)
    with pytest.raises(PermissionDenied):
        services.submission_approve(user=nunukan, submission=draft)


@pytest.mark.parametrize("who", ["officer", "head", "kabupaten"])
def test_only_province_staff_may_finalise(draft, chain, who):
    to_state(draft, S.APPROVED, chain)
    with pytest.raises(PermissionDenied):
        services.submission_finalise(user=getattr(chain, who), submission=draft)


def test_a_step_out_of_order_is_refused_in_indonesian(draft, chain):
    with pytest.raises(ValidationError) as exc:
        services.submission_approve(user=chain.kabupaten, submission=draft)
    assert "Draf" in str(exc.value)


@pytest.mark.parametrize(("state", "who"), [(S.SUBMITTED, "head"), (S.VERIFIED, "kabupaten"), (S.APPROVED, "province")])
def test_the_reviewer_whose_turn_it_is_can_return_it_to_draft_with_a_reason(draft, chain, state, who):
    to_state(draft, state, chain)
    services.submission_return(user=getattr(chain, who), submission=draft, reason="Alamat keluarga 3 salah")
    draft.refresh_from_db()
    assert draft.state == S.DRAFT
    assert draft.last_return_reason == "Alamat keluarga 3 salah"
    assert draft.events.filter(action=SubmissionEvent.Action.RETURNED, detail="Alamat keluarga 3 salah").exists()


def test_returning_without_a_reason_is_refused(draft, chain):
    to_state(draft, S.SUBMITTED, chain)
    with pytest.raises(ValidationError, match="alasan"):
        services.submission_return(user=chain.head, submission=draft, reason="  ")
    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED


def test_a_reviewer_cannot_return_a_submission_that_is_not_their_turn(draft, chain):
    to_state(draft, S.SUBMITTED, chain)
    with pytest.raises(PermissionDenied):
        services.submission_return(user=chain.kabupaten, submission=draft, reason="x")


@pytest.mark.parametrize(
    ("state", "who", "back_to"),
    [(S.SUBMITTED, "officer", S.DRAFT), (S.VERIFIED, "head", S.SUBMITTED), (S.APPROVED, "kabupaten", S.VERIFIED)],
)
def test_a_level_can_take_back_its_own_step_until_the_next_level_acts(draft, chain, state, who, back_to):
    to_state(draft, state, chain)
    services.submission_take_back(user=getattr(chain, who), submission=draft)
    draft.refresh_from_db()
    assert draft.state == back_to


@pytest.mark.parametrize(("state", "who"), [(S.VERIFIED, "officer"), (S.APPROVED, "head"), (S.FINALISED, "kabupaten")])
def test_a_level_cannot_take_back_once_the_next_level_has_acted(draft, chain, state, who):
    to_state(draft, state, chain)
    with pytest.raises((PermissionDenied, ValidationError)):
        services.submission_take_back(user=getattr(chain, who), submission=draft)


def test_a_finalised_submission_cannot_be_changed_returned_or_taken_back(draft, chain, families):
    to_state(draft, S.FINALISED, chain)
    with pytest.raises(ValidationError):
        services.change_family_deactivate(
            user=chain.officer,
            submission=draft,
            expected_version=None,
            family=families[0],
            family_version=None,
            reason="moved",
        )
    with pytest.raises(ValidationError):
        services.submission_return(user=chain.province, submission=draft, reason="lagi")
    with pytest.raises(ValidationError):
        services.submission_take_back(user=chain.province, submission=draft)


def test_a_submission_with_a_malformed_nik_cannot_be_submitted(draft, chain, families):
    services.change_member_add(
        user=chain.officer,
        submission=draft,
        expected_version=None,
        family=families[0],
        data={"nik": "12345", "name": "Bayi", "sex": "L", "relationship": "child"},
    )
    with pytest.raises(ValidationError, match="Perbaiki"):
        services.submission_submit(user=chain.officer, submission=draft)
