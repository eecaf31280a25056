"""Who is whom now: each record's surviving record, however long its chain of merges.

A merge points the duplicate at the record it was merged into (``Person.merged_into``), and that
record may be merged in turn by a later import or an analyst: after a few imports a chain is
several steps long. The walk is one recursive query (``WITH RECURSIVE``, on SQLite and
PostgreSQL alike) over a set of people given as a query, so the number of queries is the same
for one person or a hundred thousand, and for a chain of two steps or twenty.
"""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from casebridge.people.models import Person

# A chain longer than this is a cycle (which ``merge_records`` never makes), not a history.
LONGEST_CHAIN = 1_000


def as_uuid(value: Any) -> UUID:
    """An id as a UUID, from a UUID or its text (with dashes on PostgreSQL, hex on SQLite)."""
    return value if isinstance(value, UUID) else UUID(str(value))


def text_id(field: str) -> Cast:
    """A column of ids as the database writes them as text (as ``merged_survivors_text``)."""
    return Cast(field, TextField())


def merged_survivors_text(people: QuerySet[Person]) -> dict[Any, Any]:
    """Each merged record among ``people`` with its surviving record, both ids as the database
    writes them as text (``text_id``: cheap to compare in bulk, where a ``UUID`` made and
    hashed per id is not); anyone else survives as themselves.

    Give ``people`` as a query (``Exists`` of the rows that name them, say) rather than a list:
    the database then starts from the merged records, usually far fewer."""
    # Only the table's name and Django's compiled query go into the text; values are params.
    table = connection.ops.quote_name(Person._meta.db_table)
    merged = people.filter(merged_into__isnull=False).values_list("pk", "merged_into")
    seed, params = merged.query.sql_with_params()
    sql = f"""
        WITH RECURSIVE walk(start_id, node_id, steps) AS (
            SELECT seed.*, 1 FROM ({seed}) seed
            UNION ALL
            SELECT walk.start_id, person.merged_into_id, walk.steps + 1
            FROM walk JOIN {table} person ON person.id = walk.node_id
            WHERE person.merged_into_id IS NOT NULL AND walk.steps < %s
        )
        SELECT CAST(walk.start_id AS TEXT), CAST(walk.node_id AS TEXT)
        FROM walk JOIN {table} person ON person.id = walk.node_id
        WHERE person.merged_into_id IS NULL
    """  # noqa: S608  # nosec B608  # Django's compiled SQL and a quoted name, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, LONGEST_CHAIN])
        return dict(cursor.fetchall())


def survivors(*, person_ids: Iterable[Any]) -> dict[UUID, UUID]:
    """Each of these people's surviving record: the end of their chain of merges, or
    themselves (one query)."""
    wanted = {as_uuid(pk) for pk in person_ids}
    if not wanted:
        return {}
    merged = merged_survivors_text(Person.objects.filter(pk__in=wanted))
    found = {as_uuid(pk): as_uuid(survivor) for pk, survivor in merged.items()}
    return {pk: found.get(pk, pk) for pk in wanted}


def survivor_of(person_id: Any) -> UUID:
    """The record a merge into this person goes into: the end of their chain of merges."""
    pk = as_uuid(person_id)
    return survivors(person_ids=[pk])[pk]
