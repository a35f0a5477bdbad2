"""The Kemendagri region tree: province > kabupaten/kota > kecamatan > desa/kelurahan.

Codes are hierarchical (``65``, ``65.01``, ``65.01.01``, ``65.01.01.1001``), so the
regions under a region are the codes that start with its code and a dot, and a
scope check is a prefix test.
"""

from __future__ import annotations

import re

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CODE_RE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    KABUPATEN_KOTA = 2, _("Kabupaten/kota")
    KECAMATAN = 3, _("Kecamatan")
    DESA_KELURAHAN = 4, _("Desa/kelurahan")


class Kind(models.TextChoices):
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")
    DESA = "desa", _("Desa")
    KELURAHAN = "kelurahan", _("Kelurahan")


def level_of(code: str) -> int:
    """The level a well-formed code stands for: one more per dot."""
    return code.count(".") + 1


def parent_code_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def kind_of(code: str) -> str:
    """Kemendagri numbering: kota are 71 and above at level 2; kelurahan 1xxx, desa 2xxx at level 4."""
    parts = code.split(".")
    if len(parts) == 2:
        return Kind.KOTA if int(parts[1]) >= 71 else Kind.KABUPATEN
    if len(parts) == 4:
        return Kind.KELURAHAN if parts[3].startswith("1") else Kind.DESA
    return ""


def within_q(code: str, field: str = "code") -> Q:
    """Rows whose ``field`` is the region ``code`` itself or any region beneath it."""
    return Q(**{field: code}) | Q(**{f"{field}__startswith": f"{code}."})


class RegionQuerySet(models.QuerySet):
    def within(self, code: str) -> RegionQuerySet:
        """The region ``code`` and everything beneath it (a prefix query on the code index)."""
        return self.filter(within_q(code))

    def below(self, code: str) -> RegionQuerySet:
        return self.filter(code__startswith=f"{code}.")

    def villages(self) -> RegionQuerySet:
        return self.filter(level=Level.DESA_KELURAHAN)

    def at_level(self, level: int) -> RegionQuerySet:
        return self.filter(level=level)


def display_name(*, name: str, level: int, kind: str) -> str:
    """A region as people name it: "Kec. Tanjung Palas", "Desa Gunung Putih", "Kel. Karang Anyar"."""
    if level == Level.KECAMATAN:
        return f"Kec. {name}"
    if level == Level.DESA_KELURAHAN:
        prefix = "Kel." if kind == Kind.KELURAHAN else "Desa"
        return f"{prefix} {name}"
    return name


class Region(models.Model):
    """One region of the Kemendagri list, with its optional BPS code (BPS numbers kabupaten differently)."""

    code = models.CharField(_("code"), max_length=13, unique=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    bps_code = models.CharField(_("BPS code"), max_length=10, blank=True)
    # Where the region lies (``import_regions`` of a file with lat,lng columns, or ``import_boundaries``)
    # and its outline, simplified and quantised for maps (regions.geometry describes the form).
    centroid_lat = models.DecimalField(_("centroid latitude"), max_digits=8, decimal_places=6, null=True, blank=True)
    centroid_lng = models.DecimalField(_("centroid longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    outline = models.JSONField(_("outline"), null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        # `code` is unique; on PostgreSQL Django adds a varchar_pattern_ops index beside the
        # unique one, which serves the `code LIKE '65.01.%'` prefix queries of scope checks.
        indexes = [models.Index(fields=["level", "code"], name="region_level_code_idx")]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code})"

    @property
    def display_name(self) -> str:
        return display_name(name=self.name, level=self.level, kind=self.kind)

    @property
    def policy_region_code(self) -> str:
        return self.code

    def contains(self, code: str) -> bool:
        """Whether the region ``code`` is this region or lies beneath it."""
        return code == self.code or code.startswith(f"{self.code}.")

    def ancestor_codes(self) -> list[str]:
        parts = self.code.split(".")
        return [".".join(parts[:i]) for i in range(1, len(parts))]
