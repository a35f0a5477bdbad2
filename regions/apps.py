from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Regions")

    def ready(self) -> None:
        from kaltara_portal.navigation import NavItem, register

        register(NavItem(_("Regions"), "regions:browse", "region.view", order=80))
