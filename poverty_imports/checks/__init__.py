"""Every check of an imported poverty list, as polars expressions over the whole file.

``read_frames`` (``reader``) turns a CSV or XLSX into text frames; ``check_rows`` computes, for
every row at once, the clean values (``MemberRecord``'s fields) and the row's issues, with the
messages the import has always given, in the same order within a row:

- the No. KK and the NIK: 16 digits, a known kecamatan of the village's province (a code from
  elsewhere is a warning), a date DDMMYY in the NIK that agrees with the birth date and the sex,
  a serial other than 0000;
- the name, sex, birth date, relationship, presence, decile, RT/RW, village code (known, in the
  uploader's area, the import's own village) and the family's indicator columns;

``check_across`` then looks at the valid rows together (a row repeated, a NIK twice, two heads, a
family in two villages, a family without a head), and against what the portal holds, read once
from PostgreSQL (``Portal``): a NIK present in another active family, a family card registered in
another village, a village whose submission is past draft. ``leave_out_bad_families`` is the
"valid rows only" import's rule. Each step returns its issues as a frame (row, column, severity,
message) and updates the ``valid`` column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from ..reader import ImportFileError
from .across import Portal, check_across, check_against_portal, leave_out_bad_families, valid_rows
from .rows import check_rows
from .values import COMPACT, ERROR, WARNING, Rules, word

__all__ = [
    "COMPACT",
    "ERROR",
    "WARNING",
    "Checked",
    "Portal",
    "Rules",
    "check_across",
    "check_against_portal",
    "check_frames",
    "check_rows",
    "leave_out_bad_families",
    "valid_rows",
    "word",
]


@dataclass
class Checked:
    """A file's rows checked one by one: ``rows`` (clean values and ``valid``), or the file's error."""

    rows: pl.DataFrame | None
    rows_read: int = 0
    file_error: str = ""


def check_frames(
    frames: Iterable[pl.DataFrame],
    source: Any,
    rules: Rules,
    *,
    on_batch: Callable[[pl.DataFrame], None],
    progress: Callable[[int], None] | None = None,
) -> Checked:
    """Check each batch of text rows as it is read; its issues go to ``on_batch``, its clean rows are kept.

    Only the clean columns of a batch are kept, so memory grows with the valid rows, not with the file's text.
    """
    kept: list[pl.DataFrame] = []
    read = 0
    try:
        for frame in frames:
            if not frame.height:
                continue
            numbers = getattr(source, "numbers", None)
            rows, issues = check_rows(frame, tuple(source.columns), rules, numbers)
            read += frame.height
            kept.append(rows)
            on_batch(issues)
            if progress is not None:
                progress(read)
    except ImportFileError as exc:
        return Checked(rows=None, rows_read=read, file_error=exc.message)
    if not read:
        return Checked(rows=None, file_error=_("The file has a header but no rows."))
    return Checked(rows=pl.concat(kept, how="diagonal_relaxed") if len(kept) > 1 else kept[0], rows_read=read)
