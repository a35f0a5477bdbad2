from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PovertyImportsConfig(AppConfig):
    name = "poverty_imports"
    verbose_name = _("Poverty-data import and export")
