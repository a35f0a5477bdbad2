from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem, register


class KaltaraPortalConfig(AppConfig):
    name = "kaltara_portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        # The region browser (kaltara_portal.region_views).
        register(NavItem(_("Regions"), "regions:browse", "region.view", order=80))
        # Last in the menu: the guides of each role (kaltara_portal.guides).
        register(NavItem(_("Help"), "guides:index", "help.view", order=900))
