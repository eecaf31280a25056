"""The tiny demo borough backed up and restored into an empty database, verified. Apart from the
other backup tests (test_backup.py): a module's tests use the borough or none do."""

import json
import tarfile

import pytest

from tests.operations.backups import SNAPSHOT_FILE, UPLOAD, casebridge, files_beside

pytestmark = pytest.mark.django_db


def test_the_borough_backed_up_is_restored_into_an_empty_database_and_verified(
    borough_copy, empty_database, tmp_path
):
    source = files_beside(tmp_path / "source")
    archive = tmp_path / "borough.tar"
    made = casebridge("backup", str(archive), database=borough_copy, files=source)
    assert made.returncode == 0, made.stderr
    assert "Backed up" in made.stdout and "2 files" in made.stdout
    restored = casebridge(
        "restore", str(archive), database=empty_database, files=tmp_path / "target"
    )
    assert restored.returncode == 0, restored.stderr
    assert "Restored and verified" in restored.stdout
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    assert manifest["tables"]["people_person"] > 0 and manifest["audit_head"]["sequence"] > 0
    for name in (f"snapshots/{SNAPSHOT_FILE}", f"imports/{UPLOAD}"):
        assert (tmp_path / "target" / name).read_bytes() == (source / name).read_bytes()
    verified = casebridge("verify-audit", database=empty_database, files=tmp_path / "target")
    assert "Audit chain intact" in verified.stdout
