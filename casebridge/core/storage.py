"""Files kept outside the database, through Django's storage API (``STORAGES``).

Each kind of file has a named storage of its own: ``imports`` (the partner extracts waiting to
be loaded), ``snapshots`` (the figures' Parquet files) and ``audit_anchors`` (the signed heads
of the audit chain). Each is on this machine's disk by default, in the directory its setting
names, and may be an S3-compatible bucket instead (django-storages), so that several web servers
and workers share them (docs/deployment.md).

The engines that read these files (DuckDB, the extract readers) read local paths: a file on this
machine's disk is read where it is, and one in a bucket is fetched to a local copy first.
"""

import os
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages


class SettingDirectoryStorage(FileSystemStorage):
    """A directory on this machine whose path is a setting, read each time it is used: the
    setting may change while the process runs (the tests give each its own directory)."""

    def __init__(self, *, setting: str, **kwargs: Any) -> None:
        self.setting = setting
        super().__init__(**kwargs)

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(getattr(settings, self.setting))

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def named_storage(name: str) -> Storage:
    return storages[name]


def local_directory(storage: Storage) -> Path | None:
    """Where the storage keeps its files on this machine's disk, or None for a remote one."""
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location)
    return None


def fetch(storage: Storage, name: str, destination: Path) -> Path:
    """A local copy of a stored file, written under a temporary name and renamed when whole."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(f".partial-{destination.name}")
    with storage.open(name, "rb") as source, partial.open("wb") as copy:
        shutil.copyfileobj(source, copy, 1 << 20)
    partial.rename(destination)
    return destination


def stored_names(storage: Storage, directory: str = "") -> list[str]:
    """The files directly in a storage's directory (an empty list when it does not exist)."""
    try:
        return sorted(storage.listdir(directory)[1])
    except FileNotFoundError:
        return []


def stored_directories(storage: Storage) -> list[str]:
    try:
        return sorted(storage.listdir("")[0])
    except FileNotFoundError:
        return []
