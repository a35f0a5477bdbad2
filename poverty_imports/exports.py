"""Export of the approved (master) poverty data of a region, in the import format.

Rows stream from the database into a CSV or XLSX file of the job; NIK and No. KK are
masked unless the user's role may see them in that village; cells a spreadsheet would
read as formulas are neutralised; every export is logged (who, when, which region, how
many rows — never the data). The columns are those of the import, so an exported file
imports back without changes.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

from django.core.files import File
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts import policy
from accounts.services import personal_data_access_log
from core.db_router import iterate_on_replica
from core.exports import safe_cell
from poverty_data.models import FamilyStatus, Member
from regions.identity import mask_number
from regions.models import within_q

from .indicators import indicator_parsers
from .reader import OPTIONAL, REQUIRED

BASE_COLUMNS = (*REQUIRED, *OPTIONAL)


def export_columns() -> tuple[str, ...]:
    return (*BASE_COLUMNS, *indicator_parsers())


RELATIONSHIP_WORDS = {
    "head": "Kepala Keluarga", "child": "Anak", "child_in_law": "Menantu", "grandchild": "Cucu",
    "parent": "Orang Tua", "other": "Lainnya",
}  # fmt: skip
PRESENCE_WORDS = {
    "here": "Ada", "died": "Meninggal", "moved": "Pindah", "abroad": "Pindah Luar Negeri", "new": "Baru",
    "not_found": "Tidak Ditemukan",
}  # fmt: skip


def export_rows(*, user: Any, region_code: str) -> Iterator[list[Any]]:
    """The members of active families in ``region_code`` that ``user`` may see, one list per row."""
    indicators = export_columns()[len(BASE_COLUMNS) :]
    members = (
        Member.objects.filter(within_q(region_code, "family__village_code"), family__status=FamilyStatus.ACTIVE)
        .filter(policy.scope_q(user, "family.export", region_field="family__village_code"))
        .order_by("family__village_code", "family__no_kk", "pk")
        .values_list(
            "family__no_kk", "nik", "name", "sex", "birth_date", "relationship", "family__village_code",
            "birth_place", "family__street", "family__dusun", "family__rt", "family__rw", "family__desil", "presence",
            *(f"family__{name}" for name in indicators),
        )
    )  # fmt: skip
    identity: dict[str, bool] = {}
    for values in members.iterator(chunk_size=2000):
        kk, nik, name, sex, birth, relationship, village, place, street, dusun, rt, rw, desil, presence = values[:14]
        if village not in identity:
            identity[village] = policy.can(user, "family.view_identity", village)
        full = identity[village]
        if relationship == "spouse":
            relation = "Istri" if sex == "P" else "Suami"
        else:
            relation = RELATIONSHIP_WORDS.get(relationship, "Lainnya")
        yield [
            kk if full else mask_number(kk), nik if full else mask_number(nik), name, sex,
            birth.strftime("%d-%m-%Y") if birth else "", relation, village, place, street, dusun, rt, rw,
            desil or "", PRESENCE_WORDS.get(presence, ""),
            *(("ya" if v else "tidak") if isinstance(v, bool) else v for v in values[14:]),
        ]  # fmt: skip


def export_write(
    *, user: Any, region_code: str, fmt: str, progress: Callable[[int], None] | None = None
) -> tuple[File, int]:
    """Write the export to a temporary file; returns the file (rewound) and the number of rows."""
    rows = 0
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Data")
        sheet.append(list(export_columns()))
        for row in iterate_on_replica(export_rows(user=user, region_code=region_code)):
            sheet.append([safe_cell(v) for v in row])
            rows += 1
            if progress and rows % 10_000 == 0:
                progress(rows)
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller
        workbook.save(handle)
    else:
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=True)
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow(export_columns())
        for row in iterate_on_replica(export_rows(user=user, region_code=region_code)):
            writer.writerow([safe_cell(v) for v in row])
            rows += 1
            if progress and rows % 10_000 == 0:
                progress(rows)
        text.flush()
        text.detach()
    handle.seek(0)
    personal_data_access_log(
        user=user, action="export", subject="poverty_members", object_id="", region_code=region_code, rows=rows
    )
    return File(handle), rows


def export_title(region_name: str) -> str:
    return _("Export of poverty data: %(region)s") % {"region": region_name}
