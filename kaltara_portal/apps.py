from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KaltaraPortalConfig(AppConfig):
    name = "kaltara_portal"
    verbose_name = _("Portal")
