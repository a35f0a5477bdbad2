from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PovertyImportsConfig(AppConfig):
    name = "poverty_imports"
    verbose_name = _("Poverty-data import and export")

    def ready(self) -> None:
        # Inside ready(): the menu registry imports models, which Django loads only after the app configs.
        from kaltara_portal.navigation import NavItem, register

        register(
            NavItem(_("Import and export"), "poverty_imports:list", "import.view", order=35, section=_("Poverty data"))
        )
