"""Loading checked rows into the staging table: COPY on PostgreSQL, batched inserts elsewhere.

Both paths write the same rows; everything after the load (the checks across rows and
against the existing data) is the same SQL on both databases, so reports are identical.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from django.db import connection

from .models import StagedRow
from .validation import MemberRecord

COLUMNS = (
    "batch_id", "row", "valid", "no_kk", "nik", "name", "sex", "birth_date", "relationship", "village_code",
    "birth_place", "address", "dusun", "rt", "rw", "desil", "presence", "extra", "digest",
)  # fmt: skip
BATCH = 5000


def digest_of(record: MemberRecord) -> str:
    """A fingerprint of the whole row, to find rows that repeat another exactly."""
    text = "\x1f".join(
        str(x)
        for x in (record.no_kk, record.nik, record.name, record.sex, record.birth_date, record.relationship,
                  record.village_code, record.birth_place, record.address, record.dusun, record.rt, record.rw,
                  record.desil, record.presence, sorted(record.extra.items()))
    )  # fmt: skip
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def _values(batch_id: int, r: MemberRecord) -> tuple:
    return (
        batch_id, r.row, True, r.no_kk, r.nik, r.name, r.sex, r.birth_date, r.relationship, r.village_code,
        r.birth_place, r.address, r.dusun, r.rt, r.rw, r.desil, r.presence, r.extra, digest_of(r),
    )  # fmt: skip


class Stager:
    """Collects records and writes them in batches; ``fast`` uses COPY (PostgreSQL only)."""

    def __init__(self, batch_id: int, *, fast: bool | None = None) -> None:
        self.batch_id = batch_id
        self.fast = connection.vendor == "postgresql" if fast is None else fast
        if self.fast and connection.vendor != "postgresql":
            raise ValueError("COPY needs PostgreSQL")
        self.pending: list[MemberRecord] = []
        self.written = 0

    def add(self, record: MemberRecord) -> None:
        self.pending.append(record)
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        if self.fast:
            self._copy(self.pending)
        else:
            StagedRow.objects.bulk_create(
                [StagedRow(**dict(zip(COLUMNS, _values(self.batch_id, r), strict=True))) for r in self.pending],
                batch_size=1000,
            )
        self.written += len(self.pending)
        self.pending = []

    def _copy(self, records: Iterable[MemberRecord]) -> None:
        table = StagedRow._meta.db_table
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for r in records:
                    values = list(_values(self.batch_id, r))
                    values[17] = json.dumps(values[17])
                    copy.write_row(values)
