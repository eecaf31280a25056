"""Instruments completed at stages of a piece of work: the programme outcome measure."""

import pytest

from casebridge.access.policy import AccessDenied
from casebridge.assessments.models import Instrument
from casebridge.assessments.selectors import progress_by_area
from casebridge.assessments.services import assessment_complete
from casebridge.core.errors import ApplicationError
from tests.world import make_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instruments")]

MEASURE = "programme-outcomes"
AREAS = (
    "accountability",
    "thinking_and_attitudes",
    "safe_reactions",
    "communication_style",
    "child_centred_parenting",
    "personal_wellbeing",
)


def score(world, stage, value, **answers):
    return assessment_complete(
        actor=world.practitioner_a,
        person=world.person,
        instrument_code=MEASURE,
        answers={area: value for area in AREAS} | answers,
        stage=stage,
    )


def test_the_measure_sums_six_areas_scored_one_to_ten():
    world = make_world()
    assessment = score(world, "assessment", 3)
    assert (assessment.score, assessment.final_band, assessment.stage) == (
        18,
        "serious_concern",
        "assessment",
    )


def test_a_staged_instrument_needs_one_of_its_stages():
    world = make_world()
    for stage in ("", "halfway"):
        with pytest.raises(ApplicationError) as error:
            score(world, stage, 5)
        assert error.value.field == "stage"


def test_an_instrument_without_stages_refuses_one():
    world = make_world()
    with pytest.raises(ApplicationError):
        assessment_complete(
            actor=world.practitioner_a,
            person=world.person,
            instrument_code="da-risk-checklist",
            answers={},
            stage="midway",
        )


def test_progress_shows_each_area_at_each_stage_and_the_change():
    world = make_world()
    score(world, "assessment", 3)
    score(world, "midway", 5, accountability=6)
    score(world, "completion", 7, safe_reactions=9)
    instrument = Instrument.objects.get(code=MEASURE, is_current=True)
    progress = {
        area.code: area
        for area in progress_by_area(
            user=world.practitioner_a, person=world.person, instrument=instrument
        )
    }
    assert progress["accountability"].by_stage == {"assessment": 3, "midway": 6, "completion": 7}
    assert progress["safe_reactions"].change == 6
    assert progress["personal_wellbeing"].change == 4


def test_progress_of_someone_the_user_may_not_see_is_refused():
    world = make_world()
    score(world, "assessment", 3)
    instrument = Instrument.objects.get(code=MEASURE, is_current=True)
    with pytest.raises(AccessDenied):
        progress_by_area(user=world.practitioner_b, person=world.person, instrument=instrument)
