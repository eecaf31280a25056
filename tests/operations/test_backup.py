"""`casebridge backup` and `casebridge restore`, run as an operator runs them: a database that
holds tables is refused; a restore that does not match its manifest fails. (The borough restored
and verified: test_backup_of_the_borough.py.)"""

import io
import json
import tarfile

import pytest

from tests.operations.backups import casebridge, files_beside

pytestmark = pytest.mark.django_db


def test_a_database_that_holds_tables_is_refused(migrated_copy, tmp_path):
    archive = tmp_path / "migrated.tar"
    files = files_beside(tmp_path / "files")
    assert casebridge("backup", str(archive), database=migrated_copy, files=files).returncode == 0
    refused = casebridge("restore", str(archive), database=migrated_copy, files=files)
    assert refused.returncode != 0
    assert "tables: restore into an empty database" in refused.stderr


def test_a_restore_that_does_not_match_its_manifest_fails(migrated_copy, empty_database, tmp_path):
    archive = tmp_path / "migrated.tar"
    files = files_beside(tmp_path / "files")
    assert casebridge("backup", str(archive), database=migrated_copy, files=files).returncode == 0
    claimed = tmp_path / "claimed.tar"
    with tarfile.open(archive) as opened, tarfile.open(claimed, "w") as rewritten:
        for member in opened.getmembers():
            content = opened.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(content)
                manifest["tables"]["agencies_role"] += 1  # a row the dump does not hold
                content = json.dumps(manifest).encode()
                member.size = len(content)
            rewritten.addfile(member, io.BytesIO(content))
    failed = casebridge("restore", str(claimed), database=empty_database, files=tmp_path / "t")
    assert failed.returncode != 0
    rows = manifest["tables"]["agencies_role"]
    assert f"agencies_role: {rows:,} rows backed up, {rows - 1:,} restored" in failed.stderr
