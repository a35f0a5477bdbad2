"""The review chain of a submission::

    draft --submit (Pokja)--> submitted --verify (village head, minutes)--> verified
          --approve (kabupaten/kota)--> approved --finalise (province: .finalise)--> finalised

Any reviewer whose turn it is may *return* it to draft with a reason. A level may *take back*
its own step while the next level has not acted (``models.TAKE_BACK``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy

from ..checks import submission_issues
from ..models import RETURN_ACTION, TAKE_BACK, Submission, SubmissionEvent, SubmissionState
from .drafts import event_log, require_editor

S = SubmissionState
Action = SubmissionEvent.Action


def move(
    *,
    submission: Submission,
    user: Any,
    from_state: str,
    to_state: str,
    action: str,
    detail: str = "",
    held: bool = False,
    **stamps: Any,
) -> Submission:
    """Change state only if nobody moved it meanwhile (``update ... where state = from``).

    ``held``: the caller read ``submission`` locked (``select_for_update``) in this transaction, so
    its values are current and are updated in place instead of read again.
    """
    now = timezone.now()
    values = {name: now for name in stamps.pop("stamp", [])}
    values.update(stamps)
    updated = Submission.objects.filter(pk=submission.pk, state=from_state).update(
        state=to_state, version=F("version") + 1, updated_at=now, **values
    )
    if not updated:
        raise ValidationError(_("Someone else acted on this submission in the meantime. Reload the page."))
    if held:
        submission.state, submission.version, submission.updated_at = to_state, submission.version + 1, now
        for name, value in values.items():
            setattr(submission, name, value)
    else:
        submission.refresh_from_db()
    event_log(submission, action, user, from_state=from_state, to_state=to_state, detail=detail)
    return submission


def require_state(submission: Submission, state: str) -> None:
    if submission.state != state:
        raise ValidationError(
            _("This is not possible while the submission is %(state)s.") % {"state": submission.get_state_display()}
        )


@transaction.atomic
def submission_submit(*, user: Any, submission: Submission) -> Submission:
    """Pokja: send the draft to the village head. Malformed NIK or No. KK must be fixed first."""
    require_editor(user, submission)
    # Lock the row before checking: an edit landing between the check and the state change would
    # otherwise go up unchecked. An edit waits here and then finds the version moved (StaleEdit).
    list(Submission.objects.select_for_update().filter(pk=submission.pk).values_list("pk"))
    issues = submission_issues(submission)
    if any(i.errors for i in issues.values()):
        raise ValidationError(_("Fix the errors marked in the changes before submitting."))
    return move(
        submission=submission,
        user=user,
        from_state=S.DRAFT,
        to_state=S.SUBMITTED,
        action=Action.SUBMITTED,
        stamp=["submitted_at"],
        last_return_reason="",
    )


@transaction.atomic
def submission_verify(*, user: Any, submission: Submission, minutes: File | None) -> Submission:
    """Village head: verify after the village deliberation, attaching its minutes."""
    policy.require(user, "submission.verify", submission)
    require_state(submission, S.SUBMITTED)
    if not minutes and not submission.minutes:
        raise ValidationError(_("Attach the minutes of the village deliberation."))
    if minutes:
        submission.minutes.save(minutes.name, minutes, save=False)
        Submission.objects.filter(pk=submission.pk).update(minutes=submission.minutes.name)
    return move(
        submission=submission,
        user=user,
        from_state=S.SUBMITTED,
        to_state=S.VERIFIED,
        action=Action.VERIFIED,
        stamp=["verified_at"],
    )


@transaction.atomic
def submission_approve(*, user: Any, submission: Submission) -> Submission:
    policy.require(user, "submission.approve", submission)
    require_state(submission, S.VERIFIED)
    return move(
        submission=submission,
        user=user,
        from_state=S.VERIFIED,
        to_state=S.APPROVED,
        action=Action.APPROVED,
        stamp=["approved_at"],
    )


def submission_return_check(*, user: Any, submission: Submission) -> None:
    """Raise unless ``user`` may return ``submission`` now: ValidationError in a state nobody returns
    from, PermissionDenied when it is not the user's turn (asked before the reason is read)."""
    action = RETURN_ACTION.get(submission.state)
    if action is None:
        raise ValidationError(
            _("This is not possible while the submission is %(state)s.") % {"state": submission.get_state_display()}
        )
    policy.require(user, action, submission)


@transaction.atomic
def submission_return(*, user: Any, submission: Submission, reason: str) -> Submission:
    """A reviewer sends the submission back to the Pokja as a draft, saying why."""
    submission_return_check(user=user, submission=submission)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for returning it."))
    return move(
        submission=submission,
        user=user,
        from_state=submission.state,
        to_state=S.DRAFT,
        action=Action.RETURNED,
        detail=reason,
        last_return_reason=reason,
        submitted_at=None,
        verified_at=None,
        approved_at=None,
    )


@transaction.atomic
def submission_take_back(*, user: Any, submission: Submission) -> Submission:
    """A level takes back its own step, possible only until the next level has acted."""
    rule = TAKE_BACK.get(submission.state)
    if rule is None:
        raise ValidationError(
            _("This is not possible while the submission is %(state)s.") % {"state": submission.get_state_display()}
        )
    policy.require(user, rule[0], submission)
    _action, to_state, stamp = rule
    return move(
        submission=submission,
        user=user,
        from_state=submission.state,
        to_state=to_state,
        action=Action.TAKEN_BACK,
        **{stamp: None},
    )
