"""Who is whom now: each record's surviving record, however long its chain of merges, and each
surviving record's cluster (itself and every record merged into it, directly or not).

A merge points the duplicate at the record it was merged into (``Person.merged_into``), and that
record may be merged in turn by a later import or an analyst: after a few imports a chain is
several steps long. Both walks are one recursive query (``WITH RECURSIVE``, on SQLite and
PostgreSQL alike) over a set of people given as a query, so the number of queries is the same
for one person or a hundred thousand, and for a chain of two steps or twenty.
"""

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import QuerySet

from casebridge.people.models import Person

# A chain longer than this is a cycle (which ``merge_records`` never makes), not a history.
LONGEST_CHAIN = 1_000


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _start(people: Sequence[QuerySet[Any]]) -> tuple[str, list[Any]]:
    """``people`` (querysets of one column of person ids) as one SQL condition on ``id``."""
    conditions: list[str] = []
    params: list[Any] = []
    for ids in people:
        sql, ids_params = ids.query.sql_with_params()
        conditions.append(f"id IN ({sql})")
        params.extend(ids_params)
    return " OR ".join(conditions), params


def merged_survivors_raw(people: QuerySet[Person]) -> dict[Any, Any]:
    """Each merged record among ``people`` with its surviving record, as the database driver
    gives ids (for comparing with other raw ids in bulk); anyone else survives as themselves.

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
        SELECT walk.start_id, walk.node_id
        FROM walk JOIN {table} person ON person.id = walk.node_id
        WHERE person.merged_into_id IS NULL
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, LONGEST_CHAIN])
        return dict(cursor.fetchall())


def raw_ids(ids: QuerySet[Any]) -> list[Any]:
    """A queryset of one column of ids, as the driver gives them (no conversion per row)."""
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def survivors(*, person_ids: Iterable[Any]) -> dict[UUID, UUID]:
    """Each of these people's surviving record: the end of their chain of merges, or
    themselves (one query)."""
    wanted = {_uuid(pk) for pk in person_ids}
    if not wanted:
        return {}
    merged = merged_survivors_raw(Person.objects.filter(pk__in=wanted))
    found = {_uuid(pk): _uuid(survivor) for pk, survivor in merged.items()}
    return {pk: found.get(pk, pk) for pk in wanted}


def survivor_of(person_id: Any) -> UUID:
    """The record a merge into this person goes into: the end of their chain of merges."""
    pk = _uuid(person_id)
    return survivors(person_ids=[pk])[pk]


def cluster_members(*, survivor_ids: Iterable[Any]) -> dict[UUID, UUID]:
    """Every record in these people's clusters (each survivor included), with its survivor."""
    wanted = {_uuid(pk) for pk in survivor_ids}
    if not wanted:
        return {}
    table = connection.ops.quote_name(Person._meta.db_table)
    start, params = _start([Person.objects.filter(pk__in=wanted).values("pk")])
    sql = f"""
        WITH RECURSIVE cluster(root_id, member_id, steps) AS (
            SELECT id, id, 0 FROM {table} WHERE {start}
            UNION ALL
            SELECT cluster.root_id, person.id, cluster.steps + 1
            FROM cluster JOIN {table} person ON person.merged_into_id = cluster.member_id
            WHERE cluster.steps < %s
        )
        SELECT member_id, root_id FROM cluster
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, LONGEST_CHAIN])
        return {_uuid(member): _uuid(root) for member, root in cursor.fetchall()}
