"""Export of approved data: masking, formula safety, and a round trip that changes nothing."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from poverty_data.models import SubmissionChange
from poverty_imports.exports import export_rows, export_write
from poverty_imports.models import ImportStatus
from poverty_imports.services import import_create, import_run


def test_exporting_then_importing_the_same_data_changes_nothing(officer, pokja, open_round, families):
    from django.core.files.uploadedfile import SimpleUploadedFile

    handle, rows = export_write(user=officer, region_code="65.01.01.2005", fmt="csv")
    assert rows == 6
    upload = SimpleUploadedFile("ekspor.csv", handle.read())
    batch = import_create(user=officer, round=open_round, upload=upload, file_name="ekspor.csv", start=False)
    batch = import_run(batch=batch)
    assert batch.status == ImportStatus.IMPORTED, list(batch.issues.values_list("message", flat=True))
    assert (batch.rows_valid, batch.changes_created) == (6, 0)
    assert not SubmissionChange.objects.exists()


def test_staff_without_the_identity_right_get_masked_numbers(province_staff, families):
    rows = list(export_rows(user=province_staff, region_code="65"))
    assert rows and all("******" in row[0] and "******" in row[1] for row in rows)


def test_the_village_officer_gets_full_numbers(officer, pokja, families):
    rows = list(export_rows(user=officer, region_code="65.01.01.2005"))
    assert rows and all(len(row[1]) == 16 and row[1].isdigit() for row in rows)


def test_an_officer_gets_nothing_from_another_village(officer, other_families):
    assert list(export_rows(user=officer, region_code="65")) == []


def test_xlsx_export_neutralises_formulas(officer, pokja, families):
    from poverty_data.models import Member

    Member.objects.filter(pk=families[0].members.first().pk).update(name='=HYPERLINK("http://x")')
    handle, rows = export_write(user=officer, region_code="65.01.01.2005", fmt="xlsx")
    sheet = load_workbook(io.BytesIO(handle.read())).active
    names = [r[2] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x")' in names
