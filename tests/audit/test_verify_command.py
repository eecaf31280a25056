import pytest
from django.core.management import CommandError, call_command

from casebridge.audit.services import audit_record
from tests.audit.test_tampering import drop_protection, sql
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reports_an_intact_chain(capsys):
    audit_record(actor=UserFactory(), action="view", object_type="person", object_id=1)
    call_command("verify_audit")
    assert "Audit chain intact" in capsys.readouterr().out


def test_names_the_first_broken_entry():
    user = UserFactory()
    events = [
        audit_record(actor=user, action="view", object_type="case", object_id=n) for n in range(4)
    ]
    drop_protection()
    sql(
        "UPDATE audit_auditevent SET reason = 'cover story' WHERE sequence = %s",
        [events[2].sequence],
    )
    with pytest.raises(
        CommandError, match=f"broken at entry {events[2].sequence}: its contents were changed"
    ):
        call_command("verify_audit")
