import pytest
from django.db import DatabaseError, transaction

from casebridge.audit.models import AuditEvent
from casebridge.audit.services import audit_record
from casebridge.audit.verification import verify_chain
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_entries_chain_and_verify():
    user = UserFactory()
    for n in range(3):
        audit_record(actor=user, action="view", object_type="person", object_id=n)
    report = verify_chain()
    assert report.intact
    assert report.entries_checked == AuditEvent.objects.count()


def test_editing_an_audit_row_is_refused():
    event = audit_record(actor=UserFactory(), action="view", object_type="person", object_id=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="nothing to see")


def test_deleting_an_audit_row_is_refused():
    event = audit_record(actor=UserFactory(), action="view", object_type="person", object_id=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
