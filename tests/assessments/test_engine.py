"""The instrument engine on its own: definitions, answers, scores and bands (no database)."""

import copy

import pytest
import yaml
from django.core.exceptions import ValidationError

from casebridge.assessments import engine
from casebridge.assessments.engine import INSTRUMENTS_DIR, AnswersInvalid, validate_instrument
from casebridge.core.errors import ApplicationError

SHIPPED = yaml.safe_load((INSTRUMENTS_DIR / "da-risk-checklist.yaml").read_text())


def checklist():
    return copy.deepcopy(SHIPPED)


def answers(yes: int, rest: str = "no") -> dict:
    return {q["code"]: "yes" if n < yes else rest for n, q in enumerate(SHIPPED["questions"])}


def outcome_measure() -> dict:
    """A perpetrator-programme style measure: six areas, each scored 1 to 10."""
    areas = ["accountability", "thinking", "safe_reactions", "communication", "parent", "wellbeing"]
    return {
        "code": "outcome-measure",
        "name": "Outcome measure",
        "version": 1,
        "licence": "Example wording written for the tests.",
        "scoring": {"method": "sum"},
        "questions": [{"code": a, "text": a, "type": "scale", "min": 1, "max": 10} for a in areas],
        "bands": [
            {"code": "low", "label": "Low", "min": 6, "max": 29},
            {"code": "high", "label": "High", "min": 30},
        ],
    }


def rejected(definition) -> str:
    with pytest.raises(ValidationError) as raised:
        validate_instrument(definition, source="test.yaml")
    return str(raised.value.message)


# --- the shipped checklist --------------------------------------------------------------------


def test_the_shipped_checklist_is_valid_with_27_questions_and_a_licence_note():
    validate_instrument(SHIPPED, source="da-risk-checklist.yaml")
    assert len(SHIPPED["questions"]) == 27
    assert "not the SafeLives DASH" in SHIPPED["licence"]
    assert SHIPPED["referral_rules"] == [
        {"pathway": "da-marac", "criterion": "visible_high_risk", "band": "high"}
    ]


@pytest.mark.parametrize(
    ("yes", "band"),
    [(0, "standard"), (9, "standard"), (10, "medium"), (13, "medium"), (14, "high"), (27, "high")],
)
def test_count_of_yes_answers_falls_in_the_right_band_at_each_boundary(yes, band):
    cleaned = engine.clean_answers(SHIPPED, answers(yes))
    assert engine.score(SHIPPED, cleaned) == yes
    assert engine.band_for(SHIPPED, yes)["code"] == band


def test_not_known_does_not_count_as_yes():
    cleaned = engine.clean_answers(SHIPPED, answers(13, rest="not_known"))
    assert engine.score(SHIPPED, cleaned) == 13


def test_the_high_band_meets_the_marac_criterion_and_lower_bands_do_not():
    assert engine.criteria_met(SHIPPED, band="high", pathway="da-marac") == ["visible_high_risk"]
    assert engine.criteria_met(SHIPPED, band="medium", pathway="da-marac") == []
    assert engine.criteria_met(SHIPPED, band="high", pathway="idva") == []


# --- definitions that must be refused, with a message that says why ----------------------------


def test_repeated_question_codes_are_named():
    definition = checklist()
    definition["questions"][5]["code"] = "current_injury"
    assert "question codes repeat: current_injury" in rejected(definition)


def test_a_gap_between_bands_is_named_with_the_scores_left_out():
    definition = checklist()
    definition["bands"][1]["min"] = 11
    assert "scores 10 to 10 have no band (between 'standard' and 'medium')" in rejected(definition)


def test_overlapping_bands_are_named_with_the_scores_they_share():
    definition = checklist()
    definition["bands"][1]["max"] = 15
    assert "bands 'medium' and 'high' overlap (scores 14 to 15)" in rejected(definition)


def test_bands_must_reach_the_highest_possible_score():
    definition = checklist()
    definition["bands"][2]["max"] = 20
    assert "scores 21 to 27 have no band" in rejected(definition)


def test_bands_must_start_at_the_lowest_possible_score():
    definition = checklist()
    definition["bands"][0]["min"] = 1
    assert "scores 0 to 0 have no band" in rejected(definition)


def test_only_the_last_band_may_be_open_ended():
    definition = checklist()
    del definition["bands"][1]["max"]
    assert "band 'medium' has no max but is not the last band" in rejected(definition)


def test_a_band_ending_below_its_start_is_refused():
    definition = checklist()
    definition["bands"][1]["max"] = 9
    assert "band 'medium': max 9 is below min 10" in rejected(definition)


def test_a_referral_rule_naming_an_unknown_band_is_refused():
    definition = checklist()
    definition["referral_rules"][0]["band"] = "very_high"
    message = rejected(definition)
    assert "referral rule da-marac/visible_high_risk names band 'very_high'" in message
    assert "['high', 'medium', 'standard']" in message


def test_a_schema_error_says_where_it_is():
    definition = checklist()
    del definition["questions"][3]["text"]
    assert "test.yaml: questions/3: 'text' is a required property" in rejected(definition)


def test_an_unknown_answer_type_is_refused():
    definition = checklist()
    definition["questions"][0]["type"] = "free_text"
    assert "questions/0/type" in rejected(definition)


def test_a_scale_question_needs_its_range():
    definition = outcome_measure()
    del definition["questions"][0]["max"]
    assert "'max' is a required property" in rejected(definition)


def test_the_scoring_method_must_be_able_to_score_every_question():
    definition = checklist()
    definition["scoring"]["method"] = "sum"
    assert "scoring method 'sum' cannot score 'yes_no_not_known' answers" in rejected(definition)


def test_a_missing_licence_note_is_refused():
    definition = checklist()
    del definition["licence"]
    assert "'licence' is a required property" in rejected(definition)


# --- answers --------------------------------------------------------------------------------


def test_each_unanswered_or_wrongly_answered_question_gets_its_own_message():
    given = answers(3)
    del given["separation"]
    given["weapon"] = "maybe"
    with pytest.raises(AnswersInvalid) as raised:
        engine.clean_answers(SHIPPED, given)
    assert raised.value.errors == {
        "separation": "Select yes, no or not known for question 6",
        "weapon": "Select yes, no or not known for question 15",
    }
    assert raised.value.field == "separation"


def test_answers_to_questions_the_instrument_does_not_ask_are_refused():
    with pytest.raises(ApplicationError, match="not questions of this instrument: favourite"):
        engine.clean_answers(SHIPPED, answers(0) | {"favourite": "yes"})


def test_scale_answers_are_summed_and_checked_against_their_range():
    definition = outcome_measure()
    validate_instrument(definition, source="outcome.yaml")
    assert engine.score_range(definition) == (6, 60)
    given = {q["code"]: 5 for q in definition["questions"]}
    assert engine.score(definition, engine.clean_answers(definition, given)) == 30
    assert engine.band_for(definition, 30)["code"] == "high"
    with pytest.raises(AnswersInvalid) as raised:
        engine.clean_answers(definition, given | {"thinking": 11, "parent": True})
    assert raised.value.errors == {
        "thinking": "Choose a score between 1 and 10 for question 2",
        "parent": "Choose a score between 1 and 10 for question 5",
    }
