"""Set-based inserts of many rows without building a model instance for each.

``bulk_create`` builds, checks and compiles every object field by field, which costs more than
the database's own work once a table takes tens of thousands of rows at a time (an import's
people, names, addresses and records). These write plain rows instead: one statement for a
chunk on SQLite (``executemany``), a binary ``COPY`` on PostgreSQL. A column a row leaves out
takes its field's default (``auto_now`` ones the time of the insert), as ``bulk_create`` would
give it.

Inside ``overlapped_inserts`` (PostgreSQL), each COPY runs on a thread of its own while the caller
goes on to its next chunk, so that the server's work (the rows, their index entries and foreign
keys) overlaps the caller's instead of following it.
"""

import os
import queue
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from itertools import repeat
from operator import itemgetter
from typing import Any
from uuid import UUID, SafeUUID

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

# COPYs handed over and not yet written at most, so that the caller can't run ahead of the
# server by more than a few chunks' rows in memory.
QUEUED_COPIES = 8
# Seconds the caller computes before the writer may have the interpreter back (Python's
# default: 0.005).
SWITCH_INTERVAL = 0.0005

# The types whose Python values the database driver can't take as they are (a UUID on SQLite
# is its hex, a JSON value its text...): these go through the field's own preparation.
PREPARED_TYPES = frozenset(
    {"UUIDField", "DateTimeField", "DateField", "JSONField", "TimeField", "DecimalField"}
)
Row = Mapping[str, Any]


Prepare = Callable[[Any], Any]


def _preparer(field: models.Field) -> Prepare | None:  # type: ignore[type-arg]
    """How a value of ``field`` is given to the driver as a query's parameter (None: as it
    is). The commonest values (a UUID, an aware time, a date) take the backend's adaptation
    directly: the field's own preparation costs microseconds a value, which a million rows of
    twenty columns feel."""
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    kind = target.get_internal_type()
    if kind not in PREPARED_TYPES:
        return None

    def prepared(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    ops = connection.ops
    if kind == "UUIDField":
        native = connection.features.has_native_uuid_field
        return lambda v: (v if native else v.hex) if type(v) is UUID else prepared(v)
    if kind == "DateTimeField" and connection.vendor == "sqlite" and settings.USE_TZ:
        # The backend's adaptation in one step (the database's zone's wall time, as text),
        # without reading the settings again for every value.
        zone = connection.timezone
        return lambda v: (
            str(v.astimezone(zone).replace(tzinfo=None))
            if type(v) is datetime and v.utcoffset() is not None
            else prepared(v)
        )
    if kind == "DateTimeField":
        return lambda v: (
            ops.adapt_datetimefield_value(v)
            if type(v) is datetime and v.tzinfo is not None
            else prepared(v)
        )
    if kind == "DateField":
        return lambda v: ops.adapt_datefield_value(v) if type(v) is date else prepared(v)
    if kind == "JSONField":
        encoder = getattr(target, "encoder", None)
        return lambda v: (
            ops.adapt_json_value(v, encoder) if type(v) in (list, dict) else prepared(v)
        )
    return prepared


def _binary_preparer(field: models.Field) -> Prepare | None:  # type: ignore[type-arg]
    """How a value of ``field`` is given to a binary COPY, whose columns' types are set (None:
    as it is). The driver writes a UUID, an aware time, a date or a list as its binary form
    itself; only a value of another Python type needs the field's own conversion first."""
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    kind = target.get_internal_type()
    if kind == "UUIDField":
        return lambda v: v if type(v) is UUID else target.to_python(v)
    if kind == "DateTimeField":
        return lambda v: (
            v if type(v) is datetime and v.tzinfo is not None else field.get_prep_value(v)
        )
    if kind == "DateField":
        return lambda v: v if type(v) is date else field.get_prep_value(v)
    encoder = getattr(target, "encoder", None)
    if kind == "JSONField" and encoder is not None:
        return lambda v: connection.ops.adapt_json_value(v, encoder)
    return None


def _copy_type(field: models.Field) -> str:  # type: ignore[type-arg]
    """The column's type as the driver's registry names it (``varchar``, not ``varchar(40)``:
    the server still applies the column's length)."""
    return re.sub(r"\(.*\)", "", field.db_type(connection) or "").strip()


def _missing(
    field: models.Field,  # type: ignore[type-arg]
    now: object,
    prepare: Prepare | None,
    count: int,
) -> Iterable[Any]:
    """The values, ready for the driver, of ``field`` in ``count`` rows that leave it out: its
    default called for each row, or a constant prepared once for them all."""
    auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    if not auto and field.has_default() and callable(field.default):
        defaults = [field.get_default() for _ in range(count)]
        return defaults if prepare is None else [prepare(value) for value in defaults]
    value = now if auto else field.get_default()
    return repeat(value if prepare is None or value is None else prepare(value), count)


def _prepared(
    values: Sequence[Any], prepare: Prepare | None, native: frozenset[type]
) -> Sequence[Any]:
    """A column's values as the driver takes them: as they are when every value is of a type
    the driver writes itself (its types are read in one pass, without a Python call a value),
    otherwise each but a blank one through ``prepare``."""
    if prepare is None or set(map(type, values)) <= native:
        return values
    return [value if value is None else prepare(value) for value in values]


def _native_types(field: models.Field, copying: bool) -> frozenset[type]:  # type: ignore[type-arg]
    """The Python types of ``field``'s values the driver takes as they are (blank included)."""
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    kind = target.get_internal_type()
    if kind == "UUIDField" and (copying or connection.features.has_native_uuid_field):
        return frozenset({type(None), UUID})
    if kind == "DateField" and copying:
        return frozenset({type(None), date})
    return frozenset({type(None)})


def insert_rows(model: type[models.Model], rows: Sequence[Row]) -> None:
    """Insert ``rows`` (values by field attname, ``victim_id`` say) into ``model``'s table.

    Every row gives the same fields (those of the first); a field they leave out takes its
    default. An auto-incremented primary key is left to the database unless the rows give it
    (``next_ids``). Runs in the caller's transaction; no signals are sent, as with bulk_create.
    """
    if rows:
        insert_columns(model, {name: list(map(itemgetter(name), rows)) for name in rows[0]})


def insert_columns(model: type[models.Model], columns: Mapping[str, Sequence[Any]]) -> None:
    """``insert_rows`` given its rows as columns (each field's values by its attname, all of one
    length): what builds many rows a chunk at a time builds each column in one pass, rather than
    a dictionary a row that is then picked apart column by column."""
    count = len(next(iter(columns.values()), ()))
    if not count:
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    given = [field for field in meta.concrete_fields if field.attname in columns]
    assert len(given) == len(columns), f"{model.__name__} has no field {set(columns)}"
    left_out = [
        field
        for field in meta.concrete_fields
        if field.attname not in columns
        and not (field is pk and isinstance(field, models.AutoField))
    ]
    now = timezone.now()
    copying = connection.vendor == "postgresql"
    preparer = _binary_preparer if copying else _preparer
    # Each column's values prepared in one pass, then the rows put together (a row's values in
    # the columns' order).
    prepared: list[Iterable[Any]] = [
        _prepared(columns[field.attname], preparer(field), _native_types(field, copying))
        for field in given
    ]
    prepared += [_missing(field, now, preparer(field), count) for field in left_out]
    values = list(zip(*prepared, strict=True))

    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(field.column) for field in (*given, *left_out))
    if copying:
        # Binary, the columns' types given: the driver writes each value by its column's
        # binary writer (no text to escape, no writer looked up by each value's type),
        # and the server reads it without parsing text.
        statement = f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)"
        types = [_copy_type(field) for field in (*given, *left_out)]
        writer: _Writer | None = getattr(_overlapping, "writer", None)
        if writer is not None:
            writer.put(statement, types, values)
            return
        # The driver's connection, so its errors raised as Django's (IntegrityError...).
        with connection.cursor() as cursor, connection.wrap_database_errors:
            _copy(cursor.cursor.connection, statement, types, iter(values))
        return
    placeholders = ", ".join(["%s"] * (len(given) + len(left_out)))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608 (names quoted)  # nosec B608  # names quoted by the code, values as parameters
            values,
        )


def _copy(raw: Any, statement: str, types: list[str], values: Iterator[tuple[Any, ...]]) -> None:
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types(types)
        for row in values:
            copy.write_row(row)


class _Writer:
    """Runs the COPYs ``insert_rows`` hands over, in turn, on a thread of its own, on the
    caller's connection (and so in its transaction). The first that fails is kept and raised
    to the caller, and none after it is run: the transaction is aborted by then anyway."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.jobs: queue.Queue[tuple[str, list[str], list[tuple[Any, ...]]] | None] = queue.Queue(
            QUEUED_COPIES
        )
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="insert_rows", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            if self.error is None:
                try:
                    _copy(self.raw, job[0], job[1], iter(job[2]))
                except BaseException as error:
                    # Raised in the caller's thread, at its next insert or query.
                    self.error = error
            self.jobs.task_done()
        self.jobs.task_done()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            # As Django's (IntegrityError...), and the connection told an error occurred.
            with connection.wrap_database_errors:
                raise error

    def put(self, statement: str, types: list[str], values: list[tuple[Any, ...]]) -> None:
        self._raise()
        self.jobs.put((statement, types, values))

    def wait(self) -> None:
        """Until every COPY handed over is written; raises the first that failed."""
        self.jobs.join()
        self._raise()

    def stop(self) -> None:
        self.jobs.put(None)
        self.thread.join()


# The writer of the thread's connection inside overlapped_inserts (Django's connections are the
# thread's own, and so is this).
_overlapping = threading.local()


@contextmanager
def overlapped_inserts() -> Iterator[None]:
    """Inside, on PostgreSQL, ``insert_rows`` hands its COPY to a thread of its own and returns,
    so the caller builds its next rows while the server writes these. Every other query waits
    for the COPYs handed over before it (an execute wrapper), and so does leaving; a COPY that
    failed raises there, or at the next ``insert_rows``. For a caller in a transaction (the
    thread shares its connection), in one thread.

    The foreign keys (all deferrable, initially deferred) are checked as each COPY ends
    instead of at commit, so that checking them overlaps the caller's work too: the rows must
    come after those they point to, as they do anyway. They are deferred again on leaving."""
    if connection.vendor != "postgresql" or getattr(_overlapping, "writer", None) is not None:
        yield
        return
    assert connection.in_atomic_block, "overlapped inserts share the caller's transaction"
    with connection.cursor() as cursor:
        # Django's own check_constraints does the same around the checks it forces.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        writer = _Writer(cursor.cursor.connection)

    def wait_first(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        writer.wait()
        return execute(sql, params, many, context)

    _overlapping.writer = writer
    # The writer mostly waits for the server, and takes the interpreter back from the caller
    # at each reply: after 5 ms by default (the caller computing meanwhile), a few times a COPY,
    # hundreds of COPYs an import; so it is handed back sooner meanwhile.
    switching = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        with connection.execute_wrapper(wait_first):
            yield
            writer.wait()
    finally:
        sys.setswitchinterval(switching)
        _overlapping.writer = None
        writer.stop()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def ordered_uuids(count: int) -> list[UUID]:
    """``count`` new UUIDs of version 7 (RFC 9562), each greater than the one before: the time in
    milliseconds, a 12-bit counter (the time borrowed a millisecond ahead each 4,096 ids), then
    62 random bits. For many rows of a table keyed by UUID: each goes at the end of its primary
    key's and the foreign keys' indexes, where the B-tree keeps its last page to hand, not on a
    page of its own all over them; unguessable as a version 4 one by the random bits."""
    start = time.time_ns() // 1_000_000
    random = os.urandom(8 * count)
    return [
        _uuid(
            ((start + n // 4096) << 80)
            | (0x7000 | n % 4096) << 64
            | 1 << 63
            | int.from_bytes(random[8 * n : 8 * n + 8]) >> 2
        )
        for n in range(count)
    ]


def _uuid(value: int) -> UUID:
    """``UUID(int=value)`` for a value known to be in range: its two slots set as
    ``UUID.__init__`` sets them, without the keyword checks of its Python code (1.7 us of
    2.5, and an import makes two for every row). Python 3.14's ``UUID._from_int`` does the
    same."""
    made = object.__new__(UUID)
    object.__setattr__(made, "int", value)
    object.__setattr__(made, "is_safe", SafeUUID.unknown)
    return made


def next_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new values of ``model``'s auto-incremented key, for rows ``insert_rows`` writes
    and others then point at. On SQLite, only inside a transaction that holds the write lock (the
    settings begin every transaction IMMEDIATE), so nobody else takes them meanwhile."""
    meta = model._meta
    assert meta.pk is not None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, count],
            )
            return [value for (value,) in cursor.fetchall()]
        table = connection.ops.quote_name(meta.db_table)
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        found = cursor.fetchone()
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(meta.pk.column)}) FROM {table}")  # noqa: S608  # nosec B608  # names quoted by the code, values as parameters
        last = max(found[0] if found else 0, cursor.fetchone()[0] or 0)
    return list(range(last + 1, last + count + 1))


def update_rows(model: type[models.Model], rows: Sequence[Row], *, where_null: str = "") -> int:
    """Set the fields each of ``rows`` gives (values by attname; its primary key says which
    row), in one statement executed for them all; with ``where_null``, only where that field is
    still NULL. Every row gives the same fields. Returns how many rows changed."""
    if not rows:
        return 0
    meta = model._meta
    assert meta.pk is not None
    by_attname = {field.attname: field for field in meta.concrete_fields}
    fields = [by_attname[name] for name in rows[0] if name != meta.pk.attname]
    columns = [(field.attname, _preparer(field)) for field in (*fields, meta.pk)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    condition = f"{quote(meta.pk.column)} = %s"
    if where_null:
        condition += f" AND {quote(by_attname[where_null].column)} IS NULL"
    params = [
        tuple(
            value if prepare is None or value is None else prepare(value)
            for name, prepare in columns
            for value in (row[name],)
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {condition}",  # noqa: S608 (names quoted)  # nosec B608  # names quoted by the code, values as parameters
            params,
        )
        return cursor.rowcount
