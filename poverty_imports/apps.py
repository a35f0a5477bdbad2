from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem, register


class PovertyImportsConfig(AppConfig):
    name = "poverty_imports"
    verbose_name = _("Poverty-data import and export")

    def ready(self) -> None:
        register(
            NavItem(_("Import and export"), "poverty_imports:list", "import.view", order=35, section=_("Poverty data"))
        )
