from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CsrConfig(AppConfig):
    name = "csr"
    verbose_name = _("CSR synchronisation")

    def ready(self) -> None:
        # local import: the policy, the home cards and the models load models, possible only once the
        # app registry is ready
        from accounts import policy

        from . import home_cards  # noqa: F401 - registers the home cards and menu entries
        from .models import CompanyRepresentative

        # A company representative's grants (their companies) are read with the role assignments.
        policy.register_grant_source(CompanyRepresentative.objects)
