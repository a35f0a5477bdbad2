"""Writes to the region tree: the import of the official Kemendagri list."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from .models import CODE_RE, Region, kind_of, level_of, parent_code_of

MAX_ERRORS_LISTED = 200


class RegionImportError(Exception):
    """The file was refused; ``errors`` names each bad line. Nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class RegionRow:
    line: int
    code: str
    name: str


@dataclass
class LevelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class RegionImportResult:
    counts: dict[int, LevelCounts] = field(default_factory=lambda: defaultdict(LevelCounts))

    @property
    def total(self) -> int:
        return sum(c.created + c.updated + c.unchanged for c in self.counts.values())

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values())


def regions_parse_csv(stream: BinaryIO) -> list[RegionRow]:
    """Read ``kode,nama`` rows (extra columns ignored; UTF-8 with or without BOM).

    Raises RegionImportError naming every malformed line, duplicate code and missing column.
    """
    raw = stream.read()
    if not raw.strip():
        raise RegionImportError([_("The file is empty.")])
    if b"\x00" in raw:
        raise RegionImportError([_("The file is not a CSV text file.")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RegionImportError(
            [
                _("The file is not UTF-8 text (first wrong byte on line %(line)d); save it as CSV UTF-8.")
                % {"line": line}
            ]
        ) from None

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise RegionImportError([_("The file is empty.")]) from None
    columns = [h.strip().lower() for h in header]
    missing = [c for c in ("kode", "nama") if c not in columns]
    if missing:
        raise RegionImportError(
            [
                _("Line 1: the header lacks the column(s) %(columns)s; expected kode,nama.")
                % {"columns": ", ".join(missing)}
            ]
        )
    code_at, name_at = columns.index("kode"), columns.index("nama")

    rows: list[RegionRow] = []
    errors: list[str] = []
    first_line: dict[str, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) <= max(code_at, name_at):
                errors.append(_("Line %(line)d: too few columns.") % {"line": line})
                continue
            code, name = record[code_at].strip(), record[name_at].strip()
            if not CODE_RE.match(code):
                errors.append(
                    _("Line %(line)d: the code “%(code)s” is not a Kemendagri region code.")
                    % {"line": line, "code": code[:30]}
                )
                continue
            if not name:
                errors.append(_("Line %(line)d: the region %(code)s has no name.") % {"line": line, "code": code})
                continue
            if len(name) > Region._meta.get_field("name").max_length:
                errors.append(_("Line %(line)d: the name of %(code)s is too long.") % {"line": line, "code": code})
                continue
            if code in first_line:
                errors.append(
                    _("Line %(line)d: the code %(code)s appears again (first on line %(first)d).")
                    % {"line": line, "code": code, "first": first_line[code]}
                )
                continue
            first_line[code] = line
            rows.append(RegionRow(line=line, code=code, name=name))
    except csv.Error as exc:
        errors.append(_("Line %(line)d: the CSV is malformed (%(detail)s).") % {"line": reader.line_num, "detail": exc})
    if not rows and not errors:
        errors.append(_("The file has a header but no regions."))
    if errors:
        raise RegionImportError(errors[:MAX_ERRORS_LISTED] + _more(errors))
    return rows


def _more(errors: list[str]) -> list[str]:
    extra = len(errors) - MAX_ERRORS_LISTED
    return [_("… and %(count)d more errors.") % {"count": extra}] if extra > 0 else []


@transaction.atomic
def regions_import(*, rows: list[RegionRow]) -> RegionImportResult:
    """Create or rename regions from parsed rows; all or nothing.

    Idempotent: a second import of the same rows changes nothing. A row whose parent is
    neither in the file nor already in the portal is an orphan, and the whole file is refused.
    """
    existing: dict[str, tuple[int, str]] = {
        code: (pk, name) for code, pk, name in Region.objects.values_list("code", "pk", "name")
    }
    in_file = {row.code for row in rows}
    orphans = [
        _("Line %(line)d: the region %(code)s has no parent %(parent)s in the file or in the portal.")
        % {"line": row.line, "code": row.code, "parent": parent_code_of(row.code)}
        for row in rows
        if (parent := parent_code_of(row.code)) and parent not in in_file and parent not in existing
    ]
    if orphans:
        raise RegionImportError(orphans[:MAX_ERRORS_LISTED] + _more(orphans))

    result = RegionImportResult()
    ids = {code: pk for code, (pk, _name) in existing.items()}
    by_level: dict[int, list[RegionRow]] = defaultdict(list)
    for row in rows:
        by_level[level_of(row.code)].append(row)

    for level in sorted(by_level):
        counts = result.counts[level]
        to_create: list[Region] = []
        to_rename: list[Region] = []
        for row in by_level[level]:
            if row.code in existing:
                pk, old_name = existing[row.code]
                if old_name == row.name:
                    counts.unchanged += 1
                else:
                    to_rename.append(Region(pk=pk, name=row.name))
                    counts.updated += 1
            else:
                parent = parent_code_of(row.code)
                to_create.append(
                    Region(
                        code=row.code,
                        name=row.name,
                        level=level,
                        kind=kind_of(row.code),
                        parent_id=ids[parent] if parent else None,
                    )
                )
        created = Region.objects.bulk_create(to_create, batch_size=2000)
        counts.created += len(created)
        for region in created:
            ids[region.code] = region.pk
        if any(region.pk is None for region in created):  # a backend that returns no ids
            ids.update(Region.objects.filter(level=level).values_list("code", "pk"))
        Region.objects.bulk_update(to_rename, ["name"], batch_size=2000)
    return result
