from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem, register


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        # local import: the home cards read models, which load only once the app registry is ready
        from . import home_cards  # noqa: F401 - registers the home-page cards

        register(NavItem(_("Access log"), "accounts:personal_data_access", "audit.view", order=90))
