"""The snapshots the dashboard reads, kept on disk under ``CASEBRIDGE_SNAPSHOT_DIR``.

Each snapshot is a directory named after the moment it was taken (its id), written under a
temporary name and renamed when complete, so a reader never sees half a snapshot. A figure's
drill-down names the snapshot it came from, so the records listed are the ones counted.
"""

import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

from casebridge.analytics.snapshot import MANIFEST, Snapshot, open_snapshot, take_snapshot

SNAPSHOT_ID = re.compile(r"^\d{8}T\d{12}Z$")
PARTIAL_PREFIX = ".partial-"


def snapshot_root() -> Path:
    return Path(settings.CASEBRIDGE_SNAPSHOT_DIR)


def snapshot_id(snapshot: Snapshot) -> str:
    return snapshot.directory.name


def _complete(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if SNAPSHOT_ID.match(p.name) and (p / MANIFEST).exists()]
    return sorted(found, key=lambda path: path.name)


def latest_snapshot() -> Snapshot | None:
    kept = _complete(snapshot_root())
    return open_snapshot(kept[-1]) if kept else None


def snapshot_get(identifier: str) -> Snapshot | None:
    """The snapshot with this id, or None if it was never taken or has been cleared away."""
    if not SNAPSHOT_ID.match(identifier):  # never a path a caller could steer elsewhere
        return None
    directory = snapshot_root() / identifier
    return open_snapshot(directory) if (directory / MANIFEST).exists() else None


def store_snapshot() -> Snapshot:
    """Take a snapshot of the records into the store, and clear away all but the newest kept."""
    root = snapshot_root()
    root.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=root))
    try:
        taken = take_snapshot(directory=partial)
        final = root / taken.taken_at.strftime("%Y%m%dT%H%M%S%fZ")
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    for old in _complete(root)[: -settings.CASEBRIDGE_SNAPSHOTS_KEPT]:
        shutil.rmtree(old, ignore_errors=True)
    return open_snapshot(final)
