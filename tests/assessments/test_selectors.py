"""Reading assessments: the latest for the MARAC criteria, a person's list, one assessment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casebridge.access.policy import AccessDenied
from casebridge.assessments.selectors import (
    assessment_get,
    assessments_for_person,
    latest_assessment,
    referral_criteria_met,
)
from tests.assessments.factories import CHECKLIST, AssessmentFactory
from tests.factories import CaseFactory, PersonFactory
from tests.world import make_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instruments")]


@pytest.fixture
def world():
    return make_world()


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def test_latest_assessment_is_the_newest_on_or_before_the_date_across_person_records():
    record, duplicate, stranger = PersonFactory(), PersonFactory(), PersonFactory()
    AssessmentFactory(person=record, assessed_at=days_ago(30), yes=3)
    middle = AssessmentFactory(person=duplicate, assessed_at=days_ago(20), yes=15)
    newest = AssessmentFactory(person=record, assessed_at=days_ago(5), yes=4)
    AssessmentFactory(person=stranger, assessed_at=days_ago(1))
    ids = [record.pk, duplicate.pk]

    assert latest_assessment(person_ids=ids, instrument_code=CHECKLIST) == newest
    found = latest_assessment(person_ids=ids, instrument_code=CHECKLIST, on_or_before=days_ago(10))
    assert found == middle
    assert (
        latest_assessment(
            person_ids=ids, instrument_code=CHECKLIST, on_or_before=middle.assessed_at
        )
        == middle
    )
    too_early = days_ago(40)
    assert (
        latest_assessment(person_ids=ids, instrument_code=CHECKLIST, on_or_before=too_early) is None
    )
    assert latest_assessment(person_ids=ids, instrument_code="other-instrument") is None


@pytest.mark.parametrize(
    ("yes", "raised_to", "criteria"),
    [(14, "", ["visible_high_risk"]), (13, "", []), (13, "high", ["visible_high_risk"])],
)
def test_referral_criteria_follow_the_final_band(yes, raised_to, criteria):
    assessment = AssessmentFactory(yes=yes)
    if raised_to:
        assessment = AssessmentFactory(
            yes=yes, professional_judgement_band=raised_to, final_band=raised_to
        )
    assert referral_criteria_met(assessment=assessment, pathway_code="da-marac") == criteria
    assert referral_criteria_met(assessment=assessment, pathway_code="idva") == []


def test_a_persons_assessments_newest_first_only_for_those_who_may_see_them(world):
    older = AssessmentFactory(person=world.person, assessed_at=days_ago(9))
    newer = AssessmentFactory(person=world.person, assessed_at=days_ago(2))
    AssessmentFactory()  # someone else's
    shown = assessments_for_person(user=world.practitioner_a, person=world.person)
    assert list(shown) == [newer, older]
    with pytest.raises(AccessDenied):
        assessments_for_person(user=world.practitioner_b, person=world.person)


def test_assessment_get_refuses_a_user_who_cannot_see_the_person(world):
    assessment = AssessmentFactory(person=world.person)
    assert assessment_get(user=world.practitioner_a, assessment_id=assessment.pk) == assessment
    with pytest.raises(AccessDenied) as raised:
        assessment_get(user=world.practitioner_b, assessment_id=assessment.pk)
    assert raised.value.object_type == "assessment"


def test_an_assessment_for_a_sealed_case_is_hidden_from_those_who_cannot_see_the_case(world):
    sealed = CaseFactory(subject=world.person, owner_agency=world.agency_b, is_restricted=True)
    hidden = AssessmentFactory(person=world.person, case=sealed)
    shown = AssessmentFactory(person=world.person)
    assert list(assessments_for_person(user=world.practitioner_a, person=world.person)) == [shown]
    with pytest.raises(AccessDenied):
        assessment_get(user=world.practitioner_a, assessment_id=hidden.pk)
