from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CsrConfig(AppConfig):
    name = "csr"
    verbose_name = _("CSR synchronisation")

    def ready(self) -> None:
        # local import: the home cards read models, which load only once the app registry is ready
        from . import home_cards  # noqa: F401 - registers the home cards and menu entries
