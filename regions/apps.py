from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Regions")

    def ready(self) -> None:
        from kaltara_portal.navigation import NavItem, register

        from . import home_cards  # noqa: F401  (registers the home-page card)

        register(NavItem(_("Regions"), "regions:browse", "region.view", order=80))
