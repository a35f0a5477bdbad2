"""Reminders for villages behind a deadline of an open round: e-mailed once per village and step.

``send_round_reminders`` (a management command the deployment schedules, e.g. daily) calls
``reminders_send``. Who is reminded follows whose turn it is: the Pokja and the village head
while the village has not submitted or verified; the kabupaten/kota staff for approval; the
province staff for finalisation. A ``Reminder`` row records each one, so none is sent twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment
from regions.models import Region

from .models import PokjaMember, Reminder, Round, Submission, SubmissionState
from .selectors import late_villages

S = SubmissionState


@dataclass
class ReminderSummary:
    sent: int = 0
    skipped_no_address: int = 0
    already_sent: int = 0


def _recipients(late: list[dict]) -> dict[tuple[int, str], set[str]]:
    """E-mail addresses per (village id, step), in three queries whatever the number of villages."""
    village_ids = {row["pk"] for row in late}
    pokja = defaultdict(set)
    for village_id, email in PokjaMember.objects.filter(pokja__village_id__in=village_ids).values_list(
        "pokja__village_id", "user__email"
    ):
        pokja[village_id].add(email)
    heads = defaultdict(set)
    staff: dict[str, set[str]] = defaultdict(set)
    assignments = RoleAssignment.objects.active().filter(user__is_active=True)
    for village_id, email in assignments.filter(role=Role.VILLAGE_HEAD, region_id__in=village_ids).values_list(
        "region_id", "user__email"
    ):
        heads[village_id].add(email)
    for role, code, email in assignments.filter(role__in=[Role.KABUPATEN_STAFF, Role.PROVINCE_STAFF]).values_list(
        "role", "region__code", "user__email"
    ):
        staff[f"{role}:{code}"].add(email)
    found = {}
    for row in late:
        step, pk, code = row["step"], row["pk"], row["code"]
        if step in (S.SUBMITTED, S.VERIFIED):
            emails = pokja[pk] | heads[pk]
        elif step == S.APPROVED:
            emails = set(staff[f"{Role.KABUPATEN_STAFF}:{code[:5]}"])
        else:
            emails = set(staff[f"{Role.PROVINCE_STAFF}:{code[:2]}"])
        found[(pk, step)] = {e for e in emails if e}
    return found


def reminders_send(*, today: dt.date | None = None, base_url: str = "") -> ReminderSummary:
    """E-mail every late village of every open round once per step; returns what was done."""
    today = today or timezone.localdate()
    summary = ReminderSummary()
    for round_ in Round.objects.open():
        late = late_villages(round=round_, today=today)
        if not late:
            continue
        done = set(round_.reminders.values_list("village_id", "step"))
        submissions = dict(
            Submission.objects.filter(round=round_, village_id__in=[r["pk"] for r in late]).values_list(
                "village_id", "pk"
            )
        )
        recipients = _recipients(late)
        for row in late:
            key = (row["pk"], row["step"])
            if key in done:
                summary.already_sent += 1
                continue
            emails = recipients.get(key) or set()
            if not emails:
                summary.skipped_no_address += 1
                continue
            if _send_one(
                round_=round_, row=row, emails=emails, submission_id=submissions.get(row["pk"]), base_url=base_url
            ):
                summary.sent += 1
            else:
                summary.already_sent += 1
    return summary


def _send_one(*, round_: Round, row: dict, emails: set[str], submission_id: int | None, base_url: str) -> bool:
    """Record the reminder and send it in one transaction: a failed send leaves no record, so it is retried."""
    village = Region(pk=row["pk"], code=row["code"], name=row["name"], kind=row["kind"], level=4)
    if submission_id:
        link = base_url + reverse("poverty_data:submission", args=[submission_id])
    else:
        link = base_url + reverse("poverty_data:village", args=[row["pk"]])
    try:
        with transaction.atomic():
            Reminder.objects.create(round=round_, village_id=row["pk"], step=row["step"], recipients=len(emails))
            with translation.override(settings.LANGUAGE_CODE):
                step = str(S(row["step"]).label)
                subject = _("Reminder: %(village)s is late in %(round)s") % {
                    "village": village.display_name,
                    "round": round_.name,
                }
                body = render_to_string(
                    "poverty_data/email/reminder.txt",
                    {
                        "village": village.display_name,
                        "round": round_,
                        "step": step,
                        "deadline": row["deadline"],
                        "link": link,
                    },
                )
            send_mail(subject, body, None, sorted(emails))
    except IntegrityError:
        return False  # sent meanwhile by another run
    return True
