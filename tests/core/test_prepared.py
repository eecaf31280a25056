"""A query compiled once gives what the ORM gives, with its related records attached."""

from uuid import UUID

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casebridge.core.prepared import Prepared
from casebridge.pathways.models import Case
from tests.factories import CaseFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

CASE = Prepared(
    lambda pk: Case.objects.select_related("subject", "owner_team", "owner_user").filter(pk=pk),
    fields={"pk": Case._meta.pk},
    samples={"pk": UUID(int=1)},
)


def test_each_call_gives_the_record_of_its_own_values_with_its_relations_loaded():
    owned = CaseFactory(owner_user=UserFactory(), owner_team=TeamFactory())
    unowned = CaseFactory()

    with CaptureQueriesContext(connection) as queries:
        first, second = CASE.first(pk=owned.pk), CASE.first(pk=str(unowned.pk))
        seen = (first.owner_user.username, first.owner_team.name, second.owner_user)
        subjects = (first.subject.pk, second.subject.pk)

    assert len(queries) == 2
    assert (first.pk, second.pk) == (owned.pk, unowned.pk)
    assert seen == (owned.owner_user.username, owned.owner_team.name, None)
    assert subjects == (owned.subject_id, unowned.subject_id)
    assert first.referred_at == Case.objects.get(pk=owned.pk).referred_at


def test_no_record_is_none():
    assert CASE.first(pk=UUID(int=7)) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_postgresql_keeps_the_statement_prepared_and_the_query_log_still_sees_each_run():
    cases = [CaseFactory() for _ in range(3)]

    with CaptureQueriesContext(connection) as queries:
        found = [CASE.first(pk=case.pk) for case in cases]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['SELECT "pathways_case"."id"%'],
        )
        (prepared,) = cursor.fetchone()

    assert [case.pk for case in found] == [case.pk for case in cases]
    assert len(queries) == 3
    assert prepared == 1
