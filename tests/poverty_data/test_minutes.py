"""The minutes of the village deliberation (berita acara musdes): checked by their content like every
document, and opened by the reviewers through a policy-checked, logged download."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import PersonalDataAccess
from poverty_data.models import SubmissionState

from .test_submission_services import to_state

PDF = b"%PDF-1.4\n% berita acara musdes\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_text_file_named_pdf_is_refused_in_indonesian_and_nothing_changes(client, draft, chain):
    to_state(draft, SubmissionState.SUBMITTED, chain)
    client.force_login(chain.head)
    fake = SimpleUploadedFile("fake.pdf", b"hello text", content_type="application/pdf")
    response = client.post(reverse("poverty_data:submission_verify", args=[draft.pk]), {"minutes": fake})
    assert response.status_code == 400
    assert "Isi berkas tidak sesuai dengan ekstensinya .pdf." in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == SubmissionState.SUBMITTED and not draft.minutes


def test_a_real_pdf_is_accepted(client, draft, chain):
    to_state(draft, SubmissionState.SUBMITTED, chain)
    client.force_login(chain.head)
    minutes = SimpleUploadedFile("berita-acara.pdf", PDF, content_type="application/pdf")
    client.post(reverse("poverty_data:submission_verify", args=[draft.pk]), {"minutes": minutes})
    draft.refresh_from_db()
    assert draft.state == SubmissionState.VERIFIED and draft.minutes


@pytest.mark.parametrize("who", ["kabupaten", "province"])
def test_the_reviewers_open_the_minutes_and_each_download_is_logged(client, draft, chain, who):
    to_state(draft, SubmissionState.VERIFIED, chain)
    client.force_login(getattr(chain, who))
    url = reverse("poverty_data:submission_minutes", args=[draft.pk])
    assert url in client.get(reverse("poverty_data:submission", args=[draft.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    log = PersonalDataAccess.objects.get(subject="poverty_data.minutes")
    assert log.user == getattr(chain, who) and log.action == "download" and log.object_id == str(draft.pk)


def test_an_officer_of_another_village_gets_a_404(client, draft, chain, other_officer):
    to_state(draft, SubmissionState.VERIFIED, chain)
    client.force_login(other_officer)
    assert client.get(reverse("poverty_data:submission_minutes", args=[draft.pk])).status_code == 404
    assert not PersonalDataAccess.objects.filter(subject="poverty_data.minutes").exists()


def test_a_submission_without_minutes_has_nothing_to_download(client, draft, chain):
    client.force_login(chain.province)
    assert client.get(reverse("poverty_data:submission_minutes", args=[draft.pk])).status_code == 404
