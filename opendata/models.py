"""The published figures: per-round summaries built from the lower apps' aggregates, already suppressed.

Public pages, downloads and the API read only these tables (never ``Family``/``Member`` nor the
lower apps' summaries): ``opendata.publish.summaries_refresh`` rebuilds them when a round is closed
or a CSR realisation is recorded (``opendata.receivers``), and ``manage.py refresh_opendata`` on demand.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Flag(models.TextChoices):
    """Why a published count is missing: none (shown), below the threshold, or hidden to protect one that is."""

    SHOWN = "", _("shown")
    SMALL = "small", _("below the threshold")
    SECONDARY = "secondary", _("hidden so a small count cannot be recovered")


class PlainAreaManager(models.Manager):
    """Areas without their outline (kilobytes each): every read but the map's."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().defer("outline")


class Area(models.Model):
    """A region as published (province to village), with its Karang Taruna."""

    code = models.CharField(_("Kemendagri code"), max_length=13, unique=True)
    bps_code = models.CharField(_("BPS code"), max_length=10, blank=True)
    name = models.CharField(_("name"), max_length=160)
    level = models.PositiveSmallIntegerField(_("level"), db_index=True)
    parent_code = models.CharField(_("parent code"), max_length=13, blank=True, db_index=True)
    karang_taruna = models.BooleanField(_("Karang Taruna registered"), default=False)
    karang_taruna_class = models.CharField(_("Karang Taruna class"), max_length=12, blank=True)
    # The region's outline as regions stores it (regions.geometry), copied so the public map reads no other table.
    outline = models.JSONField(_("outline"), null=True, blank=True)

    objects = models.Manager()
    plain = PlainAreaManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("published area")
        verbose_name_plural = _("published areas")

    def __str__(self) -> str:
        return self.code


class Release(models.Model):
    """A closed (finalised) update round whose figures are published."""

    round_id = models.PositiveBigIntegerField(_("round"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        ordering = ["-period_end", "-round_id"]
        verbose_name = _("published round")
        verbose_name_plural = _("published rounds")

    def __str__(self) -> str:
        return self.name


class AreaFigures(models.Model):
    """Families and poor families (desil 1-4) of an area at a published round; None where suppressed."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="figures")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="figures")
    families = models.PositiveIntegerField(null=True)
    families_flag = models.CharField(max_length=10, choices=Flag.choices, blank=True)
    poor = models.PositiveIntegerField(null=True)
    poor_flag = models.CharField(max_length=10, choices=Flag.choices, blank=True)

    class Meta:
        ordering = ["release", "area__code"]
        constraints = [models.UniqueConstraint(fields=["release", "area"], name="opendata_area_figures_unique")]

    def __str__(self) -> str:
        return f"{self.release_id}/{self.area_id}"

    @property
    def poor_share(self) -> float | None:
        """Poor families as a percentage of families, only when both counts are shown."""
        if self.families is None or self.poor is None or not self.families:
            return None
        return round(100 * self.poor / self.families, 1)


class AreaCsr(models.Model):
    """CSR money realised in an area (the villages beneath it) in a year and sector."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="csr")
    year = models.PositiveSmallIntegerField(_("year"))
    sector = models.CharField(_("sector"), max_length=20)
    programmes = models.PositiveIntegerField(_("programmes"))
    spent = models.DecimalField(_("money realised (Rp)"), max_digits=16, decimal_places=0)

    class Meta:
        ordering = ["area__code", "-year", "sector"]
        constraints = [models.UniqueConstraint(fields=["area", "year", "sector"], name="opendata_area_csr_unique")]

    def __str__(self) -> str:
        return f"{self.area_id}/{self.year}/{self.sector}"


class Dataset(models.Model):
    """When each published dataset last changed: the validators (ETag, Last-Modified) come from here."""

    key = models.CharField(max_length=20, unique=True)
    version = models.PositiveIntegerField(default=0)
    digest = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key


class FeedEntry(models.Model):
    """An entry of the Atom feed: a published round, or a CSR programme with realised money."""

    class Kind(models.TextChoices):
        ROUND = "round", _("round published")
        CSR = "csr", _("CSR realised")

    key = models.CharField(max_length=60, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200)
    detail = models.CharField(max_length=200, blank=True)
    sector = models.CharField(max_length=20, blank=True)
    link = models.CharField(max_length=200)
    published_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at", "key"]

    def __str__(self) -> str:
        return self.key


class Publication(models.Model):
    """One row: the number of the latest refresh of the published tables (``publish.summaries_refresh``).

    A stored answer carries the number it was rendered at and is served only while that number is the
    current one: an answer rendered from the old tables and stored after a refresh (the refresh ran
    between the page's reads and its INSERT) is never served."""

    number = models.PositiveBigIntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.number)


class PublishedAnswer(models.Model):
    """A public answer as it was rendered for an anonymous visitor (``caching.public``), served again
    without rendering: one query. Keyed by the path and the canonical query string of its valid
    parameters (never the raw query string), and the language. ``summaries_refresh`` deletes them all in
    its transaction."""

    key = models.CharField(max_length=500)
    language = models.CharField(max_length=10)
    generation = models.PositiveBigIntegerField()
    deployment = models.CharField(max_length=16)  # caching.deployment(): the code that rendered it
    content_type = models.CharField(max_length=100)
    # Text, not bytes: bytea travels as hex text (the map page's 33 KB read a third slower).
    body = models.TextField()
    etag = models.CharField(max_length=200)
    last_modified = models.CharField(max_length=40, blank=True)  # the header as rendered (an HTTP date)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Also the index of the lookup (caching.answer_get: key, language, deployment and the current generation).
            models.UniqueConstraint(
                fields=["key", "language", "generation", "deployment"], name="opendata_answer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} [{self.language}]"
