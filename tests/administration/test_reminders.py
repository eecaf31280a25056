"""Weekly, whoever may confirm a due access review is reminded (an agency's own lead); an
agency with nobody to confirm it is named to the system administrator; a confirmed review
reminds nobody."""

import pytest
from django.core import mail

from casebridge.administration.selectors import access_review_rows
from casebridge.administration.services import access_review_confirm, access_reviews_remind
from casebridge.audit.models import AuditEvent
from casebridge.notifications.models import Notification
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def _told(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


def test_each_agencys_lead_is_reminded_of_its_review_and_no_one_else(
    office, django_capture_on_commit_callbacks
):
    office.lead_a.email = "lead@agency-a.example"
    office.lead_a.save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        assert access_reviews_remind() == 2

    (text,) = _told(office.lead_a)
    assert text.startswith("1 access review for ") and text.endswith("waiting for you to confirm.")
    assert len(_told(office.lead_b)) == 1
    for not_told in (office.sysadmin, office.staff_a, office.staff_b):
        assert not _told(not_told)
    (email,) = mail.outbox
    assert email.to == ["lead@agency-a.example"] and "Agency A" not in email.body
    assert (
        AuditEvent.objects.filter(object_type="notification", actor_username="system").count() == 2
    )


def test_a_confirmed_review_reminds_nobody(office):
    keep = {
        row.user.pk: True for row in access_review_rows(user=office.lead_a, agency=office.agency_a)
    }
    access_review_confirm(actor=office.lead_a, agency=office.agency_a, keep=keep, note="")

    assert access_reviews_remind() == 1
    assert not _told(office.lead_a) and len(_told(office.lead_b)) == 1


def test_an_agency_without_a_lead_is_named_to_the_administrator(office):
    UserFactory(agency=AgencyFactory(name="Agency C"))

    assert access_reviews_remind() == 3

    (text,) = _told(office.sysadmin)
    assert text.startswith("1 agency has nobody to confirm its access review for ")
    assert text.endswith("give one of its staff the agency lead role.")
