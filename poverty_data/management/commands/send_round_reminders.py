"""python manage.py send_round_reminders: e-mail late villages of open rounds (schedule it daily)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from poverty_data.reminders import reminders_send


class Command(BaseCommand):
    help = "E-mail reminders to villages behind a deadline of an open round, once per village and step."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="act as if today were this date (YYYY-MM-DD)")
        parser.add_argument(
            "--base-url", default="", help="the portal's address for links, e.g. https://portal.example.id"
        )

    def handle(self, *args, date: str | None, base_url: str, **options) -> None:
        today = None
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        summary = reminders_send(today=today, base_url=base_url.rstrip("/"))
        self.stdout.write(
            f"reminders sent: {summary.sent}, already sent before: {summary.already_sent}, "
            f"no e-mail address: {summary.skipped_no_address}"
        )
