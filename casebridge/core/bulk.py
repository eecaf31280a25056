"""Set-based inserts of many rows without building a model instance for each.

``bulk_create`` builds, checks and compiles every object field by field, which costs more than
the database's own work once a table takes tens of thousands of rows at a time (an import's
people, names, addresses and records). These write plain rows instead: one statement for a
chunk on SQLite (``executemany``), ``COPY`` on PostgreSQL. A column a row leaves out takes its
field's default (``auto_now`` ones the time of the insert), as ``bulk_create`` would give it.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

# The types whose Python values the database driver can't take as they are (a UUID on SQLite
# is its hex, a JSON value its text...): these go through the field's own preparation.
PREPARED_TYPES = frozenset(
    {"UUIDField", "DateTimeField", "DateField", "JSONField", "TimeField", "DecimalField"}
)
Row = Mapping[str, Any]


def _prepared(field: models.Field) -> bool:  # type: ignore[type-arg]
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    return target.get_internal_type() in PREPARED_TYPES


def _default(field: models.Field, now: object) -> Callable[[], Any]:  # type: ignore[type-arg]
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda: now
    if field.has_default() and callable(field.default):
        return field.get_default
    value = field.get_default()
    return lambda: value


def insert_rows(model: type[models.Model], rows: Sequence[Row]) -> None:
    """Insert ``rows`` (values by field attname, ``victim_id`` say) into ``model``'s table.

    An auto-incremented primary key is left to the database unless the rows give it
    (``next_ids``). Runs in the caller's transaction; no signals are sent, as with bulk_create.
    """
    if not rows:
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [
        field
        for field in meta.concrete_fields
        if not (field is pk and isinstance(field, models.AutoField) and pk.attname not in rows[0])
    ]
    now = timezone.now()
    columns = [
        (field.attname, _default(field, now), field if _prepared(field) else None)
        for field in fields
    ]

    def values(row: Row) -> tuple[Any, ...]:
        out = []
        for name, default, field in columns:
            value = row[name] if name in row else default()
            if field is not None and value is not None:
                value = field.get_db_prep_save(value, connection)
            out.append(value)
        return tuple(out)

    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
        else:
            placeholders = ", ".join(["%s"] * len(fields))
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
