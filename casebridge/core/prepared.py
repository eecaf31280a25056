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

import functools
import threading
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import DateTimeField, Expression, Field, Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
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


@functools.cache
def record_maker(model: type[M], attnames: tuple[str, ...], alias: str) -> Callable[[Any], M]:
    """What makes a record of ``model`` from the values of ``attnames`` (its concrete fields'
    attnames in their order, as the compiler selects them), as ``model.from_db`` makes it.

    ``Model.__init__`` takes about 45 calls a record (its signals sent, each field set through
    ``setattr``), a tenth of a case page's Python. For a model that changes none of that (no
    ``__init__`` or ``from_db`` of its own, each field a plain deferred attribute, no
    ``pre_init`` receiver) the record is made the way ``__init__`` leaves it: the fields in its
    ``__dict__``, its state, then ``post_init`` sent to any receiver (the access registry keeps
    a protected record's state as loaded), then the state marked as loaded from ``alias``.
    Any other model is made by ``from_db`` itself."""
    concrete = [field.attname for field in model._meta.concrete_fields]
    plain = (
        all(
            "__init__" not in vars(klass)
            for klass in model.__mro__
            if klass is not Model and klass is not object
        )
        and model.from_db.__func__ is Model.from_db.__func__  # type: ignore[attr-defined]
        and tuple(name for name in concrete if name in attnames) == attnames
        and all(
            type(getattr(model, name, None)) in (DeferredAttribute, ForeignKeyDeferredAttribute)
            for name in attnames
        )
    )
    if not plain:
        return lambda values: model.from_db(alias, attnames, values)
    new = object.__new__

    def make(values: Any) -> M:
        # Receivers connected since (a test's) are honoured as Django would.
        if pre_init.receivers and pre_init.has_listeners(model):
            return model.from_db(alias, attnames, values)
        record: M = new(model)
        state = ModelState()
        fields = {"_state": state}
        fields.update(zip(attnames, values, strict=True))
        record.__dict__ = fields
        post_init.send(sender=model, instance=record)
        state.adding = False
        state.db = alias
        return record

    return make


class _Populator:
    """Django's ``RelatedPopulator`` (a ``select_related`` record's columns, and where it is
    attached), making its records by ``record_maker``."""

    def __init__(self, populator: Any, alias: str) -> None:
        self.reorder = populator.reorder_for_init
        self.columns = slice(populator.cols_start, populator.cols_end) if not self.reorder else None
        self.pk_index = populator.pk_idx
        self.make = record_maker(populator.model_cls, tuple(populator.init_list), alias)
        self.related = [_Populator(related, alias) for related in populator.related_populators]
        self.local_setter = populator.local_setter
        self.remote_setter = populator.remote_setter

    def populate(self, row: Any, from_record: Model) -> None:
        # As ``RelatedPopulator.populate``.
        values = self.reorder(row) if self.reorder else row[self.columns]
        if values[self.pk_index] is None:
            record = None
        else:
            record = self.make(values)
            for related in self.related:
                related.populate(row, record)
        self.local_setter(from_record, record)
        if record is not None:
            self.remote_setter(record, from_record)


@dataclass(frozen=True)
class _Compiled:
    compiler: SQLCompiler
    sql: str
    params: list[Any]
    positions: dict[str, int]  # the parameter each value takes
    clocks: list[int]  # the parameters that take the clock as the statement runs
    # For records (not ``values_list``): their columns, what makes each, the related records'.
    columns: slice | None
    make: Callable[[Any], Any] | None
    populators: list[_Populator]
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

    @classmethod
    def by_key(
        cls, build: Callable[..., QuerySet[M, Any]], *, model: type[Model], key: str
    ) -> "Prepared[M]":
        """A statement whose one value is the id ``build`` is given as ``<key>_id``: that of
        ``model``'s foreign key ``key`` (to a model keyed by UUID)."""
        field = model._meta.get_field(key)
        assert isinstance(field, Field), f"{model.__name__}.{key} is not a column"
        return cls(build, fields={f"{key}_id": field}, samples={f"{key}_id": UUID(int=1)})

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
            columns, make, populators = None, None, []
            if klass_info is not None:
                select_fields = klass_info["select_fields"]
                columns = slice(select_fields[0], select_fields[-1] + 1)
                init_list = tuple(column[0].target.attname for column in compiler.select[columns])
                make = record_maker(klass_info["model"], init_list, alias)
                populators = [
                    _Populator(populator, alias)
                    for populator in get_related_populators(klass_info, compiler.select, alias)
                ]
            selected = [column[0] for column in compiler.select[: compiler.col_count]]
            assert not compiler.has_composite_fields(selected), "composite keys are not handled"
            compiled = _Compiled(
                compiler,
                sql,
                list(params),
                positions,
                clocks,
                columns,
                make,
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
        make, columns = compiled.make, compiled.columns
        assert make is not None, "a values_list queryset gives rows(), not records"
        rows = self._run(compiled, alias, values)
        populators = compiled.populators
        found = []
        for row in rows:
            record = make(row[columns])
            for populator in populators:
                populator.populate(row, record)
            found.append(record)
        return found

    def rows(self, **values: object) -> list[tuple[Any, ...]]:
        """The rows a ``values_list`` queryset would give for these values."""
        alias = "default"
        compiled = self._compiled(alias)
        rows = self._run(compiled, alias, values)
        width = compiled.compiler.col_count
        return [tuple(row[:width]) for row in rows]

    def all_of(self, parent: Model, *, field: str) -> list[M]:
        """The records whose ``field`` (a foreign key, whose id is the statement's one value) is
        ``parent``, each with ``parent`` attached as its related manager
        (``parent.events.all()``) attaches it, so reading ``record.<field>`` asks nothing more."""
        records = self.all(**{f"{field}_id": parent.pk})
        if records:
            attach = type(records[0])._meta.get_field(field).set_cached_value  # type: ignore[union-attr]
            for record in records:
                attach(record, parent)
        return records

    def first(self, **values: object) -> M | None:
        found = self.all(**values)
        return found[0] if found else None
