from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KaltaraPortalConfig(AppConfig):
    name = "kaltara_portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from .navigation import NavItem, register

        # Last in the menu: the guides of each role (kaltara_portal.guides).
        register(NavItem(_("Help"), "guides:index", "help.view", order=900))
