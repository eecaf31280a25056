"""The snapshots the dashboard reads, kept in the ``snapshots`` storage (``STORAGES``).

Each snapshot is a directory named after the moment it was taken (its id), written under a
temporary name and renamed when complete, so a reader never sees half a snapshot. A figure's
drill-down names the snapshot it came from, so the records listed are the ones counted.

The dashboard reads the latest snapshot on every page, with DuckDB, from local files. A storage
on this machine's disk (the default, under ``CASEBRIDGE_SNAPSHOT_DIR``) is read where it is. A
remote one (an S3-compatible bucket shared by several servers) is listed for the newest complete
snapshot, and each snapshot is fetched once into ``CASEBRIDGE_SNAPSHOT_CACHE_DIR``, by its id: a
snapshot never changes once written, so a copy kept by its id never goes stale. In a bucket a
snapshot is complete once its manifest is there: the manifest is written last and deleted first.
"""

import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage

from casebridge.analytics.snapshot import MANIFEST, Snapshot, open_snapshot, take_snapshot
from casebridge.core.storage import (
    fetch,
    local_directory,
    named_storage,
    stored_directories,
    stored_names,
)

SNAPSHOT_ID = re.compile(r"^\d{8}T\d{12}Z$")
PARTIAL_PREFIX = ".partial-"


def snapshot_storage() -> Storage:
    return named_storage("snapshots")


def snapshot_root() -> Path:
    """Where this machine reads snapshots from: the storage's own directory, or the local copies
    of a remote storage's."""
    directory = local_directory(snapshot_storage())
    return directory if directory is not None else Path(settings.CASEBRIDGE_SNAPSHOT_CACHE_DIR)


def snapshot_id(snapshot: Snapshot) -> str:
    return snapshot.directory.name


def _complete(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if SNAPSHOT_ID.match(p.name) and (p / MANIFEST).exists()]
    return sorted(found, key=lambda path: path.name)


def _remote_ids(storage: Storage) -> list[str]:
    return [name for name in stored_directories(storage) if SNAPSHOT_ID.match(name)]


def _fetched(storage: Storage, identifier: str) -> Snapshot | None:
    """The remote snapshot's local copy, fetched if this machine has none; None if the
    snapshot is not complete in the storage."""
    cache = snapshot_root()
    local = cache / identifier
    if (local / MANIFEST).exists():
        return open_snapshot(local)
    if not storage.exists(f"{identifier}/{MANIFEST}"):
        return None
    cache.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=cache))
    try:
        for name in stored_names(storage, identifier):
            fetch(storage, f"{identifier}/{name}", partial / name)
        shutil.rmtree(local, ignore_errors=True)
        partial.rename(local)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    for old in _complete(cache)[: -settings.CASEBRIDGE_SNAPSHOTS_KEPT]:
        shutil.rmtree(old, ignore_errors=True)
    return open_snapshot(local)


def latest_snapshot() -> Snapshot | None:
    storage = snapshot_storage()
    if local_directory(storage) is not None:
        kept = _complete(snapshot_root())
        return open_snapshot(kept[-1]) if kept else None
    for identifier in reversed(_remote_ids(storage)):
        if (snapshot := _fetched(storage, identifier)) is not None:
            return snapshot
    return None


def snapshot_get(identifier: str) -> Snapshot | None:
    """The snapshot with this id, or None if it was never taken or has been cleared away."""
    if not SNAPSHOT_ID.match(identifier):  # never a path a caller could steer elsewhere
        return None
    storage = snapshot_storage()
    if local_directory(storage) is None:
        return _fetched(storage, identifier)
    directory = snapshot_root() / identifier
    return open_snapshot(directory) if (directory / MANIFEST).exists() else None


def store_snapshot() -> Snapshot:
    """Take a snapshot of the records into the store, and clear away all but the newest kept."""
    root = snapshot_root()
    root.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=root))
    storage = snapshot_storage()
    try:
        taken = take_snapshot(directory=partial)
        final = root / taken.taken_at.strftime("%Y%m%dT%H%M%S%fZ")
        if local_directory(storage) is None:
            _upload(storage, partial, final.name)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    for old in _complete(root)[: -settings.CASEBRIDGE_SNAPSHOTS_KEPT]:
        shutil.rmtree(old, ignore_errors=True)
    if local_directory(storage) is None:
        for identifier in _remote_ids(storage)[: -settings.CASEBRIDGE_SNAPSHOTS_KEPT]:
            _delete_remote(storage, identifier)
    return open_snapshot(final)


def snapshot_discard(snapshot: Snapshot) -> None:
    """Remove a stored snapshot (one whose taking could not be recorded), wherever it is kept."""
    storage = snapshot_storage()
    if local_directory(storage) is None:
        _delete_remote(storage, snapshot_id(snapshot))
    shutil.rmtree(snapshot.directory, ignore_errors=True)


def _upload(storage: Storage, directory: Path, identifier: str) -> None:
    """Every file of the snapshot, the manifest last: only then is it complete."""
    files = sorted(directory.iterdir(), key=lambda path: path.name == MANIFEST)
    for path in files:
        with path.open("rb") as content:
            storage.save(f"{identifier}/{path.name}", File(content))


def _delete_remote(storage: Storage, identifier: str) -> None:
    storage.delete(f"{identifier}/{MANIFEST}")  # first: no reader takes it for complete
    for name in stored_names(storage, identifier):
        storage.delete(f"{identifier}/{name}")
