"""Running `casebridge backup` and `restore` as an operator does, in a process of their own, on
a database and the files beside it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT_FILE = "20230331T120000000000Z/manifest.json"
UPLOAD = "batch-7.csv"


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


def files_beside(directory: Path) -> Path:
    """A snapshot's manifest and an upload waiting to be imported, as the storages keep them."""
    (directory / "snapshots" / SNAPSHOT_FILE).parent.mkdir(parents=True)
    (directory / "snapshots" / SNAPSHOT_FILE).write_text('{"rows": {}}')
    (directory / "imports").mkdir()
    (directory / "imports" / UPLOAD).write_bytes(b"crime_reference\n01/1/22\n")
    return directory
