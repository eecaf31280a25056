"""Work committed beside a long transaction, not in it.

An import checks and loads its file in one pass: the load is one transaction, while what the
check writes as it goes (its progress, the rejected rows) must be seen before the load commits,
and kept whatever the load does. On PostgreSQL that work runs on a connection of its own (a
thread's: Django's connections are each thread's own), committed as it goes, so it neither
waits for the load's queued COPYs (core/bulk.overlapped_inserts) nor is rolled back with it.
"""

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connection, connections

T = TypeVar("T")


class Beside:
    """Runs work beside the caller's transaction (see ``beside_transactions``): ``beside(work,
    ...)`` to its end, returning what it returns; ``beside.ahead(work, ...)`` started, its
    result had later; ``beside.later(work, ...)`` in turn after what was handed over before, the
    caller going on meanwhile (its error raised at the next call)."""

    def __init__(self, worker: ThreadPoolExecutor | None) -> None:
        self._worker = worker
        self._pending: list[Future[Any]] = []

    def __call__(self, work: Callable[..., T], /, *args: Any) -> T:
        if self._worker is None:
            return work(*args)
        self.finish()
        return self._worker.submit(work, *args).result()

    def ahead(self, work: Callable[..., T], /, *args: Any) -> Callable[[], T]:
        """``work`` started now, in turn after what was handed over before: what it returns
        (or raises) is had by calling what this returns."""
        if self._worker is None:
            done = work(*args)
            return lambda: done
        return self._worker.submit(work, *args).result

    def later(self, work: Callable[..., object], /, *args: Any) -> None:
        if self._worker is None:
            work(*args)
            return
        self._pending.append(self._worker.submit(work, *args))

    def finish(self) -> None:
        """Until the work handed over is done; raises the first error it met."""
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()


def can_write_beside() -> bool:
    """Whether a second connection may write while this one holds a transaction open, and sees
    what this one has committed: not on SQLite (one writer at a time), nor inside a transaction
    of the caller's (a test's, say), whose rows no other connection can see."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


@contextmanager
def beside_transactions() -> Iterator[Beside]:
    """Inside, work given to the ``Beside`` yielded runs on a connection of its own, each query
    committed as it runs (autocommit), where the database lets one write beside the caller's
    coming transaction (``can_write_beside``); otherwise on the caller's own connection, so in
    its transaction once it opens one. Leaving waits for the work handed over (its errors, past
    the first the caller met, are the caller's to have raised by ``finish``)."""
    if not can_write_beside():
        yield Beside(None)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="beside") as worker:
        try:
            yield Beside(worker)
        finally:
            # In turn after all handed over: the worker thread's connection, which nothing
            # else would close.
            worker.submit(connections.close_all).result()
