from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.factories import UserFactory
from tests.imports.factories import analyst, offence, offences_csv, police

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, content: bytes, name: str = "offences.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_import_prints_the_batch_summary_and_the_rejected_rows(tmp_path, capsys):
    user, supplier = analyst(), police()
    path = write(tmp_path, offences_csv(offence("01/1/22"), offence("01/2/22", victim_sex="X")))
    args = ["--kind", "police-offences", "--supplied-by", supplier.code, "--as", user.username]
    call_command("import", *args, str(path))
    out = capsys.readouterr().out
    assert "2 rows read, 1 loaded, 0 updated, 0 unchanged (loaded before), 1 rejected" in out
    assert "line 3: victim_sex: 'X' is not F or M" in out
    assert path.exists(), "the command never deletes the analyst's own file"


def test_import_of_an_unreadable_file_fails_with_the_reason(tmp_path):
    user, supplier = analyst(), police()
    path = write(tmp_path, "caf\u00e9,x\n".encode("cp1252"))
    args = ["--kind", "police-offences", "--supplied-by", supplier.code, "--as", user.username]
    with pytest.raises(CommandError, match=r"not loaded\. Line 1: the file is not UTF-8"):
        call_command("import", *args, str(path))


def test_import_as_someone_who_may_not_import_is_refused(tmp_path):
    user = UserFactory()
    path = write(tmp_path, offences_csv(offence()))
    args = ["--kind", "police-offences", "--supplied-by", police().code, "--as", user.username]
    with pytest.raises(CommandError, match="may not import partner data"):
        call_command("import", *args, str(path))


def test_data_formats_writes_the_documentation(tmp_path):
    out = tmp_path / "formats.md"
    call_command("data_formats", "--out", str(out))
    assert out.read_text().startswith("# Partner data formats")


def test_import_of_a_hostile_file_says_which_limit_it_passed(tmp_path):
    from tests.imports.hostile_files import many_columns_csv

    user, supplier = analyst(), police()
    path = many_columns_csv(tmp_path / "offences.csv")
    args = ["--kind", "police-offences", "--supplied-by", supplier.code, "--as", user.username]
    with pytest.raises(CommandError, match=r"not loaded\. Line 1: the first line is over 12,600"):
        call_command("import", *args, str(path))
