"""The portal's own bookkeeping tables."""

from __future__ import annotations

from django.db import models


class DataGeneration(models.Model):
    """A counter that goes up after every committed change to the portal's data.

    Cached pages (``kaltara_portal.pagecache``) are stored under the generation they were rendered
    at; once anything is written, the next request reads a higher number and renders afresh. One
    row, read with one indexed query per cached page view, on the primary database.
    """

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "data generation"

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
