"""Queries compiled once and run again with other values: for the statements every request
makes (the signed-in user with their second factor, the case a case page shows).

Building and compiling such a query (a user with three related records: 60 columns, four
joins) cost Django about five times the CPU the database spent running it. ``Prepared`` builds
the queryset once per thread with sample values, checks that each value became one parameter
of the SQL exactly as the ORM adapts it, then runs that SQL with the new values and makes the
objects as the ORM does (its converters; ``select_related`` records attached).

PostgreSQL too parses and plans each statement it is sent, which cost it more CPU than running
these did (the case by id: 0.5 ms to plan, 0.1 ms to run). Their values are sent apart from
the statement (``statement_cursor``), so the server keeps each statement prepared on the
connection and runs it again with new values.
"""

import threading
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import DateTimeField, Expression, Field, Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

M = TypeVar("M", bound=Model)


def statement_cursor(alias: str = DEFAULT_DB_ALIAS) -> CursorWrapper:
    """A cursor for a statement that runs again and again with other values (never one whose
    text changes with them, such as an ``IN`` list: each text is a statement kept). Use it as
    a context manager, as ``connection.cursor()``.

    On PostgreSQL its values are bound by the server (Django's ``ServerBindingCursor``; the
    connection's other cursors bind on the client, as by default), so psycopg prepares the
    statement on the connection once it has run ``prepare_threshold`` times (settings) and the
    server neither parses nor plans it again. It is Django's cursor wrapper all the same: the
    execute wrappers, the error translation, the query log and the tests' query counts see its
    statements.

    One such cursor is kept for each connection and used again (``_KeptCursor``): making a
    psycopg cursor and Django's wrapper around it for every statement was a third of the
    Python a statement cost. While queries are logged (``DEBUG``, ``assertNumQueries``,
    ``CaptureQueriesContext``) each statement gets a fresh debug wrapper, as Django makes them.
    """
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return connection.cursor()
    # As ``connection.cursor()`` does, for a cursor made here rather than by the backend.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if connection.queries_logged:
        return connection._prepare_cursor(_server_binding_cursor(connection))  # type: ignore[attr-defined,no-any-return]
    connection.validate_thread_sharing()
    kept: _KeptCursor | None = getattr(connection, _KEPT, None)
    # A cursor belongs to its psycopg connection: one closed or replaced (the health check,
    # CONN_MAX_AGE, an error) takes its cursor with it, and the next statement makes another.
    if kept is None or kept.cursor.connection is not connection.connection or kept.cursor.closed:
        kept = _KeptCursor(_server_binding_cursor(connection), connection)
        setattr(connection, _KEPT, kept)
    return kept


_KEPT = "_casebridge_statement_cursor"


def _server_binding_cursor(connection: BaseDatabaseWrapper) -> Any:
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
        ServerBindingCursor,
    )

    with connection.wrap_database_errors:
        return ServerBindingCursor(connection.connection)


class _KeptCursor(CursorWrapper):
    """Django's cursor wrapper (``execute`` through the execute wrappers, errors translated to
    Django's), left open when its ``with`` block ends, for the connection's next statement.
    (psycopg keeps the prepared statements on the connection, not on the cursor.)"""

    def __exit__(self, *exc_info: object) -> None:
        pass

    # Named here rather than reached through ``CursorWrapper.__getattr__``, which makes a new
    # error-translating closure on every call.
    def fetchone(self) -> Any:
        with self.db.wrap_database_errors:
            return self.cursor.fetchone()

    def fetchall(self) -> list[Any]:
        with self.db.wrap_database_errors:
            return self.cursor.fetchall()  # type: ignore[no-any-return]


# Stands for the clock in the parameters of a statement compiled once (see ``ClockNow``).
_CLOCK = object()
_compiling_once: ContextVar[bool] = ContextVar("compiling_once", default=False)


class ClockNow(Expression):
    """The application's clock when the query runs, not when it was built: a permission filter
    kept between requests, or a statement compiled once, still compares a lapsing fact
    (break-glass) with the time of the request that runs it. (Not the database's ``now()``: the
    in-memory check reads this clock, and the two must agree.)"""

    output_field = DateTimeField()

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        if _compiling_once.get():
            return "%s", [_CLOCK]
        return "%s", [connection.ops.adapt_datetimefield_value(timezone.now())]


@dataclass(frozen=True)
class _Compiled:
    compiler: SQLCompiler
    sql: str
    params: list[Any]
    positions: dict[str, int]  # the parameter each value takes
    clocks: list[int]  # the parameters that take the clock as the statement runs
    # For records (not ``values_list``): their columns, names and related records' populators.
    columns: slice | None
    init_list: list[str]
    populators: list[Any]
    # What turns each column the driver gives into the field's value (the compiler's, which
    # Django works out again for every run: about 25 calls a column).
    converters: dict[int, tuple[list[Any], Any]]


class Prepared(Generic[M]):
    """``build(**values)`` is the queryset (filters, ``select_related``, ordering, slicing and
    ``values_list`` only: no annotations, no ``prefetch_related``); ``fields`` the field each
    value is compared with, which adapts it for the database; ``samples`` a value of each, all
    different. A ``ClockNow`` in its filters reads the clock each time the statement runs."""

    def __init__(
        self,
        build: Callable[..., QuerySet[M, Any]],
        *,
        fields: dict[str, "Field[Any, Any]"],
        samples: dict[str, object],
    ) -> None:
        self._build = build
        self._fields = fields
        self._samples = samples
        self._local = threading.local()

    def _adapt(self, name: str, value: object, connection: Any) -> object:
        field = self._fields[name]
        return field.get_db_prep_value(field.get_prep_value(value), connection, prepared=True)

    def _compiled(self, alias: str) -> _Compiled:
        compiled: _Compiled | None = getattr(self._local, alias, None)
        if compiled is None:
            connection = connections[alias]
            queryset = self._build(**self._samples)
            query = queryset.query
            assert not query.annotations and not queryset._prefetch_related_lookups  # type: ignore[attr-defined]
            compiler = query.get_compiler(using=alias)
            token = _compiling_once.set(True)
            try:
                sql, params = compiler.as_sql()
            finally:
                _compiling_once.reset(token)
            positions = {}
            for name, sample in self._samples.items():
                adapted = self._adapt(name, sample, connection)
                found = [i for i, param in enumerate(params) if param == adapted]
                assert len(found) == 1, f"{name} is not one parameter of the query"
                positions[name] = found[0]
            clocks = [i for i, param in enumerate(params) if param is _CLOCK]
            klass_info = compiler.klass_info
            columns, init_list, populators = None, [], []
            if klass_info is not None:
                select_fields = klass_info["select_fields"]
                columns = slice(select_fields[0], select_fields[-1] + 1)
                init_list = [column[0].target.attname for column in compiler.select[columns]]
                populators = get_related_populators(klass_info, compiler.select, alias)
            selected = [column[0] for column in compiler.select[: compiler.col_count]]
            assert not compiler.has_composite_fields(selected), "composite keys are not handled"
            compiled = _Compiled(
                compiler,
                sql,
                list(params),
                positions,
                clocks,
                columns,
                init_list,
                populators,
                compiler.get_converters(selected),
            )
            setattr(self._local, alias, compiled)
        return compiled

    def _run(self, compiled: _Compiled, alias: str, values: dict[str, object]) -> list[Any]:
        connection = connections[alias]
        params = list(compiled.params)
        for name, value in values.items():
            params[compiled.positions[name]] = self._adapt(name, value, connection)
        if compiled.clocks:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            for position in compiled.clocks:
                params[position] = now
        with statement_cursor(alias) as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if not compiled.converters:
            return rows
        # As ``SQLCompiler.results_iter`` converts them, with the converters worked out once.
        return list(compiled.compiler.apply_converters(rows, compiled.converters))

    def all(self, **values: object) -> list[M]:
        """The records the queryset would give for these values."""
        alias = "default"
        compiled = self._compiled(alias)
        assert compiled.columns is not None, "a values_list queryset gives rows(), not records"
        rows = self._run(compiled, alias, values)
        model: type[M] = compiled.compiler.klass_info["model"]
        found = []
        for row in rows:
            obj = model.from_db(alias, compiled.init_list, row[compiled.columns])
            for populator in compiled.populators:
                populator.populate(row, obj)
            found.append(obj)
        return found

    def rows(self, **values: object) -> list[tuple[Any, ...]]:
        """The rows a ``values_list`` queryset would give for these values."""
        alias = "default"
        compiled = self._compiled(alias)
        rows = self._run(compiled, alias, values)
        width = compiled.compiler.col_count
        return [tuple(row[:width]) for row in rows]

    def first(self, **values: object) -> M | None:
        found = self.all(**values)
        return found[0] if found else None
