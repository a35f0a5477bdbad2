from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem, register


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Karang Taruna registry")

    def ready(self) -> None:
        # local import: the home cards read models, which load only once the app registry is ready
        from . import home_cards  # noqa: F401 - registers the home-page cards

        register(
            NavItem(_("Karang Taruna"), "organisations:list", "organisation.view", order=20, section=_("Karang Taruna"))
        )
        register(
            NavItem(
                _("Registry dashboard"),
                "organisations:dashboard",
                "registry.dashboard",
                order=21,
                section=_("Karang Taruna"),
            )
        )
        register(NavItem(_("Events"), "organisations:event_list", "event.view", order=22, section=_("Karang Taruna")))
