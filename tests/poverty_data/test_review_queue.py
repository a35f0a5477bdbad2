"""The review queue: each reviewer sees what waits for their step, with one-click actions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from poverty_data import services
from poverty_data.models import SubmissionState

from .test_submission_services import to_state

QUEUE = "/data-kemiskinan/antrean/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_it_sends_anonymous_visitors_to_log_in(client):
    assert client.get(QUEUE).status_code == 302


def test_a_company_representative_has_no_queue(client, company_rep):
    client.force_login(company_rep)
    assert client.get(QUEUE).status_code == 403


@pytest.mark.parametrize(
    ("state", "who", "others"),
    [
        (SubmissionState.SUBMITTED, "head", ["kabupaten", "province"]),
        (SubmissionState.VERIFIED, "kabupaten", ["head", "province"]),
        (SubmissionState.APPROVED, "province", ["head", "kabupaten"]),
    ],
)
def test_a_submission_waits_in_the_queue_of_the_level_whose_turn_it_is(client, draft, chain, state, who, others):
    to_state(draft, state, chain)
    client.force_login(getattr(chain, who))
    assert [s.pk for s in client.get(QUEUE).context["page_obj"]] == [draft.pk]
    for other in others:
        client.force_login(getattr(chain, other))
        assert list(client.get(QUEUE).context["page_obj"]) == []


def test_kabupaten_staff_approve_with_one_click(client, draft, chain):
    to_state(draft, SubmissionState.VERIFIED, chain)
    client.force_login(chain.kabupaten)
    response = client.post(reverse("poverty_data:submission_approve", args=[draft.pk]), {"next": "queue"})
    assert response.status_code == 302 and response["Location"] == QUEUE
    draft.refresh_from_db()
    assert draft.state == SubmissionState.APPROVED


def test_returning_from_the_queue_needs_a_reason(client, draft, chain):
    to_state(draft, SubmissionState.VERIFIED, chain)
    client.force_login(chain.kabupaten)
    response = client.post(
        reverse("poverty_data:submission_return", args=[draft.pk]),
        {"next": "queue", "reason": ""},
        follow=True,
    )
    assert "Tuliskan alasan pengembalian." in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == SubmissionState.VERIFIED
    client.post(reverse("poverty_data:submission_return", args=[draft.pk]), {"next": "queue", "reason": "RT salah"})
    draft.refresh_from_db()
    assert (draft.state, draft.last_return_reason) == (SubmissionState.DRAFT, "RT salah")


@pytest.mark.parametrize("reason", ["", "RT salah"])
def test_a_reviewer_whose_turn_it_is_not_is_refused_a_return_whatever_the_reason(client, draft, chain, reason):
    # Found by the access matrix: the reason used to be checked first, so an empty one answered 400.
    to_state(draft, SubmissionState.VERIFIED, chain)
    client.force_login(chain.province)
    response = client.post(reverse("poverty_data:submission_return", args=[draft.pk]), {"reason": reason})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.state == SubmissionState.VERIFIED


def test_the_queue_keeps_a_flat_query_count(client, province_staff, administrator, django_assert_max_num_queries):
    from regions.models import Region
    from regions.services import RegionRow, regions_import

    from .conftest import TODAY  # noqa: F401

    regions_import(rows=[RegionRow(line=1, code=f"65.01.01.2{i:03d}", name=f"Desa {i}") for i in range(100, 160)])
    round_ = services.round_open(
        user=province_staff, name="R", period_start=TODAY, period_end=TODAY, submit_deadline=TODAY,
        verify_deadline=TODAY, approve_deadline=TODAY, finalise_deadline=TODAY,
    )  # fmt: skip
    for village in Region.objects.filter(code__startswith="65.01.01.21"):
        submission = services.submission_start(user=administrator, round=round_, village=village)
        services.submission_submit(user=administrator, submission=submission)
        services.submission_verify(
            user=administrator,
            submission=submission,
            minutes=__import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile("a.pdf", b"%PDF"),
        )
        services.submission_approve(user=administrator, submission=submission)
    client.force_login(province_staff)
    with django_assert_max_num_queries(9):
        response = client.get(QUEUE)
    assert response.context["page_obj"].paginator.count == 60


def test_the_queue_counts_what_waits_in_indonesian(client, draft, chain):
    to_state(draft, SubmissionState.VERIFIED, chain)
    client.force_login(chain.kabupaten)
    html = client.get(QUEUE).content.decode()
    assert "1 pengajuan menunggu" in html and "0 usulan" in html and "Setujui" in html


def test_approving_from_the_queue_asks_first_without_javascript(client, draft, chain):
    to_state(draft, SubmissionState.VERIFIED, chain)
    client.force_login(chain.kabupaten)
    html = client.get(QUEUE).content.decode()
    approve = reverse("poverty_data:submission_approve", args=[draft.pk])
    details = html[html.index("<details") : html.index("</details>")]
    assert approve in details and "tanpa membukanya?" in details and "Ya, setujui" in details
    assert approve not in html.replace(details, "")


def test_the_queue_counts_the_proposals_as_the_submission_page_does(client, draft, chain, families):
    services.change_family_correct(
        user=chain.officer, submission=draft, expected_version=None, family=families[0],
        family_version=families[0].version, data={"desil": 1, "rt": "009", "receives_pkh": True},
    )  # fmt: skip
    head = families[1].members.get(relationship="head")
    services.change_member_correct(
        user=chain.officer, submission=draft, expected_version=None, member=head, member_version=head.version,
        data={"occupation": "Nelayan", "presence": "died"},
    )  # fmt: skip
    to_state(draft, SubmissionState.VERIFIED, chain)
    client.force_login(chain.kabupaten)
    shown = len(client.get(reverse("poverty_data:submission", args=[draft.pk])).context["rows"])
    assert shown == 2
    assert client.get(QUEUE).context["page_obj"][0].change_count == shown
