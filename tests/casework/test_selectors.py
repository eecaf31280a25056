"""Reading casework: the current tier, a case's casework with labels, and who is due a contact."""

from datetime import date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casebridge.casework.selectors import case_casework, contacts_due, current_tier
from casebridge.pathways.services import case_activity_record
from tests.casework.factories import (
    IomCaseFactory,
    NeedFactory,
    ServiceReferralFactory,
    TierAssignmentFactory,
    pathway,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

TODAY = date(2022, 4, 10)


def at(day: int) -> datetime:
    return timezone.make_aware(datetime.combine(date(2022, 4, day), time(10)))


def tiered(tier: str, on: int, **case_fields):
    case = IomCaseFactory(**case_fields)
    TierAssignmentFactory(case=case, tier=tier, assigned_on=date(2022, 4, on))
    return case


def contact(officer, case, day: int, activity: str = "contact") -> None:
    case_activity_record(
        actor=officer, case=case, activity=activity, text="Seen at home", occurred_at=at(day)
    )


def test_the_current_tier_is_the_latest_by_day_not_by_entry(iom_case):
    TierAssignmentFactory(case=iom_case, tier="red", assigned_on=date(2022, 4, 5))
    TierAssignmentFactory(case=iom_case, tier="green", assigned_on=date(2022, 4, 1))
    assert current_tier(case=iom_case).tier == "red"


def test_a_case_without_a_tier_has_no_current_tier(iom_case):
    assert current_tier(case=iom_case) is None


def test_casework_carries_the_definitions_labels(iom_case):
    TierAssignmentFactory(case=iom_case, tier="amber")
    NeedFactory(case=iom_case, area="accommodation", outcome="housed", outcome_on=TODAY)
    ServiceReferralFactory(
        case=iom_case, started_on=TODAY, ended_on=TODAY, elements_completed=["mentoring"]
    )
    casework = case_casework(case=iom_case)
    assert casework.current_tier[1] == "Amber: medium risk and vulnerability"
    need = casework.needs[0]
    assert (need.area_label, need.outcome_label) == (
        "Accommodation",
        "Housed in settled accommodation",
    )
    referral = casework.referrals[0]
    assert referral.service_label == "Fitness and mentoring academy"
    assert referral.element_labels == ["Mentoring"]


@pytest.fixture
def cohort(officer):
    """Four cohort members in different states of contact, and cases that are not listed."""
    red = tiered("red", 1, subject=PersonFactory(name=("Rob", "Red")))
    contact(officer, red, 5)  # due on the 6th: 4 days overdue
    contact(officer, red, 3)
    green = tiered("green", 1, subject=PersonFactory(name=("Gus", "Green")))
    contact(officer, green, 9)  # due on the 12th
    never = tiered("amber", 7)  # never contacted: due a day after the tier, 2 days overdue
    reviewed = tiered("green", 1, state="non_statutory")
    contact(officer, reviewed, 9, activity="multi_agency_review")  # not a contact: due on the 4th
    tiered("red", 1, state="proposed")
    tiered("red", 1, state="removed")
    IomCaseFactory()
    return {"red": red, "green": green, "never": never, "reviewed": reviewed}


def test_contacts_due_lists_working_tiered_cases_most_overdue_first(officer, cohort):
    rows = contacts_due(user=officer, pathway=pathway("iom"), today=TODAY)
    assert [row.case for row in rows] == [
        cohort["reviewed"],
        cohort["red"],
        cohort["never"],
        cohort["green"],
    ]
    assert [row.days_overdue for row in rows] == [6, 4, 2, 0]
    assert [row.due_on.day for row in rows] == [4, 6, 8, 12]


def test_contacts_due_says_the_tier_its_frequency_and_the_last_contact(officer, cohort):
    red = contacts_due(user=officer, pathway=pathway("iom"), today=TODAY)[1]
    assert (red.subject_name, red.tier, red.contact_within_days) == ("Rob Red", "red", 1)
    assert red.tier_label == "Red: high risk and vulnerability"
    assert red.last_contact == at(5)
    assert red.is_overdue


def test_a_contact_resets_the_clock_on_the_day_it_was_made(officer, cohort):
    contact(officer, cohort["red"], 10)
    rows = {
        row.case: row for row in contacts_due(user=officer, pathway=pathway("iom"), today=TODAY)
    }
    assert (rows[cohort["red"]].due_on, rows[cohort["red"]].days_overdue) == (date(2022, 4, 11), 0)


def test_a_new_tier_changes_how_often_contact_is_due(officer, cohort):
    TierAssignmentFactory(case=cohort["green"], tier="red", assigned_on=date(2022, 4, 9))
    rows = {
        row.case: row for row in contacts_due(user=officer, pathway=pathway("iom"), today=TODAY)
    }
    assert rows[cohort["green"]].due_on == date(2022, 4, 10)


def test_another_agency_sees_no_contacts_due(key_worker, cohort):
    assert contacts_due(user=key_worker, pathway=pathway("iom"), today=TODAY) == []


def test_a_pathway_without_tiers_has_no_contacts_due(key_worker, womens_case):
    assert contacts_due(user=key_worker, pathway=womens_case.pathway, today=TODAY) == []


def test_contacts_due_does_not_query_per_case(officer, cohort):
    with CaptureQueriesContext(connection) as few:
        contacts_due(user=officer, pathway=pathway("iom"), today=TODAY)
    for _ in range(5):
        contact(officer, tiered("amber", 1), 2)
    with CaptureQueriesContext(connection) as many:
        rows = contacts_due(user=officer, pathway=pathway("iom"), today=TODAY)
    assert len(rows) == 9
    assert len(many.captured_queries) == len(few.captured_queries)
