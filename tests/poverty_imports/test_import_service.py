"""import_run: a file becomes proposed changes in the village's draft submission, or nothing at all."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from poverty_data.models import ChangeKind, Family, Submission, SubmissionChange
from poverty_imports.models import ImportBatch, ImportIssue, ImportStatus
from poverty_imports.services import import_create, import_run, portal, proposals

CORPUS = Path(__file__).resolve().parent / "import_corpus"
HEADER = "no_kk,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,kode_desa,dusun,rt,rw,desil"


def batch_for(user, round_, content: bytes, *, name="daftar.csv", valid_only=False, village=None):
    upload = SimpleUploadedFile(name, content)
    return import_create(
        user=user, round=round_, upload=upload, file_name=name, valid_only=valid_only, village=village, start=False
    )


def run(user, round_, content: bytes, **kwargs) -> ImportBatch:
    batch = batch_for(user, round_, content, **kwargs)
    return import_run(batch=batch)


def test_a_clean_file_lands_as_a_new_family_in_the_draft(officer, pokja, open_round, region_tree):
    batch = run(officer, open_round, (CORPUS / "good.csv").read_bytes())
    assert batch.status == ImportStatus.IMPORTED, list(batch.issues.values_list("message", flat=True))
    assert (batch.rows_read, batch.rows_valid, batch.families_new, batch.changes_created) == (3, 3, 1, 1)
    submission = Submission.objects.get(round=open_round, village=region_tree.village)
    change = submission.changes.get()
    assert change.kind == ChangeKind.NEW_FAMILY
    assert change.payload["family"]["no_kk"] == "6501010101200001"
    assert [m["nik"] for m in change.payload["members"]] == ["6501011203850001", "6501014507880002", "6501012001150003"]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(officer, pokja, open_round, region_tree):
    content = (CORPUS / "good.csv").read_bytes()
    run(officer, open_round, content)
    submission = Submission.objects.get(round=open_round, village=region_tree.village)
    before = (list(submission.changes.values_list("pk", "payload")), submission.version)
    again = run(officer, open_round, content)
    submission.refresh_from_db()
    assert again.status == ImportStatus.IMPORTED and again.changes_created == 0
    assert (list(submission.changes.values_list("pk", "payload")), submission.version) == before


def test_an_existing_family_gets_field_corrections_with_old_and_new_values(
    officer, pokja, open_round, region_tree, families
):
    family = families[0]
    head, spouse = family.members.order_by("pk")
    rows = [
        f"{family.no_kk},{head.nik},{head.name} Baru,L,12-05-1990,Kepala Keluarga,{family.village_code},Dusun I,001,002,1",
        f"{family.no_kk},{spouse.nik},{spouse.name},P,12-05-1990,Istri,{family.village_code},Dusun I,001,002,1",
        f"{family.no_kk},6501011503150009,Anak Baru,L,15-03-2015,Anak,{family.village_code},Dusun I,001,002,1",
    ]
    batch = run(officer, open_round, ("\n".join([HEADER, *rows]) + "\n").encode())
    assert batch.status == ImportStatus.IMPORTED, list(batch.issues.values_list("message", flat=True))
    changes = {(c.kind, c.field): c for c in SubmissionChange.objects.all()}
    assert changes[(ChangeKind.FAMILY_FIELD, "desil")].old_value == 3
    assert changes[(ChangeKind.FAMILY_FIELD, "desil")].new_value == 1
    name = changes[(ChangeKind.MEMBER_FIELD, "name")]
    assert (name.old_value, name.new_value, name.member_id) == (head.name, f"{head.name} Baru", head.pk)
    assert changes[(ChangeKind.MEMBER_ADDED, "")].payload["nik"] == "6501011503150009"
    assert (batch.families_corrected, batch.members_added) == (1, 1)
    # Members missing from the file are not deactivated, and nothing reaches the master data.
    assert not SubmissionChange.objects.filter(kind=ChangeKind.FAMILY_DEACTIVATED).exists()
    family.refresh_from_db()
    assert family.desil == 3


@pytest.mark.parametrize(
    "name",
    ["duplicate_rows.csv", "nik_17_digits.csv", "nik_letters.csv", "formula_name.csv", "bad_date.csv",
     "empty_name.csv", "two_heads.csv", "nik_twice.csv", "unknown_village.csv", "header_only.csv",
     "missing_column.csv", "corrupt.xlsx", "nik_as_number.xlsx"],
)  # fmt: skip
def test_a_file_with_any_error_imports_nothing(officer, pokja, open_round, name):
    batch = run(officer, open_round, (CORPUS / name).read_bytes(), name=name)
    assert batch.status == ImportStatus.REFUSED
    assert batch.errors >= 1 or batch.file_error
    assert not SubmissionChange.objects.exists()


def test_the_checks_across_rows_name_the_first_row(officer, pokja, open_round):
    batch = run(officer, open_round, (CORPUS / "nik_twice.csv").read_bytes())
    assert list(ImportIssue.objects.filter(batch=batch).values_list("row", "column", "message")) == [
        (5, "nik", "NIK ini sudah muncul di baris 4.")
    ]
    batch = run(officer, open_round, (CORPUS / "duplicate_rows.csv").read_bytes())
    assert list(ImportIssue.objects.filter(batch=batch).values_list("row", "message")) == [
        (5, "Baris ini sama persis dengan baris 3.")
    ]
    batch = run(officer, open_round, (CORPUS / "two_heads.csv").read_bytes())
    assert (3, "Keluarga ini sudah memiliki kepala keluarga di baris 2.") in ImportIssue.objects.filter(
        batch=batch
    ).values_list("row", "message")


def test_valid_only_imports_the_good_families_and_returns_the_rest(officer, pokja, open_round, region_tree):
    good = (CORPUS / "good.csv").read_text().splitlines()
    other_family = [
        "6501010101200002,6501011203860004,Joko Widodo,L,12-03-1986,Kepala Keluarga,65.01.01.2005",
        "6501010101200002,65010145078,Rina,P,05-07-1988,Istri,65.01.01.2005",
    ]
    content = "\n".join([*good, *other_family]) + "\n"
    batch = run(officer, open_round, content.encode(), valid_only=True)
    assert batch.status == ImportStatus.IMPORTED
    assert (batch.rows_read, batch.rows_valid, batch.rows_rejected, batch.families_new) == (5, 3, 2, 1)
    left_out = ImportIssue.objects.get(batch=batch, row=5)
    assert "Ditinggalkan bersama keluarganya" in left_out.message
    from poverty_imports.services import rejected_rows_file

    content, extension = rejected_rows_file(batch)
    rejected = content.read().decode("utf-8-sig")
    assert extension == "csv"
    assert "Joko Widodo" in rejected and "Rina" in rejected and "Budi" not in rejected
    assert rejected.splitlines()[0].endswith(",alasan")


def test_valid_only_corrects_a_known_family_and_leaves_out_the_bad_ones_rows(
    officer, pokja, open_round, region_tree, families
):
    family, head = families[0], families[0].members.order_by("pk").first()
    code = family.village_code
    rows = [
        f"{family.no_kk},{head.nik},{head.name} Baru,L,12-05-1990,Kepala Keluarga,{code},Dusun I,001,002,1",
        f"{families[1].no_kk},65010145078,Rina,P,05-07-1988,Istri,{code},Dusun I,001,002,1",  # a bad NIK
        "6501010101200001,6501011203850001,Budi Santoso,L,12-03-1985,Kepala Keluarga," + code + ",,,,",
    ]
    batch = run(officer, open_round, ("\n".join([HEADER, *rows]) + "\n").encode(), valid_only=True)
    assert batch.status == ImportStatus.IMPORTED, list(batch.issues.values_list("message", flat=True))
    assert (batch.rows_valid, batch.families_new, batch.families_corrected) == (2, 1, 1)
    renamed = SubmissionChange.objects.get(kind=ChangeKind.MEMBER_FIELD, field="name")
    assert (renamed.member_id, renamed.new_value) == (head.pk, f"{head.name} Baru")
    assert not SubmissionChange.objects.filter(family=families[1]).exists()


def test_a_nik_present_in_another_village_blocks_the_file_whichever_way_the_portal_is_read(
    officer, pokja, open_round, other_families, portal_read
):
    taken = other_families[0].members.first().nik
    content = (CORPUS / "good.csv").read_text().replace("6501012001150003", taken)
    batch = run(officer, open_round, content.encode())
    assert batch.status == ImportStatus.REFUSED
    issue = ImportIssue.objects.get(batch=batch, column="nik", severity="error")
    assert issue.row == 4 and "65.03.01.2001" in issue.message


def test_an_officer_cannot_import_into_another_village(officer, pokja, open_round, region_tree):
    content = (CORPUS / "good.csv").read_text().replace("65.01.01.2005", region_tree.other_village.code)
    content = content.replace("650101", "650301")
    batch = run(officer, open_round, content.encode())
    assert batch.status == ImportStatus.REFUSED
    assert "berada di luar wilayah Anda" in ImportIssue.objects.filter(batch=batch).first().message


def test_kabupaten_staff_import_into_any_village_of_their_kabupaten(kabupaten_staff, open_round, region_tree):
    batch = run(kabupaten_staff, open_round, (CORPUS / "good.csv").read_bytes())
    assert batch.status == ImportStatus.IMPORTED


def test_a_submitted_village_takes_no_import(officer, pokja, open_round, region_tree):
    from poverty_data.services import submission_start

    submission = submission_start(user=officer, round=open_round, village=region_tree.village)
    Submission.objects.filter(pk=submission.pk).update(state="submitted")
    batch = run(officer, open_round, (CORPUS / "good.csv").read_bytes())
    assert batch.status == ImportStatus.REFUSED
    assert "hanya draf yang dapat menerima impor" in ImportIssue.objects.filter(batch=batch).first().message


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("besar.csv", b"x" * 2 * 1024 * 1024, "batasnya 1 MB"),
        ("gambar.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x00", "berisi data biner"),
        ("rahasia.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "dilindungi kata sandi"),
        ("kosong.csv", b"", "Berkas kosong."),
    ],
)
def test_an_upload_that_is_too_large_or_not_a_list_is_refused_before_storing(
    officer, pokja, open_round, settings, name, content, message
):
    from django.core.exceptions import ValidationError

    settings.IMPORT_MAX_MB = 1
    with pytest.raises(ValidationError) as info:
        batch_for(officer, open_round, content, name=name)
    assert message in " ".join(info.value.messages)
    assert not ImportBatch.objects.exists()


def test_indicator_columns_take_codes_or_labels_and_refuse_unknown_values(officer, pokja, open_round, families):
    family = families[0]
    head, spouse = family.members.order_by("pk")
    header = (
        "no_kk,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,kode_desa,floor_type,has_motorcycle,receives_pkh"
    )
    rows = [
        f"{family.no_kk},{head.nik},{head.name},L,12-05-1990,Kepala Keluarga,{family.village_code},Earth,ya,1",
        f"{family.no_kk},{spouse.nik},{spouse.name},P,12-05-1990,Istri,{family.village_code},earth,ya,1",
    ]
    batch = run(officer, open_round, ("\n".join([header, *rows]) + "\n").encode())
    assert batch.status == ImportStatus.IMPORTED, list(batch.issues.values_list("message", flat=True))
    proposed = dict(SubmissionChange.objects.filter(kind=ChangeKind.FAMILY_FIELD).values_list("field", "new_value"))
    assert proposed == {"floor_type": "earth", "has_motorcycle": True, "receives_pkh": True}

    bad = [
        r.replace(",Earth,ya,1", ",Marmer Emas,mungkin,1").replace(",earth,ya,1", ",Marmer Emas,mungkin,1")
        for r in rows
    ]
    refused = run(officer, open_round, ("\n".join([header, *bad]) + "\n").encode())
    messages = dict(ImportIssue.objects.filter(batch=refused, row=2).values_list("column", "message"))
    assert refused.status == ImportStatus.REFUSED
    assert "“Marmer Emas” bukan salah satu nilainya" in messages["floor_type"]
    assert "“mungkin” bukan ya atau tidak" in messages["has_motorcycle"]


def test_the_report_and_the_rejected_rows_neutralise_cells_a_spreadsheet_would_run_as_formulas(
    officer, pokja, open_round, region_tree
):
    from poverty_imports.services import rejected_rows_file, report_lines

    content = (
        b"no_kk,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,kode_desa,alamat\n"
        b"6501010101200001,6501011203850001,Budi,L,12-03-1985,Kepala Keluarga,=1+1,@SUM(A1)\n"
    )
    batch = run(officer, open_round, content, valid_only=True)
    report = list(csv.reader(io.StringIO("".join(report_lines(batch)).lstrip("\ufeff"))))
    rejected = list(csv.reader(io.StringIO(rejected_rows_file(batch)[0].read().decode("utf-8-sig"))))
    cells = [cell for line in report[1:] + rejected[1:] for cell in line]
    assert any(cell.startswith("'=1+1") for cell in cells), cells  # the message quoting the code
    assert "'@SUM(A1)" in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))], cells


def test_the_rejected_rows_of_an_xlsx_upload_come_back_as_xlsx_with_text_cells(officer, pokja, open_round, region_tree):
    from poverty_imports.services import rejected_rows_file

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["no_kk", "nik", "nama", "jenis_kelamin", "tanggal_lahir", "hubungan_keluarga", "kode_desa", "alamat"])
    sheet.append(
        ["6501010101200001", "6501011203850001", "Budi", "L", "12-03-1985", "Kepala Keluarga", "65.99", "@SUM(A1)"]
    )
    upload = io.BytesIO()
    workbook.save(upload)
    batch = run(officer, open_round, upload.getvalue(), name="daftar.xlsx", valid_only=True)
    content, extension = rejected_rows_file(batch)
    assert extension == "xlsx"
    rows = list(load_workbook(content).active.iter_rows(values_only=False))
    header, row = [c.value for c in rows[0]], rows[1]
    assert header[-1] == "alasan"
    cells = dict(zip(header, row, strict=True))
    # All 16 digits kept, as text in a text-formatted cell (Excel would round a number to 15 digits).
    assert cells["nik"].value == "6501011203850001" and cells["nik"].data_type == "s"
    assert cells["nik"].number_format == "@" and cells["no_kk"].value == "6501010101200001"
    # Formula neutralising kept.
    assert cells["alamat"].value == "'@SUM(A1)"


@pytest.mark.parametrize("families_at_a_time", [20_000, 1], ids=["compared at once", "one family at a time"])
def test_a_file_of_known_and_new_families_proposes_each_even_when_the_portal_holds_a_card_twice(
    officer, pokja, open_round, region_tree, families, families_at_a_time, monkeypatch
):
    monkeypatch.setattr(proposals, "CORRECTION_FAMILIES", families_at_a_time)
    family = families[0]
    Family.objects.filter(pk=families[1].pk).update(no_kk=family.no_kk)  # the same card on two active families
    head = family.members.order_by("pk").first()
    code = family.village_code
    rows = [
        "6501010101200001,6501011203850001,Budi Baru,L,12-03-1985,Kepala Keluarga," + code + ",Dusun I,001,002,2",
        f"{family.no_kk},{head.nik},{head.name} Baru,L,12-05-1990,Kepala Keluarga,{code},Dusun I,001,002,3",
        "6501010101200001,6501014507880002,Sri Baru,P,05-07-1988,Istri," + code + ",Dusun I,001,002,2",
    ]
    batch = run(officer, open_round, ("\n".join([HEADER, *rows]) + "\n").encode())

    assert batch.status == ImportStatus.IMPORTED, list(batch.issues.values_list("message", flat=True))
    new = SubmissionChange.objects.get(kind=ChangeKind.NEW_FAMILY)
    assert [m["nik"] for m in new.payload["members"]] == ["6501011203850001", "6501014507880002"]
    renamed = SubmissionChange.objects.get(kind=ChangeKind.MEMBER_FIELD, field="name")
    assert (renamed.member_id, renamed.new_value) == (head.pk, f"{head.name} Baru")
    assert (batch.families_new, batch.families_corrected, batch.members_added) == (1, 1, 1)
    assert batch.changes_created == SubmissionChange.objects.count()


@pytest.fixture(params=[True, False], ids=["portal read whole", "file's numbers sent to the portal"])
def portal_read(request, monkeypatch):
    """The checks against the portal either read the portal's rows whole or send the file's numbers."""
    monkeypatch.setattr(portal, "_fewer_rows", lambda cursor, table, than: request.param)
    return request.param


def test_a_known_family_is_corrected_whichever_way_the_portal_is_read(
    officer, pokja, open_round, region_tree, families, portal_read
):
    family = families[0]
    head = family.members.order_by("pk").first()
    row = f"{family.no_kk},{head.nik},{head.name} Baru,L,12-05-1990,Kepala Keluarga,{family.village_code},Dusun I,001,002,1"
    batch = run(officer, open_round, f"{HEADER}\n{row}\n".encode())
    assert batch.status == ImportStatus.IMPORTED, list(batch.issues.values_list("message", flat=True))
    assert (batch.families_new, batch.families_corrected) == (0, 1)
    renamed = SubmissionChange.objects.get(kind=ChangeKind.MEMBER_FIELD, field="name")
    assert (renamed.member_id, renamed.new_value) == (head.pk, f"{head.name} Baru")


def test_a_family_listed_in_two_villages_is_refused_naming_the_first(kabupaten_staff, open_round, region_tree):
    content = (
        (CORPUS / "good.csv").read_text().replace("Anak,65.01.01.2005", f"Anak,{region_tree.village_same_kab.code}")
    )
    batch = run(kabupaten_staff, open_round, content.encode())
    assert batch.status == ImportStatus.REFUSED
    issue = ImportIssue.objects.get(batch=batch, column="kode_desa", severity="error")
    assert issue.row == 4 and "…0001" in issue.message and "65.01.01.2005" in issue.message


def test_a_family_registered_in_another_village_is_not_moved_by_an_import(
    kabupaten_staff, open_round, region_tree, families
):
    family, head = families[0], families[0].members.order_by("pk").first()
    elsewhere = region_tree.village_same_kab.code
    row = f"{family.no_kk},{head.nik},{head.name},L,12-05-1990,Kepala Keluarga,{elsewhere}"
    batch = run(kabupaten_staff, open_round, f"{HEADER.rsplit(',kode_desa', 1)[0]},kode_desa\n{row}\n".encode())
    assert batch.status == ImportStatus.REFUSED
    issue = ImportIssue.objects.get(batch=batch, column="kode_desa", severity="error")
    assert family.village_code in issue.message and "tidak dilakukan lewat impor" in issue.message
