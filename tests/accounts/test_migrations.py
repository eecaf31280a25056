"""Migration accounts 0003 makes each user's one role the first of their roles, and back when
reversed: nobody loses their access, and nobody gains any."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from casebridge.accounts.models import User
from tests.factories import UserFactory, role

# On PostgreSQL, whose schema changes are transactional, so the test's own transaction undoes
# them; SQLite's schema editor refuses to run inside one, and the migration's SQL is the same.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

ONE_ROLE = [("accounts", "0002_sign_in_throttle")]
ROLES = [("accounts", "0004_invitation")]


def migrate(targets: list[tuple[str, str]]) -> None:
    with connection.cursor() as cursor:
        # The test's rows are checked at commit: now, so that their tables may be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    MigrationExecutor(connection).migrate(targets)


def one_role(users: list[User]) -> dict[int, int | None]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, role_id FROM accounts_user WHERE id = ANY(%s)", [[u.pk for u in users]]
        )
        return dict(cursor.fetchall())


def test_every_role_is_carried_over_both_ways():
    manager = UserFactory(role=role("manager"))
    lead = UserFactory(roles=[role("practitioner")])
    lead.roles.add(role("agency_lead"))  # granted second
    nobody = UserFactory(role=None)

    migrate(ONE_ROLE)
    assert one_role([manager, lead, nobody]) == {
        manager.pk: role("manager").pk,
        lead.pk: role("practitioner").pk,  # the role held first
        nobody.pk: None,
    }

    migrate(ROLES)
    held = {user.pk: User.objects.get(pk=user.pk).role_codes for user in (manager, lead, nobody)}
    assert held == {manager.pk: {"manager"}, lead.pk: {"practitioner"}, nobody.pk: set()}
