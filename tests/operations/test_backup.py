"""`casebridge backup` and `casebridge restore`, run as an operator runs them: the database and
its files into one archive, restored into an empty database and verified; a database that
holds tables is refused; a restore that does not match its manifest fails."""

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.db import connection

from tests.bench.conftest import _drop, _scratch_name

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT_FILE = "20230331T120000000000Z/manifest.json"
UPLOAD = "batch-7.csv"

pytestmark = pytest.mark.django_db


def casebridge(*arguments: str, database: str, files: Path) -> subprocess.CompletedProcess:
    """The command, in a process of its own, on that database and the files under ``files``."""
    environment = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
        },
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "casebridge.config.settings.local",
        "CASEBRIDGE_SNAPSHOT_DIR": str(files / "snapshots"),
        "CASEBRIDGE_IMPORT_DIR": str(files / "imports"),
    }
    return subprocess.run(  # noqa: S603  (our own command)
        [sys.executable, "-m", "casebridge", *arguments, "--skip-checks"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def empty_database(tmp_path):
    """The URL of an empty database of the run's kind, the test's own."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = _scratch_name("restore")
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    settings = connection.settings_dict
    yield f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{name}"
    _drop(name)


def files_beside(directory: Path) -> Path:
    """A snapshot's manifest and an upload waiting to be imported, as the storages keep them."""
    (directory / "snapshots" / SNAPSHOT_FILE).parent.mkdir(parents=True)
    (directory / "snapshots" / SNAPSHOT_FILE).write_text('{"rows": {}}')
    (directory / "imports").mkdir()
    (directory / "imports" / UPLOAD).write_bytes(b"crime_reference\n01/1/22\n")
    return directory


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
