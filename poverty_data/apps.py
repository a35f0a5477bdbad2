from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PovertyDataConfig(AppConfig):
    name = "poverty_data"
    verbose_name = _("Village poverty data")

    def ready(self) -> None:
        # local import: both reach the models (through the policy), which Django allows only once apps are ready
        from kaltara_portal.navigation import NavItem, register

        from . import home_cards  # noqa: F401 - registers the home-page cards

        register(NavItem(_("Villages"), "poverty_data:villages", "family.view", order=30, section=_("Poverty data")))
        register(
            NavItem(_("Review queue"), "poverty_data:queue", "submission.view", order=31, section=_("Poverty data"))
        )
        register(NavItem(_("Rounds"), "poverty_data:rounds", "round.view", order=32, section=_("Poverty data")))
        register(
            NavItem(
                _("Poverty dashboard"),
                "poverty_data:dashboard",
                "poverty.dashboard",
                order=33,
                section=_("Poverty data"),
            )
        )
