"""What other processes may have changed, read from the database in one statement a request.

Some things are kept for the life of a process because they change rarely and cost much to
build: the compiled permission rules, the redactor's index of restricted values, the pathways'
definitions, each user's navigation. Another process (``sync-definitions``, a page recording a
confidential address) may change what they were built from, so each is kept with a
fingerprint: a cheap aggregate over its records that moves whenever they do.

The apps register their fingerprints here (``register``, from ``AppConfig.ready``). Inside a
request (``FingerprintsMiddleware``) all of them are read together in one statement, the first
time one is asked for, and read again after the request itself wrote to one of their tables (a
page that records a confidential address must withhold it from the response it sends). Outside
a request (commands, the shell) every ``get`` reads them afresh.
"""

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Aggregate, QuerySet, Value
from django.http import HttpRequest, HttpResponse

from casebridge.core.prepared import statement_cursor


@dataclass(frozen=True)
class _Fingerprint:
    name: str
    rows: QuerySet[Any]
    aggregates: dict[str, Aggregate]


_registered: dict[str, _Fingerprint] = {}
# The statement reading every fingerprint, compiled once: (sql, params, names and their widths).
_statement: tuple[str, tuple[Any, ...], list[tuple[str, int]]] | None = None
_tables: tuple[str, ...] = ()
# The fingerprints read in this request; None outside a request.
_read: ContextVar[dict[str, tuple[Hashable, ...]] | None] = ContextVar("fingerprints", default=None)


def register(name: str, rows: QuerySet[Any], **aggregates: Aggregate) -> None:
    """Fingerprint ``rows`` by these aggregates (``count=Count("pk"), last=Max("pk")``): their
    values must move whenever the records do. Idempotent by name."""
    global _statement, _tables
    _registered[name] = _Fingerprint(name, rows, aggregates)
    _statement = None
    _tables = tuple(sorted({f.rows.model._meta.db_table for f in _registered.values()}))


def _compiled() -> tuple[str, tuple[Any, ...], list[tuple[str, int]]]:
    """One SELECT joining one single-row aggregate per fingerprint (no GROUP BY: a constant
    grouping key is left out of it, so each gives exactly one row, even over no records)."""
    global _statement
    if _statement is None:
        parts, params, shape = [], [], []
        for number, fingerprint in enumerate(_registered.values()):
            one_row = (
                fingerprint.rows.order_by()
                .values(_fingerprint=Value(1))
                .annotate(**fingerprint.aggregates)
                .values(*fingerprint.aggregates)
            )
            sql, sql_params = one_row.query.sql_with_params()
            parts.append(f"({sql}) fingerprint_{number}")
            params.extend(sql_params)
            shape.append((fingerprint.name, len(fingerprint.aggregates)))
        # The ORM's own SQL for each, with its values as parameters.
        joined = " CROSS JOIN ".join(parts)
        _statement = (f"SELECT * FROM {joined}", tuple(params), shape)  # noqa: S608  # nosec B608  # Django's compiled SQL, values as parameters
    return _statement


def _read_all() -> dict[str, tuple[Hashable, ...]]:
    sql, params, shape = _compiled()
    with statement_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    found, start = {}, 0
    for name, width in shape:
        found[name] = tuple(row[start : start + width])
        start += width
    return found


def _current() -> dict[str, tuple[Hashable, ...]]:
    read = _read.get()
    if read is None:
        return _read_all()
    if not read:
        read.update(_read_all())
    return read


def get(name: str) -> tuple[Hashable, ...]:
    """The fingerprint registered under ``name``, as read once in this request."""
    return _current()[name]


def get_all() -> tuple[tuple[Hashable, ...], ...]:
    """Every fingerprint: for what is built from many kinds of record (the navigation)."""
    return tuple(_current().values())


def read_again() -> None:
    """Read the fingerprints afresh when next asked in this request: the redactor, as the
    response leaves, must know a value another process restricted while the page was built."""
    read = _read.get()
    if read is not None:
        read.clear()


def _forget_after_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """Drop the request's fingerprints when it writes to a fingerprinted table, so what is
    asked afterwards (the redactor, as the response leaves) sees the change."""
    if not sql.lstrip()[:6].upper().startswith("SELECT") and any(t in sql for t in _tables):
        read_again()
    return execute(sql, params, many, context)


class FingerprintsMiddleware:
    """Reads the fingerprints at most once a request (and again after the request wrote to
    one of their tables)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _read.set({})
        try:
            with connection.execute_wrapper(_forget_after_writes):
                return self.get_response(request)
        finally:
            _read.reset(token)
