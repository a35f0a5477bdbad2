from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem, register


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        # The public map of needs and CSR, in the signed-in users' menu too (anonymous visitors have the
        # footer's link): last under "Poverty data", so the crowded menus of staff keep their width at
        # 1280 px; a role without that section (a company's representative) gets a plain link.
        register(NavItem(_("Open data"), "opendata:map", "opendata.view", order=39, section=_("Poverty data")))
        # local import: the receivers read models, which load only once the app registry is ready
        from . import receivers  # noqa: F401 - follows poverty_data's and csr's signals
