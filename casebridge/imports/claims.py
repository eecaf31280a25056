"""Which uploaded files a live import holds.

A batch's file is locked (``flock``) by the process importing it from the moment the file is
written until the batch is finished, when the file is deleted. The operating system lets go of
the lock when the process ends, however it ends (a restart, a crash, a kill), so a file nobody
holds belongs to no live import, and an unfinished batch whose file nobody holds was
interrupted: nothing will finish it (recovery.py).

The lock is taken on the upload as it is written, and the same open file is handed from the
request that stored it to the thread that imports it, so there is no moment at which a live
batch's file is free.
"""

import fcntl
import os
import tempfile
import threading
from pathlib import Path
from typing import BinaryIO

_lock = threading.Lock()
# The claims this process took in import_start, until its import_run takes them over.
_waiting: dict[int, BinaryIO] = {}


def _hold(handle: BinaryIO) -> BinaryIO:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BaseException:
        handle.close()
        raise
    return handle


def claim(path: Path) -> BinaryIO:
    """Open ``path`` and hold it. Raises BlockingIOError if a live import holds it, and
    FileNotFoundError if it is gone."""
    return _hold(path.open("rb"))


def claim_new(directory: Path, prefix: str) -> tuple[Path, BinaryIO]:
    """A new file of a name of its own in ``directory``, readable by its owner only, held and
    open for writing."""
    descriptor, name = tempfile.mkstemp(prefix=prefix, dir=directory)
    return Path(name), _hold(os.fdopen(descriptor, "wb"))


def hand_over(batch_id: int, handle: BinaryIO) -> None:
    with _lock:
        _waiting[batch_id] = handle


def take_over(batch_id: int) -> BinaryIO | None:
    with _lock:
        return _waiting.pop(batch_id, None)
