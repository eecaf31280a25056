"""Whether a run's worker is alive: a lease it holds while the run runs, which the operating
system or the database lets go of when the worker's process ends, however it ends (a restart,
a crash, kill -9). A run still "running" whose lease nobody holds lost its worker.

Not a heartbeat: on SQLite an import's load is one write transaction that holds the database's
write lock for minutes, so a heartbeat written meanwhile would wait behind it and the run look
dead while it works. PostgreSQL: a session advisory lock on a connection of the lease's own
(closed with the process, so the server lets go of it; workers on any host). SQLite: a file
lock (``flock``) beside the database, on the one host SQLite runs on.
"""

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

# The first of the two keys of every lease's advisory lock: runs' leases apart from any other
# advisory lock in the database.
LEASE_KEY_SPACE = 20_2012


def _key(run_id: str) -> int:
    return zlib.crc32(run_id.encode()) & 0x7FFF_FFFF


def _lease_file(run_id: str) -> Path:
    directory = Path(settings.CASEBRIDGE_TASK_LEASE_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory / f"{run_id}.lease"


def _try_flock(path: Path) -> BinaryIO | None:
    handle = path.open("ab")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


@contextmanager
def lease(run_id: str) -> Iterator[bool]:
    """Hold the run's lease for the block; yields False (holding nothing) if a live worker
    holds it already."""
    if connection.vendor == "postgresql":
        own = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with own.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_try_advisory_lock(%s, %s)", [LEASE_KEY_SPACE, _key(run_id)]
                )
                (taken,) = cursor.fetchone()
            yield taken
        finally:
            own.close()  # the session's advisory locks go with it
        return
    held = _try_flock(_lease_file(run_id))
    try:
        yield held is not None
    finally:
        if held is not None:
            held.close()


def is_held(run_id: str) -> bool:
    """Whether a live worker holds the run's lease (never takes it)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                "AND classid = %s::int4::oid AND objid = %s::int4::oid AND objsubid = 2 "
                "AND granted)",
                [LEASE_KEY_SPACE, _key(run_id)],
            )
            (held,) = cursor.fetchone()
        return bool(held)
    free = _try_flock(_lease_file(run_id))
    if free is None:
        return True
    free.close()
    return False


def lease_forget(run_id: str) -> None:
    """A finished run's lease file (SQLite) is no longer asked about."""
    if connection.vendor != "postgresql":
        _lease_file(run_id).unlink(missing_ok=True)
