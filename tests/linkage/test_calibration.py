"""Calibration: precision and recall at each threshold from the model's weights and the
analysts' decisions, and the operating thresholds chosen from them."""

import pytest

from casebridge.linkage.calibration import (
    band_precision,
    estimate_band,
    operating_thresholds,
    threshold_estimates,
)
from casebridge.linkage.models import MatchReview
from casebridge.linkage.thresholds import calibration_targets
from tests.linkage import factories
from tests.linkage.factories import analyst, current_model, pending_review, person

pytestmark = pytest.mark.django_db


def calibrated_model(bands: list[list[float]]):
    model = current_model(calibrated=True)
    model.settings["casebridge"]["weight_bands"] = bands
    model.save(update_fields=["settings"])
    return model


# Many strong pairs, fewer weaker ones: the shape training measures.
BANDS = [[w, 1000.0 if w >= 20 else 200.0, 0.0] for w in range(-5, 31)]


def decide(weight: float, status: str, count: int) -> None:
    actor = analyst()
    for _ in range(count):
        review = pending_review(person(), person(), weight=weight)
        review.status, review.decided_by = status, actor
        review.save()


def test_the_upper_threshold_is_where_estimated_precision_reaches_the_target():
    model = calibrated_model(BANDS)
    chosen = operating_thresholds(model=model)
    by_threshold = {e.threshold: e for e in threshold_estimates(model=model)}

    assert by_threshold[chosen.upper].precision >= 0.999
    assert by_threshold[chosen.upper - 1].precision < 0.999
    assert chosen.lower < chosen.upper


def test_recall_grows_and_precision_falls_as_the_threshold_drops():
    estimates = threshold_estimates(model=calibrated_model(BANDS))
    recalls = [e.recall for e in estimates]
    precisions = [e.precision for e in estimates]
    assert recalls == sorted(recalls) and precisions == sorted(precisions, reverse=True)
    assert estimates[-1].recall == pytest.approx(1.0)


def test_analysts_rejections_in_a_band_raise_the_upper_threshold():
    model = calibrated_model(BANDS)
    before = operating_thresholds(model=model).upper
    decide(before, MatchReview.Status.REJECTED, 40)

    assert operating_thresholds(model=model).upper > before


def test_analysts_decisions_count_pooled_with_the_model():
    targets = calibration_targets()
    model_only = band_precision(weight=5, confirmed=0, rejected=0, targets=targets)
    pooled = band_precision(weight=5, confirmed=0, rejected=20, targets=targets)
    assert pooled == pytest.approx(model_only / 2)


def test_a_band_estimate_says_how_many_pairs_and_decisions_it_rests_on():
    model = calibrated_model(BANDS)
    decide(7.5, MatchReview.Status.CONFIRMED, 3)

    band = estimate_band(model=model, lower=7, upper=9)

    assert band.pairs == 400 and band.from_decisions == 3
    assert 0 < band.expected_precision < 1


def test_thresholds_given_at_training_are_kept():
    model = current_model(upper=21, lower=7)
    thresholds = operating_thresholds(model=model)
    assert (thresholds.upper, thresholds.lower) == (21, 7)


# --- pairs where a record lacks a date of birth ------------------------------------------------

UNDATED_EVIDENCE_FIELDS = [
    {"field": "given_name", "label": "Exact match", "match_weight": 6.0},
    {"field": "date_of_birth", "label": "One or both missing", "match_weight": 0.0},
]


def with_undated_evidence(model, *, one_person: float):
    """Undated evidence over the weights of ``BANDS``'s models: dated pairs agreeing at 30."""
    return factories.with_undated_evidence(
        model, one_person=one_person, weights=range(-5, 31), agreeing=30.0
    )


def test_undated_pairs_have_a_threshold_of_their_own_never_below_the_dated_one():
    model = with_undated_evidence(calibrated_model(BANDS), one_person=1.0)
    thresholds = operating_thresholds(model=model)
    assert thresholds.undated_upper == thresholds.upper


def test_undated_pairs_wait_for_an_analyst_where_dated_pairs_scored_without_dates_fall_short():
    # One in a hundred pairs that agree on all but their dates is a parent and child.
    model = with_undated_evidence(calibrated_model(BANDS), one_person=0.99)
    assert operating_thresholds(model=model).undated_upper is None


def test_analysts_rejections_of_undated_pairs_raise_only_the_undated_threshold():
    model = with_undated_evidence(calibrated_model(BANDS), one_person=0.9995)
    before = operating_thresholds(model=model)
    actor = analyst()
    for _ in range(30):
        review = pending_review(person(), person(born=None), weight=before.undated_upper)
        review.evidence = UNDATED_EVIDENCE_FIELDS
        review.status, review.decided_by = MatchReview.Status.REJECTED, actor
        review.save()

    after = operating_thresholds(model=model)

    assert after.undated_upper is None or after.undated_upper > before.undated_upper
    assert after.upper == before.upper


def test_undated_pairs_with_another_of_the_name_on_file_have_a_threshold_of_their_own():
    # Dated pairs scored without their dates: where the record whose date is hidden has
    # another candidate of its name with a date more than a year apart, one in ten is two
    # people (a father and son); otherwise all are one person.
    model = calibrated_model(BANDS)
    extras = model.settings["casebridge"]
    extras["undated_bands"] = [[w, 100.0, household] for w in range(-5, 31) for household in (0, 1)]
    extras["undated_evidence"] = [[w, 30.0, 1000.0, 0] for w in range(-5, 31)] + [
        row for w in range(-5, 31) for row in ([w, 30.0, 900.0, 1], [w, -10.0, 100.0, 1])
    ]
    model.save(update_fields=["settings"])

    thresholds = operating_thresholds(model=model)

    assert thresholds.undated_upper == thresholds.upper
    assert thresholds.household_upper is None


def test_a_band_of_a_few_pairs_all_one_person_by_chance_sets_no_undated_threshold():
    # The part's pairs are 60% one person; only the top band's dozen happen to be all one.
    model = calibrated_model(BANDS)
    extras = model.settings["casebridge"]
    extras["undated_bands"] = [[w, 100.0, 1] for w in range(-5, 19)]
    extras["undated_evidence"] = [[18, 30.0, 12.0, 1]] + [
        row for w in range(-5, 18) for row in ([w, 30.0, 600.0, 1], [w, -10.0, 400.0, 1])
    ]
    model.save(update_fields=["settings"])
    assert operating_thresholds(model=model).household_upper is None


def test_a_band_of_undated_pairs_is_estimated_as_their_class():
    # Undated pairs scored without dates: one in ten of them two people, at every weight.
    model = with_undated_evidence(calibrated_model(BANDS), one_person=0.9)
    dated = estimate_band(model=model, lower=12, upper=16)
    undated_band = estimate_band(model=model, lower=12, upper=16, undated_share=1.0)
    assert undated_band.expected_precision == pytest.approx(0.9, abs=0.01)
    assert undated_band.expected_precision < dated.expected_precision
