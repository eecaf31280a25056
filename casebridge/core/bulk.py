"""Set-based inserts of many rows without building a model instance for each.

``bulk_create`` builds, checks and compiles every object field by field, which costs more than
the database's own work once a table takes tens of thousands of rows at a time (an import's
people, names, addresses and records). These write plain rows instead: one statement for a
chunk on SQLite (``executemany``), a binary ``COPY`` on PostgreSQL. A column a row leaves out
takes its field's default (``auto_now`` ones the time of the insert), as ``bulk_create`` would
give it.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

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
) -> Callable[[], Any]:
    """The value, ready for the driver, of ``field`` in a row that leaves it out."""
    auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    if not auto and field.has_default() and callable(field.default):
        if prepare is None:
            return field.get_default
        return lambda: prepare(field.get_default())
    value = now if auto else field.get_default()
    # A constant, so prepared once for every row.
    if prepare is not None and value is not None:
        value = prepare(value)
    return lambda: value


def insert_rows(model: type[models.Model], rows: Sequence[Row]) -> None:
    """Insert ``rows`` (values by field attname, ``victim_id`` say) into ``model``'s table.

    Every row gives the same fields (those of the first); a field they leave out takes its
    default. An auto-incremented primary key is left to the database unless the rows give it
    (``next_ids``). Runs in the caller's transaction; no signals are sent, as with bulk_create.
    """
    if not rows:
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    given = [field for field in meta.concrete_fields if field.attname in rows[0]]
    left_out = [
        field
        for field in meta.concrete_fields
        if field.attname not in rows[0]
        and not (field is pk and isinstance(field, models.AutoField))
    ]
    now = timezone.now()
    pick = itemgetter(*(field.attname for field in given))
    copying = connection.vendor == "postgresql"
    preparer = _binary_preparer if copying else _preparer

    # (position, how) of each given value the driver can't take as it is.
    preparing = [
        (position, prepare)
        for position, field in enumerate(given)
        if (prepare := preparer(field)) is not None
    ]
    defaults = [_missing(field, now, preparer(field)) for field in left_out]

    def values(row: Row) -> tuple[Any, ...]:
        picked = pick(row)
        out = list(picked) if len(given) > 1 else [picked]
        for position, prepare in preparing:
            if (value := out[position]) is not None:
                out[position] = prepare(value)
        out += [default() for default in defaults]
        return tuple(out)

    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(field.column) for field in (*given, *left_out))
    with connection.cursor() as cursor:
        if copying:
            # Binary, the columns' types given: the driver writes each value by its column's
            # binary writer (no text to escape, no writer looked up by each value's type),
            # and the server reads it without parsing text.
            statement = f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)"
            # The driver's cursor, so its errors raised as Django's (IntegrityError...).
            with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
                copy.set_types([_copy_type(field) for field in (*given, *left_out)])
                for row in rows:
                    copy.write_row(values(row))
        else:
            placeholders = ", ".join(["%s"] * (len(given) + len(left_out)))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608 (names quoted)
                [values(row) for row in rows],
            )


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
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(meta.pk.column)}) FROM {table}")  # noqa: S608
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
            f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {condition}",  # noqa: S608 (names quoted)
            params,
        )
        return cursor.rowcount
