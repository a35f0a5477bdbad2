"""send_round_reminders: late villages are e-mailed once per step, in Indonesian."""

from __future__ import annotations

import datetime as dt
import io

from django.core import mail
from django.core.management import call_command

from poverty_data.models import Reminder

AFTER_SUBMIT_DEADLINE = "2026-12-11"


def run(date=AFTER_SUBMIT_DEADLINE):
    out = io.StringIO()
    call_command("send_round_reminders", "--date", date, stdout=out)
    return out.getvalue()


def test_nothing_is_sent_before_a_deadline(open_round, pokja, village_head):
    assert "reminders sent: 0" in run("2026-12-05")
    assert mail.outbox == []


def test_a_late_village_reminds_its_pokja_and_head_once(open_round, pokja, officer, village_head, region_tree):
    output = run()
    assert "reminders sent: 1" in output  # only the village with a Pokja and addresses
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([officer.email, village_head.email])
    assert "Pengingat" in message.subject and "Desa Gunung Putih" in message.subject
    assert "Diajukan" in message.body and "10 Desember 2026" in message.body
    assert Reminder.objects.get().village == region_tree.village
    run()
    assert len(mail.outbox) == 1  # never twice


def test_a_village_that_submitted_on_time_is_not_reminded(draft, officer, pokja, village_head):
    from poverty_data import services

    services.submission_submit(user=officer, submission=draft)
    run()
    assert mail.outbox == []


def test_a_late_approval_reminds_the_kabupaten_staff(draft, chain, settings, tmp_path):
    from .test_submission_services import to_state

    settings.MEDIA_ROOT = tmp_path
    to_state(draft, "verified", chain)
    run("2026-12-21")
    assert [m.to for m in mail.outbox] == [[chain.kabupaten.email]]


def test_a_failed_send_is_not_recorded_so_it_is_retried(open_round, pokja, village_head, monkeypatch):
    from poverty_data import reminders

    def broken(*args, **kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setattr(reminders, "send_mail", broken)
    try:
        run()
    except ConnectionError:
        pass
    assert not Reminder.objects.exists()
    monkeypatch.undo()
    run()
    assert len(mail.outbox) == 1


def test_the_round_overview_lists_late_villages(client, province_staff, open_round, region_tree):
    from django.urls import reverse

    from poverty_data.models import Round

    Round.objects.filter(pk=open_round.pk).update(submit_deadline=dt.date(2020, 1, 1))
    client.force_login(province_staff)
    html = client.get(reverse("poverty_data:round", args=[open_round.pk])).content.decode()
    assert "Desa yang kini melewati tenggat" in html and "Gunung Putih" in html


def test_a_malformed_date_is_refused_without_a_traceback():
    import pytest
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("kemarin")
