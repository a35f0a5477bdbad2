from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        # local import: the receivers read models, which load only once the app registry is ready
        from . import receivers  # noqa: F401 - follows poverty_data's and csr's signals
