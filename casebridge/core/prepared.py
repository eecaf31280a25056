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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorWrapper
from django.db.models import Field, Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

M = TypeVar("M", bound=Model)


@contextmanager
def statement_cursor(alias: str = DEFAULT_DB_ALIAS) -> Iterator[CursorWrapper]:
    """A cursor for a statement that runs again and again with other values (never one whose
    text changes with them, such as an ``IN`` list: each text is a statement kept).

    On PostgreSQL its values are bound by the server (Django's ``ServerBindingCursor``; the
    connection's other cursors bind on the client, as by default), so psycopg prepares the
    statement on the connection once it has run ``prepare_threshold`` times (settings) and the
    server neither parses nor plans it again. It is Django's cursor wrapper all the same: the
    execute wrappers, the query log and the tests' query counts see its statements.
    """
    connection = connections[alias]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
        ServerBindingCursor,
    )

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = ServerBindingCursor(connection.connection)
    # Django's own wrapping of a cursor it made (thread check, query log, execute wrappers).
    with connection._prepare_cursor(raw) as cursor:  # type: ignore[attr-defined]
        yield cursor


class Prepared(Generic[M]):
    """``build(**values)`` is the queryset (filters and ``select_related`` only: no
    annotations, no ``prefetch_related``); ``fields`` the field each value is compared with,
    which adapts it for the database; ``samples`` a value of each, all different."""

    def __init__(
        self,
        build: Callable[..., QuerySet[M]],
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

    def _compiled(self, alias: str) -> tuple[Any, ...]:
        compiled: tuple[Any, ...] | None = getattr(self._local, alias, None)
        if compiled is None:
            connection = connections[alias]
            queryset = self._build(**self._samples)
            query = queryset.query
            assert not query.annotations and not queryset._prefetch_related_lookups  # type: ignore[attr-defined]
            compiler = query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            positions = {}
            for name, sample in self._samples.items():
                adapted = self._adapt(name, sample, connection)
                found = [i for i, param in enumerate(params) if param == adapted]
                assert len(found) == 1, f"{name} is not one parameter of the query"
                positions[name] = found[0]
            klass_info = compiler.klass_info
            select_fields = klass_info["select_fields"]
            start, end = select_fields[0], select_fields[-1] + 1
            init_list = [column[0].target.attname for column in compiler.select[start:end]]
            populators = get_related_populators(klass_info, compiler.select, alias)
            compiled = (compiler, sql, list(params), positions, start, end, init_list, populators)
            setattr(self._local, alias, compiled)
        return compiled

    def all(self, **values: object) -> list[M]:
        """The records the queryset would give for these values."""
        alias = "default"
        compiler, sql, params, positions, start, end, init_list, populators = self._compiled(alias)
        connection = connections[alias]
        params = list(params)
        for name, value in values.items():
            params[positions[name]] = self._adapt(name, value, connection)
        with statement_cursor(alias) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        model: type[M] = compiler.klass_info["model"]
        found = []
        for row in compiler.results_iter(results=[rows]):
            obj = model.from_db(alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            found.append(obj)
        return found

    def first(self, **values: object) -> M | None:
        found = self.all(**values)
        return found[0] if found else None
