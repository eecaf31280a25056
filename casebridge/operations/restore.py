"""Restoring a backup (backup.py) into an empty database, then checking it: every table has the
rows the manifest counted, the audit chain verifies, and its head is the one backed up.

A database that holds any table is refused unless the caller says to replace it: a restore
aimed at the wrong database must not overwrite the records there. PostgreSQL's dump is restored
by ``pg_restore`` in one transaction (all of it or nothing), owned by whoever restores it;
SQLite's copy by SQLite's backup API. The files go back into their storages under their names.
"""

import json
import sqlite3
import subprocess  # nosec B404  # pg_dump and pg_restore, no shell
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.storage import storages
from django.db import connection

from casebridge.audit.models import ChainHead
from casebridge.audit.verification import ChainReport, verify_chain
from casebridge.core.errors import ApplicationError
from casebridge.operations.backup import (
    DUMPS,
    MANIFEST,
    postgresql_arguments,
    postgresql_tool,
    table_counts,
)


@dataclass(frozen=True)
class Restored:
    manifest: dict[str, Any]
    chain: ChainReport
    # Each table whose rows differ from the manifest's count: (table, counted, found).
    differences: list[tuple[str, int, int]] = field(default_factory=list)
    head_matches: bool = True

    @property
    def verified(self) -> bool:
        return self.chain.intact and not self.differences and self.head_matches


def read_manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive) as opened:
        member = opened.extractfile(MANIFEST)
        if member is None:
            raise ApplicationError(f"{archive} is not a Casebridge backup: it has no manifest.")
        manifest: dict[str, Any] = json.load(member)
        return manifest


def backup_restore(*, archive: Path, replace: bool = False) -> Restored:
    """Restore the archive into Django's database and its storages, then verify it."""
    manifest = read_manifest(archive)
    if manifest["database"] != connection.vendor:
        raise ApplicationError(
            f"The backup is of a {manifest['database']} database; this one is {connection.vendor}."
        )
    held = connection.introspection.table_names()
    if held and not replace:
        raise ApplicationError(
            f"The database {connection.settings_dict['NAME']} holds {len(held)} tables: restore "
            "into an empty database, or say to replace what it holds (--replace)."
        )
    with (
        tempfile.TemporaryDirectory(prefix="casebridge-restore-") as scratch,
        tarfile.open(archive) as opened,
    ):
        dump_name = DUMPS[manifest["database"]]
        opened.extract(dump_name, path=scratch, filter="data")
        dump = Path(scratch) / dump_name
        if connection.vendor == "postgresql":
            _restore_postgresql(dump, replace=replace)
        else:
            _restore_sqlite(dump)
        _restore_files(opened, manifest)
    connection.close()  # what Django knew of the database before is stale
    return _verify(manifest)


def _restore_postgresql(dump: Path, *, replace: bool) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        (server_version,) = cursor.fetchone()
    connection.close()
    arguments, environment = postgresql_arguments()
    subprocess.run(  # noqa: S603  # nosec B603  # pg_restore, no shell, its arguments ours
        [
            postgresql_tool("pg_restore", server_version),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            *(["--clean", "--if-exists"] if replace else []),
            *arguments,
            str(dump),
        ],
        env=environment,
        check=True,
    )


def _restore_sqlite(copy: Path) -> None:
    connection.ensure_connection()
    with closing(sqlite3.connect(copy)) as source:
        source.backup(connection.connection)


def _restore_files(opened: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    for name, files in manifest["files"].items():
        storage = storages[name]
        for file_name in files:
            content = opened.extractfile(f"files/{name}/{file_name}")
            if content is None:
                raise ApplicationError(f"The backup lacks {name}'s file {file_name}.")
            storage.delete(file_name)  # saved under its own name, not beside an old one
            storage.save(file_name, content)


def _verify(manifest: dict[str, Any]) -> Restored:
    found = table_counts()
    differences = [
        (table, counted, found.get(table, -1))
        for table, counted in manifest["tables"].items()
        if found.get(table, -1) != counted
    ]
    head = ChainHead.objects.get(pk=1)
    backed_up = manifest["audit_head"]
    return Restored(
        manifest,
        verify_chain(),
        differences,
        head.last_sequence == backed_up["sequence"] and head.last_hash == backed_up["entry_hash"],
    )
