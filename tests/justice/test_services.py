"""Recording a woman's contacts with the criminal justice system on her case."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from casebridge.access.policy import AccessDenied
from casebridge.agencies.models import Agency
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.justice.models import JusticeContact
from casebridge.justice.selectors import case_justice_contacts
from casebridge.justice.services import justice_contact_record
from tests.casework.factories import IomCaseFactory, WomensCaseFactory
from tests.factories import AgencyFactory, UserFactory, role
from tests.justice.factories import JusticeContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre():
    return AgencyFactory(kind=Agency.Kind.CHARITY)


@pytest.fixture
def key_worker(centre):
    return UserFactory(agency=centre)


@pytest.fixture
def case(centre):
    return WomensCaseFactory(owner_agency=centre)


def record(actor, case, **values):
    values = {"stage": "arrest", "occurred_on": date(2024, 3, 1), **values}
    return justice_contact_record(actor=actor, case=case, **values)


def test_a_key_worker_records_a_sentence_with_its_outcome_and_offence_date(key_worker, case):
    contact = record(
        key_worker,
        case,
        stage="sentence",
        outcome="community_order",
        occurred_on=date(2024, 3, 1),
        offence_on=date(2023, 11, 5),
        notes="  Treatment requirement  ",
    )
    assert (contact.stage, contact.outcome, contact.offence_on) == (
        "sentence",
        "community_order",
        date(2023, 11, 5),
    )
    assert contact.notes == "Treatment requirement" and contact.recorded_by == key_worker


def test_a_stage_with_outcomes_needs_one_of_its_own(key_worker, case):
    for outcome in ("", "caution", "invented"):  # a caution is not a sentence
        with pytest.raises(ApplicationError) as error:
            record(key_worker, case, stage="sentence", outcome=outcome)
        assert error.value.field == "outcome"
        assert "outcome of the sentenced" in error.value.message.lower()
    assert not JusticeContact.objects.exists()


def test_a_stage_without_outcomes_refuses_one(key_worker, case):
    with pytest.raises(ApplicationError, match="No outcome is recorded for arrest") as error:
        record(key_worker, case, stage="arrest", outcome="convicted")
    assert error.value.field == "outcome"


def test_an_unknown_stage_is_refused(key_worker, case):
    with pytest.raises(ApplicationError) as error:
        record(key_worker, case, stage="interview")
    assert error.value.field == "stage"


def test_a_contact_after_today_is_refused(key_worker, case):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ApplicationError, match="today or in the past") as error:
        record(key_worker, case, occurred_on=tomorrow)
    assert error.value.field == "occurred_on"


def test_today_is_the_uk_day_late_in_the_evening(key_worker, case):
    # 23:30 in London in summer is already tomorrow in UTC: the UK day decides.
    with time_machine.travel(timezone.make_aware(datetime(2024, 7, 1, 23, 30)), tick=False):
        assert record(key_worker, case, occurred_on=date(2024, 7, 1)).pk
        with pytest.raises(ApplicationError, match="today or in the past"):
            record(key_worker, case, occurred_on=date(2024, 7, 2))


def test_the_offence_cannot_come_after_the_contact(key_worker, case):
    with pytest.raises(ApplicationError) as error:
        record(key_worker, case, occurred_on=date(2024, 3, 1), offence_on=date(2024, 3, 2))
    assert error.value.field == "offence_on"
    assert record(key_worker, case, offence_on=date(2024, 3, 1)).pk  # the same day is fine


def test_a_closed_case_is_refused(key_worker, centre):
    closed = WomensCaseFactory(owner_agency=centre, state="closed")
    with pytest.raises(ApplicationError, match="closed"):
        record(key_worker, closed)


def test_only_a_pathway_that_records_justice_contacts_takes_them():
    officer = UserFactory(agency=AgencyFactory(kind=Agency.Kind.POLICE))
    iom = IomCaseFactory(owner_agency=officer.agency)
    with pytest.raises(ApplicationError, match="does not record contacts"):
        record(officer, iom)


@pytest.mark.parametrize(
    "who",
    [
        lambda centre: UserFactory(agency=AgencyFactory(kind=Agency.Kind.CHARITY)),
        lambda centre: UserFactory(agency=centre, role=role("manager")),
        lambda centre: UserFactory(agency=AgencyFactory(kind=Agency.Kind.POLICE)),
    ],
    ids=["another women's centre", "a manager", "the police"],
)
def test_only_those_who_may_change_the_case_record_contacts(who, centre, case):
    with pytest.raises(AccessDenied):
        record(who(centre), case)
    assert not JusticeContact.objects.exists()


def test_recording_is_audited_without_the_notes_and_on_the_timeline(key_worker, case):
    contact = record(
        key_worker,
        case,
        stage="out_of_court_disposal",
        outcome="conditional_caution",
        occurred_on=date(2024, 3, 1),
        notes="Talked about her debts",
    )
    entry = AuditEvent.objects.get(object_type="justice_contact", object_id=str(contact.pk))
    assert entry.action == "create" and entry.actor == key_worker
    assert entry.changes["outcome"] == [None, "conditional_caution"]
    assert "debts" not in str(entry.changes) and entry.changes["notes"] is True
    event = case.timeline.get()
    assert event.text == "Criminal justice contact: Out-of-court disposal: Conditional caution"
    assert timezone.localdate(event.occurred_at) == date(2024, 3, 1)


def test_a_case_lists_its_contacts_oldest_first(case):
    later = JusticeContactFactory(case=case, occurred_on=date(2024, 5, 1), stage="charge")
    earlier = JusticeContactFactory(case=case, occurred_on=date(2024, 1, 1))
    JusticeContactFactory()  # another woman's
    assert list(case_justice_contacts(case=case)) == [earlier, later]
