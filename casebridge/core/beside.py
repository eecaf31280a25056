"""Work committed beside a long transaction, not in it.

An import checks and loads its file in one pass: the load is one transaction, while what the
check writes as it goes (its progress, the rejected rows) must be seen before the load commits,
and kept whatever the load does. On PostgreSQL that work runs on a connection of its own (a
thread's: Django's connections are each thread's own), committed as it goes, so it neither
waits for the load's queued COPYs (core/bulk.overlapped_inserts) nor is rolled back with it.
"""

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from django.db import connection, connections

T = TypeVar("T")


class Beside(Protocol):
    def __call__(self, work: Callable[..., T], /, *args: Any) -> T: ...


def _here(work: Callable[..., T], /, *args: Any) -> T:
    return work(*args)


def can_write_beside() -> bool:
    """Whether a second connection may write while this one holds a transaction open, and sees
    what this one has committed: not on SQLite (one writer at a time), nor inside a transaction
    of the caller's (a test's, say), whose rows no other connection can see."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


@contextmanager
def beside_transactions() -> Iterator[Beside]:
    """Inside, ``beside(work, ...)`` runs ``work`` to its end and returns what it returns: on a
    connection of its own, each query committed as it runs (autocommit), where the database
    lets one write beside the caller's coming transaction (``can_write_beside``); otherwise on
    the caller's own connection, so in its transaction once it opens one."""
    if not can_write_beside():
        yield _here
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="beside") as worker:

        def beside(work: Callable[..., T], /, *args: Any) -> T:
            return worker.submit(work, *args).result()

        try:
            yield beside
        finally:
            # The worker thread's connection, which nothing else would close.
            worker.submit(connections.close_all).result()
