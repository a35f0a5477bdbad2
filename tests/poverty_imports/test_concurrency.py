"""An import writing into a draft while someone else acts on it (PostgreSQL).

An import checks the file first (seconds to minutes for a large one) and writes the changes
at the end: in between, the Pokja may submit the draft, or a second import of the same file
may run. The tests hold the import between its checks and its write until the other side has
acted (or waits for a lock), so the widest window happens every run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from poverty_data import services as poverty_services
from poverty_data.models import Submission, SubmissionChange, SubmissionEvent, SubmissionState
from poverty_imports import services
from poverty_imports.models import ImportStatus
from poverty_imports.services import run
from tests.concurrency import Rendezvous, run_at_once, wait_until

from .test_import_service import batch_for

CORPUS = Path(__file__).resolve().parent / "import_corpus"
pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def held_after_the_checks(monkeypatch):
    """Each import waits, after checking against the portal and before writing, at a rendezvous."""
    rendezvous = Rendezvous()
    real = run._check_against_portal

    def check_then_meet(ctx):
        real(ctx)
        rendezvous.meet()

    monkeypatch.setattr(run, "_check_against_portal", check_then_meet)
    return rendezvous


def test_an_import_into_a_draft_the_pokja_submits_meanwhile_is_refused(
    officer, pokja, open_round, region_tree, families, held_after_the_checks
):
    draft = poverty_services.submission_start(user=officer, round=open_round, village=region_tree.village)
    batch = batch_for(officer, open_round, (CORPUS / "good.csv").read_bytes())
    rendezvous = held_after_the_checks

    def submit_once_the_import_has_checked():
        wait_until(rendezvous.anyone_arrived)
        return poverty_services.submission_submit(user=officer, submission=Submission.objects.get(pk=draft.pk))

    outcomes = run_at_once(
        rendezvous.enter(lambda: services.import_run(batch=batch)), rendezvous.enter(submit_once_the_import_has_checked)
    )
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    draft.refresh_from_db()
    batch.refresh_from_db()
    assert draft.state == SubmissionState.SUBMITTED
    assert batch.status == ImportStatus.REFUSED
    assert "Tidak ada yang diimpor" in batch.file_error and region_tree.village.code in batch.file_error
    assert not SubmissionChange.objects.filter(submission=draft).exists()
    actions = list(SubmissionEvent.objects.filter(submission=draft).order_by("pk").values_list("action", flat=True))
    assert actions == ["created", "submitted"]  # nothing written after it went up


@pytest.mark.parametrize("draft", ["draft exists", "no draft yet"])
def test_the_same_file_imported_twice_at_once_proposes_its_changes_once(
    officer, pokja, open_round, region_tree, families, held_after_the_checks, draft
):
    if draft == "draft exists":
        poverty_services.submission_start(user=officer, round=open_round, village=region_tree.village)
    content = (CORPUS / "good.csv").read_bytes()
    batches = [batch_for(officer, open_round, content), batch_for(officer, open_round, content)]
    rendezvous = held_after_the_checks

    outcomes = run_at_once(*[rendezvous.enter(lambda b=b: services.import_run(batch=b)) for b in batches])
    assert [o.status for o in outcomes] == [ImportStatus.IMPORTED, ImportStatus.IMPORTED], outcomes
    assert sorted(o.changes_created for o in outcomes) == [0, 1]
    submission = Submission.objects.get(round=open_round, village=region_tree.village)
    assert submission.changes.count() == 1
    assert submission.version == 2  # created, then one import's changes
    assert submission.events.filter(action="created").count() == 1
