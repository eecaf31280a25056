"""Backups: the database and the files beside it (snapshots, uploaded extracts) in one archive,
with a manifest saying what a restore must find (casebridge/operations/restore.py).

The database is copied by its own tools, consistent at one moment: PostgreSQL's ``pg_dump`` in
its custom format, run in a snapshot exported by a transaction that counts every table and reads
the audit chain's head meanwhile, so the counts and the head are the dump's own; SQLite's
backup API, the counts and the head then read from the copy. ``pg_dump`` is taken from the
server's own major version where it is installed (``/usr/lib/postgresql/N/bin``): an older one
refuses a newer server.

The archive is a tar of ``manifest.json``, the database (``database.dump`` or
``database.sqlite3``) and ``files/<storage>/<name>``; it is written under a temporary name and
renamed when whole.
"""

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump and pg_restore, no shell
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.storage import Storage, storages
from django.db import connection, transaction
from django.utils import timezone

from casebridge.core.errors import ApplicationError

MANIFEST = "manifest.json"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# The files kept outside the database that a restore must bring back. (The audit chain's
# anchors are not among them: they are kept apart from the database on purpose.)
BACKED_UP_STORAGES = ("snapshots", "imports")
FORMAT = 1


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict[str, Any]

    @property
    def rows(self) -> int:
        return sum(self.manifest["tables"].values())


def backup_create(*, destination: Path) -> Backup:
    """Write a backup of the database and its files to ``destination``."""
    destination = destination.resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".backup-") as scratch:
        dump = Path(scratch) / DUMPS[connection.vendor]
        if connection.vendor == "postgresql":
            tables, head, server = _dump_postgresql(dump)
        else:
            tables, head, server = _copy_sqlite(dump)
        files = {name: list(_stored_files(storages[name])) for name in BACKED_UP_STORAGES}
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "server_version": server,
            "tables": tables,
            "audit_head": head,
            "files": files,
        }
        partial = destination.with_name(f".{destination.name}.partial")
        with tarfile.open(partial, "w") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            archive.add(dump, arcname=dump.name)
            for name, names in files.items():
                storage = storages[name]
                for file_name in names:
                    with storage.open(file_name, "rb") as content:
                        info = tarfile.TarInfo(f"files/{name}/{file_name}")
                        info.size = storage.size(file_name)
                        archive.addfile(info, content)
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        partial.rename(destination)
    return Backup(destination, manifest)


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    archive.addfile(info, io.BytesIO(content))


def _stored_files(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file in the storage, by its name there; none being written (a name starting with
    a dot is a file or directory not yet whole)."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    prefix = f"{directory}/" if directory else ""
    for name in sorted(files):
        if not name.startswith("."):
            yield f"{prefix}{name}"
    for name in sorted(directories):
        if not name.startswith("."):
            yield from _stored_files(storage, f"{prefix}{name}")


def postgresql_tool(tool: str, server_version: int) -> str:
    """``pg_dump`` or ``pg_restore`` of the server's major version if installed, else the one
    on the PATH if it is as new as the server."""
    major = server_version // 10000
    matched = Path(f"/usr/lib/postgresql/{major}/bin/{tool}")
    if matched.exists():
        return str(matched)
    found = shutil.which(tool)
    if found is None:
        raise ApplicationError(f"{tool} is not installed: install PostgreSQL {major}'s client.")
    version = subprocess.run(  # noqa: S603  # nosec B603  # a PostgreSQL tool found by name, no shell
        [found, "--version"], capture_output=True, text=True, check=True
    ).stdout
    installed = re.search(r"\)\s*(\d+)", version)  # "pg_dump (PostgreSQL) 15.20 ..."
    if installed is None or int(installed.group(1)) < major:
        raise ApplicationError(f"{found} is older than the server (PostgreSQL {major}).")
    return found


def postgresql_arguments() -> tuple[list[str], dict[str, str]]:
    """The connection of Django's database as a PostgreSQL tool's arguments, and its
    environment (the password travels there, not in the command line other users can see)."""
    settings = connection.settings_dict
    arguments = [f"--dbname={settings['NAME']}"]
    if settings.get("HOST"):
        arguments.append(f"--host={settings['HOST']}")
    if settings.get("PORT"):
        arguments.append(f"--port={settings['PORT']}")
    if settings.get("USER"):
        arguments.append(f"--username={settings['USER']}")
    environment = dict(os.environ)
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings["PASSWORD"])
    return arguments, environment


def _dump_postgresql(path: Path) -> tuple[dict[str, int], dict[str, Any], int]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version_num')::int")
        snapshot, server_version = cursor.fetchone()
        tables = _counts(cursor, _postgresql_tables(cursor))
        head = _head(cursor)
        arguments, environment = postgresql_arguments()
        subprocess.run(  # noqa: S603  # nosec B603  # pg_dump, no shell, its arguments ours
            [
                postgresql_tool("pg_dump", server_version),
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={path}",
                *arguments,
            ],
            env=environment,
            check=True,
        )
    return tables, head, server_version


def _copy_sqlite(path: Path) -> tuple[dict[str, int], dict[str, Any], int]:
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        tables = _counts(cursor, sqlite_tables(cursor))
        head = _head(cursor)
    return tables, head, sqlite3.sqlite_version_info[0]


def _postgresql_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [name for (name,) in cursor.fetchall()]


def sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [name for (name,) in cursor.fetchall()]


def _counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608  # nosec B608  # the catalogue's table names
        counts[table] = cursor.fetchone()[0]
    return counts


def _head(cursor: Any) -> dict[str, Any]:
    cursor.execute("SELECT last_sequence, last_hash FROM audit_chainhead WHERE id = 1")
    sequence, entry_hash = cursor.fetchone()
    return {"sequence": sequence, "entry_hash": entry_hash}


def table_counts() -> dict[str, int]:
    """Every table of Django's database and its rows, as a backup's manifest lists them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _counts(cursor, _postgresql_tables(cursor))
        return _counts(cursor, sqlite_tables(cursor))
