"""`casebridge grant-role`: the one way to a privileged role, named and audited."""

import pytest
from django.core.management import CommandError, call_command

from casebridge.audit.models import AuditEvent
from casebridge.audit.verification import verify_chain
from tests.factories import UserFactory, role

pytestmark = pytest.mark.django_db

REASON = "Information governance lead from 1 April, agreed by the board"


def test_grants_a_privileged_role_in_an_administrators_name(capsys):
    admin = UserFactory(role=role("sysadmin"), is_staff=True)
    colleague = UserFactory(username="jo.lead")

    call_command("grant_role", "jo.lead", "auditor", "--as", admin.username, "--reason", REASON)

    colleague.refresh_from_db()
    assert colleague.role_codes == {"practitioner", "auditor"}
    assert "jo.lead now holds the role auditor" in capsys.readouterr().out
    entry = AuditEvent.objects.latest("sequence")
    assert (entry.actor, entry.object_id, entry.reason) == (admin, str(colleague.pk), REASON)
    assert entry.flagged
    assert entry.changes == {"roles": [["practitioner"], ["auditor", "practitioner"]]}
    assert verify_chain().intact


def test_granting_the_administrator_role_opens_the_admin_site():
    admin = UserFactory(role=role("sysadmin"), is_staff=True)
    colleague = UserFactory()

    call_command(
        "grant_role", colleague.username, "sysadmin", "--as", admin.username, "--reason", REASON
    )

    colleague.refresh_from_db()
    assert colleague.is_staff
    assert colleague.has_perm("accounts.change_user")
    assert not colleague.is_superuser


def test_refuses_an_administrator_granting_themselves():
    admin = UserFactory(role=role("sysadmin"), is_staff=True)
    with pytest.raises(CommandError, match="themselves"):
        call_command(
            "grant_role", admin.username, "auditor", "--as", admin.username, "--reason", REASON
        )
    admin.refresh_from_db()
    assert admin.role_codes == {"sysadmin"}


def test_refuses_an_unknown_role():
    admin = UserFactory(role=role("sysadmin"), is_staff=True)
    with pytest.raises(CommandError, match="No role 'root'"):
        call_command(
            "grant_role", UserFactory().username, "root", "--as", admin.username, "--reason", REASON
        )
