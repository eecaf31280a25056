"""Completing an assessment: the engine's score and band, judgement, versions, access, audit."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from casebridge.access.policy import AccessDenied
from casebridge.assessments.engine import AnswersInvalid
from casebridge.assessments.models import Assessment
from casebridge.assessments.services import assessment_complete
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from tests.assessments.factories import CHECKLIST, answers_with
from tests.factories import CaseFactory
from tests.world import make_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instruments")]


@pytest.fixture
def world():
    return make_world()


def complete(world, yes=0, **kwargs):
    kwargs.setdefault("actor", world.practitioner_a)
    return assessment_complete(
        person=world.person,
        instrument_code=CHECKLIST,
        answers=kwargs.pop("answers", None) or answers_with(yes),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("yes", "band"), [(9, "standard"), (10, "medium"), (13, "medium"), (14, "high")]
)
def test_the_engine_scores_and_bands_the_answers(world, yes, band):
    assessment = complete(world, yes)
    assert (assessment.score, assessment.computed_band, assessment.final_band) == (yes, band, band)
    assert assessment.assessed_by == world.practitioner_a
    assert assessment.assessing_agency == world.agency_a
    assert assessment.instrument.version == 1 and assessment.sequence == 1


def test_judgement_raises_the_band_with_a_reason(world):
    assessment = complete(
        world, 10, judgement_band="high", judgement_reason="  Threats to kill last night.  "
    )
    assert assessment.computed_band == "medium"
    assert assessment.professional_judgement_band == "high"
    assert assessment.final_band == "high"
    assert assessment.judgement_reason == "Threats to kill last night."


@pytest.mark.parametrize("lower_or_same", ["standard", "high"])
def test_judgement_cannot_lower_the_band_or_keep_it_and_nothing_is_saved(world, lower_or_same):
    with pytest.raises(ApplicationError, match="can only raise the risk level") as raised:
        complete(world, 14, judgement_band=lower_or_same, judgement_reason="She minimises it.")
    assert raised.value.field == "judgement_band"
    assert "The answers give high risk" in raised.value.message
    assert not Assessment.objects.exists()


def test_raising_needs_a_reason(world):
    with pytest.raises(ApplicationError, match="Explain why") as raised:
        complete(world, 3, judgement_band="high", judgement_reason="   ")
    assert raised.value.field == "judgement_reason"
    assert not Assessment.objects.exists()


def test_a_reason_without_a_band_is_refused_rather_than_ignored(world):
    with pytest.raises(ApplicationError, match="Choose the higher risk level"):
        complete(world, 3, judgement_reason="Worried about the children.")


def test_a_band_the_instrument_does_not_have_is_refused(world):
    with pytest.raises(ApplicationError, match="Choose a risk level from the list"):
        complete(world, 3, judgement_band="extreme", judgement_reason="Reason.")


def test_unanswered_and_invalid_answers_are_refused_per_question(world):
    given = answers_with(2)
    del given["current_injury"]
    given["stalking"] = "often"
    with pytest.raises(AnswersInvalid) as raised:
        complete(world, answers=given)
    assert set(raised.value.errors) == {"current_injury", "stalking"}
    assert raised.value.field == "current_injury"
    assert not Assessment.objects.exists()


def test_a_reassessment_is_a_new_record_and_the_old_one_is_unchanged(world):
    first = complete(world, 5)
    second = complete(world, 15)
    first.refresh_from_db()
    assert (first.sequence, first.score, first.final_band) == (1, 5, "standard")
    assert (second.sequence, second.score, second.final_band) == (2, 15, "high")
    with pytest.raises(ValueError, match="never edited"):
        first.save()


def test_an_assessment_can_belong_to_a_case_about_the_person(world):
    assert complete(world, 1, case=world.case).case == world.case


def test_a_case_about_someone_else_is_refused(world):
    other = CaseFactory(owner_agency=world.agency_a, owner_user=world.practitioner_a)
    with pytest.raises(ApplicationError, match="not about this person"):
        complete(world, 1, case=other)


def test_another_agencys_user_is_refused_and_nothing_is_saved(world):
    with pytest.raises(AccessDenied) as raised:
        complete(world, 14, actor=world.practitioner_b)
    assert raised.value.object_type == "person"
    assert not Assessment.objects.exists()


def test_a_case_the_user_cannot_see_is_refused(world):
    other_agency_case = CaseFactory(subject=world.person, owner_agency=world.agency_b)
    with pytest.raises(AccessDenied):
        complete(world, 1, case=other_agency_case)


def test_the_assessment_time_can_be_earlier_but_not_in_the_future(world):
    yesterday = timezone.now() - timedelta(days=1)
    assert complete(world, 1, assessed_at=yesterday).assessed_at == yesterday
    with pytest.raises(ApplicationError, match="today or in the past") as error:
        complete(world, 1, assessed_at=timezone.now() + timedelta(days=1))
    assert error.value.field == "assessed_at"


def test_the_assessment_cannot_be_before_the_person_was_born(world):
    born = world.person.date_of_birth
    day_before = timezone.make_aware(datetime.combine(born - timedelta(days=1), time(12)))
    with pytest.raises(ApplicationError, match="on or after the person's date of birth") as error:
        complete(world, 1, assessed_at=day_before)
    assert error.value.field == "assessed_at"
    birthday = timezone.make_aware(datetime.combine(born, time.min))
    assert complete(world, 1, assessed_at=birthday).assessed_at == birthday
    assert Assessment.objects.count() == 1


def test_a_person_without_a_date_of_birth_can_be_assessed_on_any_past_date(world):
    world.person.date_of_birth = None
    world.person.save(update_fields=["date_of_birth"])
    long_ago = timezone.make_aware(datetime(1950, 1, 1))
    assert complete(world, 1, assessed_at=long_ago).assessed_at == long_ago


def test_completing_is_audited_without_the_answers(world):
    assessment = complete(world, 14)
    entry = AuditEvent.objects.get(action="create", object_type="assessment")
    assert entry.object_id == str(assessment.pk)
    assert entry.actor == world.practitioner_a
    assert entry.changes["final_band"] == "high" and entry.changes["score"] == 14
    assert "answers" not in entry.changes


def test_tomorrow_is_refused_in_the_last_minutes_of_today(world):
    late = timezone.make_aware(datetime(2026, 12, 1, 23, 58))
    with time_machine.travel(late, tick=False):
        tomorrow = timezone.make_aware(datetime(2026, 12, 2, 0, 0))
        with pytest.raises(ApplicationError, match="today or in the past"):
            complete(world, 1, assessed_at=tomorrow)
