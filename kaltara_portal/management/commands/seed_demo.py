from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kaltara_portal.demo import DemoContext, seed_all


class Command(BaseCommand):
    help = "Create the deterministic demo data and one demo user per role (password demo12345; DEBUG only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="multiply the volume of demo data (benchmarks)")
        parser.add_argument(
            "--light",
            action="store_true",
            help="the tests' small demo: the villages the tests know, a few families each, no rest of the province",
        )

    def handle(self, *args, scale: int, light: bool = False, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                _("seed_demo creates users with a known password and only runs with DEBUG=1 (never in production).")
            )
        if scale < 1 or scale > 1000:
            raise CommandError(_("--scale must be a whole number from 1 to 1000."))
        ctx = DemoContext(scale=scale, light=light, log=lambda line: self.stdout.write(line))
        seed_all(ctx)
        self.stdout.write(self.style.SUCCESS(_("Demo data ready.")))
