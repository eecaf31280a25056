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
    conditions, params = [], []
    for ids in people:
        sql, ids_params = ids.query.sql_with_params()
        conditions.append(f"id IN ({sql})")
        params.extend(ids_params)
    return " OR ".join(conditions), params


def survivors_of(*people: QuerySet[Any]) -> dict[UUID, UUID]:
    """Each person in ``people`` (querysets of person ids, e.g. ``reviews.values("incoming")``)
    with their surviving record: the end of their chain of merges, or themselves."""
    if not people:
        return {}
    table = connection.ops.quote_name(Person._meta.db_table)
    start, params = _start(people)
    sql = f"""
        WITH RECURSIVE walk(start_id, node_id, steps) AS (
            SELECT id, id, 0 FROM {table} WHERE {start}
            UNION ALL
            SELECT walk.start_id, person.merged_into_id, walk.steps + 1
            FROM walk JOIN {table} person ON person.id = walk.node_id
            WHERE person.merged_into_id IS NOT NULL AND walk.steps < %s
        )
        SELECT walk.start_id, walk.node_id
        FROM walk JOIN {table} person ON person.id = walk.node_id
        WHERE person.merged_into_id IS NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, LONGEST_CHAIN])
        return {_uuid(start_id): _uuid(node_id) for start_id, node_id in cursor.fetchall()}


def survivors(*, person_ids: Iterable[Any]) -> dict[UUID, UUID]:
    """Each of these people's surviving record (one query)."""
    wanted = {_uuid(pk) for pk in person_ids}
    if not wanted:
        return {}
    found = survivors_of(Person.objects.filter(pk__in=wanted).values("pk"))
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
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, LONGEST_CHAIN])
        return {_uuid(member): _uuid(root) for member, root in cursor.fetchall()}
