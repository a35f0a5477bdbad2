"""python manage.py import_families: exit 0 imported, 1 refused, 2 usage error."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from poverty_data.models import SubmissionChange

CORPUS = Path(__file__).resolve().parent / "import_corpus"


def test_it_imports_a_clean_file_and_says_what_landed(open_round, region_tree):
    out = io.StringIO()
    call_command("import_families", str(CORPUS / "good.csv"), "--round", str(open_round.pk), stdout=out)
    assert "3 baris dibaca, 3 diimpor, 0 kesalahan" in out.getvalue()
    assert "1 keluarga baru" in out.getvalue()
    assert SubmissionChange.objects.count() == 1


def test_a_refused_file_exits_1_with_the_error_count_and_writes_the_report(open_round, region_tree, tmp_path):
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_families", str(CORPUS / "nik_twice.csv"), "--round", open_round.name,
                     "--report", str(tmp_path / "laporan.csv"), stdout=io.StringIO(), stderr=err)  # fmt: skip
    assert exit_info.value.code == 1
    assert "1 kesalahan" in err.getvalue() and str(tmp_path / "laporan.csv") in err.getvalue()
    assert "NIK ini sudah muncul di baris 4." in (tmp_path / "laporan.csv").read_text(encoding="utf-8-sig")
    assert not SubmissionChange.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tidak-ada.csv", "--round", "1"], "Tidak ada berkas"),
        (["good.csv", "--round", "999"], "Tidak ada periode"),
        (["good.csv", "--round", "1", "--village", "65.99.99.9999"], "bukan kode desa yang dikenal"),
    ],
)
def test_usage_errors_exit_2(open_round, region_tree, args, message):
    args = [str(CORPUS / args[0]) if i == 0 else a for i, a in enumerate(args)]
    args = [str(open_round.pk) if a == "1" else a for a in args]
    with pytest.raises(CommandError) as info:
        call_command("import_families", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert info.value.returncode == 2 and message in str(info.value)
