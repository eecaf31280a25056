"""A query compiled once gives what the ORM gives, with its related records attached."""

from uuid import UUID

import pytest
from django.db import DEFAULT_DB_ALIAS, DataError, connection, connections, transaction
from django.db.models import Model
from django.db.models.signals import pre_init
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from casebridge.core.prepared import Prepared, statement_cursor
from casebridge.pathways.models import Case, CaseEvent
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


def _as_loaded(record: Model) -> tuple[dict[str, object], bool, str | None, dict[str, object]]:
    fields = {name: value for name, value in vars(record).items() if name != "_state"}
    return fields, record._state.adding, record._state.db, record._state.fields_cache


def test_records_are_made_as_the_orm_makes_them_signals_included():
    case = CaseFactory(owner_user=UserFactory(), owner_team=TeamFactory())
    CaseEvent.objects.create(
        case=case, occurred_at=case.referred_at, kind=CaseEvent.Kind.NOTE, actor=UserFactory()
    )
    timeline = Prepared(
        lambda case_id: CaseEvent.objects.select_related("actor").filter(case_id=case_id),
        fields={"case_id": CaseEvent._meta.get_field("case")},
        samples={"case_id": UUID(int=1)},
    )

    made, loaded = CASE.first(pk=case.pk), Case.objects.get(pk=case.pk)
    (event,) = timeline.all(case_id=case.pk)
    (orm_event,) = CaseEvent.objects.select_related("actor").filter(case_id=case.pk)

    # The case is protected: its post_init receiver kept its state as loaded, as for the ORM's.
    assert "_access_state" in vars(made)
    fields, adding, db, cached = _as_loaded(made)
    orm_fields, orm_adding, orm_db, _ = _as_loaded(loaded)
    assert (fields, adding, db) == (orm_fields, orm_adding, orm_db) == (fields, False, "default")
    assert set(cached) == {"subject", "owner_team", "owner_user"}
    assert _as_loaded(made.owner_user)[:3] == _as_loaded(loaded.owner_user)[:3]
    assert _as_loaded(event)[:3] == _as_loaded(orm_event)[:3]
    assert _as_loaded(event.actor)[:3] == _as_loaded(orm_event.actor)[:3]
    # Changing a loaded foreign key forgets the related record, as it does on the ORM's.
    event.actor_id = None
    assert event.actor is None


def test_a_receiver_connected_later_sees_the_records_made():
    case = CaseFactory()
    CASE.first(pk=case.pk)
    seen: list[Model] = []

    def receiver(sender: type[Model], **kwargs: object) -> None:
        seen.append(sender)

    pre_init.connect(receiver, sender=Case)
    try:
        CASE.first(pk=case.pk)
    finally:
        pre_init.disconnect(receiver, sender=Case)
    assert seen == [Case]


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


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the statement cursor is kept on PostgreSQL"
)


def _one(value: int) -> int:
    with statement_cursor() as cursor:
        cursor.execute("SELECT CAST(%s AS integer)", [value])
        (found,) = cursor.fetchone()
    return found


@postgresql_only
def test_the_statement_cursor_is_kept_for_its_connection_and_made_again_for_a_new_one():
    with statement_cursor() as first:
        pass
    with statement_cursor() as again:
        pass
    # As after a reconnection (the tests' transaction forbids a real one): another psycopg
    # connection under the same Django connection.
    wrapper = connections[DEFAULT_DB_ALIAS]
    used = wrapper.connection
    replacement = wrapper.get_new_connection(wrapper.get_connection_params())
    try:
        wrapper.connection = replacement
        with statement_cursor() as after_reconnecting:
            pass
        value = _one(5)
    finally:
        wrapper.connection = used
        replacement.close()

    assert again is first
    assert after_reconnecting is not first
    assert after_reconnecting.cursor.connection is replacement
    assert value == 5


@postgresql_only
def test_a_closed_statement_cursor_is_made_again():
    with statement_cursor() as first:
        first.close()

    assert _one(6) == 6


@postgresql_only
def test_the_kept_cursor_is_reused_while_queries_are_not_logged():
    # (The tests' queries are logged only inside CaptureQueriesContext: DEBUG is off.)
    assert not connection.queries_logged
    with statement_cursor() as first:
        first.execute("SELECT 1")
    with statement_cursor() as second:
        second.execute("SELECT 2")

    assert second is first


@postgresql_only
def test_the_statement_cursor_translates_errors_and_honours_the_transaction():
    with transaction.atomic():
        # A statement that fails inside a savepoint: Django's exception; the savepoint rolled
        # back, the transaction and the cursor go on.
        with pytest.raises(DataError), transaction.atomic(), statement_cursor() as cursor:
            cursor.execute("SELECT CAST(%s AS integer)", ["not a number"])
        assert _one(7) == 7

        # Without a savepoint the failure marks the whole transaction for rollback: the next
        # statement is refused, as for any other cursor.
        with pytest.raises(DataError), transaction.atomic(savepoint=False):
            _one_from("not a number")
        with pytest.raises(TransactionManagementError):
            _one(8)

    assert _one(9) == 9


def _one_from(text: str) -> None:
    with statement_cursor() as cursor:
        cursor.execute("SELECT CAST(%s AS integer)", [text])


def test_the_query_log_and_the_execute_wrappers_see_each_statement():
    seen = []

    def watch(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append(sql)
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(watch):
        values = [_one(10), _one(11)]
    with connection.execute_wrapper(watch):
        values.append(_one(12))

    assert values == [10, 11, 12]
    assert len(queries) == 2
    assert seen == ["SELECT CAST(%s AS integer)"] * 3
