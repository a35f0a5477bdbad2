"""CSR synchronisation: companies, their programmes, proposals and matching.

The foundation holds only ``Company``, because a company representative's role is
scoped to one; the CSR issue adds the rest.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CompanyQuerySet(models.QuerySet):
    def visible_to(self, user) -> CompanyQuerySet:
        from accounts import policy

        return policy.scoped(self, user, "company.view")


class Company(models.Model):
    """A company in the provincial CSR forum (Forum TJSP/TJSLBU)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    business_sector = models.CharField(_("business sector"), max_length=120, blank=True)
    address = models.TextField(_("address"), blank=True)
    kabupaten = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects = CompanyQuerySet.as_manager()

    # Staff see the companies located in their scope; representatives their own company.
    policy_region_field = "kabupaten__code"
    policy_company_field = "pk"

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name

    @property
    def policy_company_id(self) -> int:
        return self.pk

    @property
    def policy_region_code(self) -> str | None:
        return self.kabupaten.code if self.kabupaten_id else None
