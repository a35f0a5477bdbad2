from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    """The Kemendagri region tree. Its browser page and menu entry live in ``kaltara_portal`` (they ask the
    access policy, which reads regions); the "My area" home card in ``accounts``."""

    name = "regions"
    verbose_name = _("Regions")
