"""The linkage engine links the same person through the errors agencies make, and keeps apart
the different people who share a household's surname and postcode.

One model is trained, once, on a small synthetic borough (bench/synthetic_people.py); each test
then asks one question a caseworker or an import relies on.
"""

import json
import math
import shutil

import pandas as pd
import pytest

from bench.synthetic_people import generate_population
from casebridge.linkage import engine
from casebridge.linkage.engine import (
    RECORD_COLUMNS,
    FieldEvidence,
    ScoredPair,
    backend_from_settings,
    cluster,
    link_incoming,
    predict_pairs,
    score_candidates,
    train_model,
)
from casebridge.linkage.training_notes import training_note
from tests.linkage.factories import trained_settings

# The weight at which a pair counts as the same person in these tests (the benchmark shows
# where the precision and recall of real thresholds lie).
LINKED = 6.0
JACK = {
    "unique_id": "hospital-1",
    "given_name": "Jack",
    "family_name": "Thompson",
    "date_of_birth": "1984-03-09",
    "sex": "male",
    "postcode": "SE15 4QT",
}


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return generate_population(records=8000, seed=7)


@pytest.fixture(scope="module")
def model(population) -> dict:
    return train_model(records=population[list(RECORD_COLUMNS)])


def weight(model: dict, left: dict, right: dict) -> float:
    (pair,) = score_candidates(model=model, record=left, candidates=[right])
    return pair.match_weight


def test_a_misspelt_surname_with_the_same_birth_date_and_postcode_links(model):
    assert (
        weight(model, JACK, {**JACK, "unique_id": "police-9", "family_name": "Thomspon"}) >= LINKED
    )


def test_a_nickname_links_to_the_formal_name(model):
    william = {**JACK, "given_name": "William"}
    bill = {**william, "unique_id": "police-9", "given_name": "Bill", "postcode": "SE5 8LU"}

    (pair,) = score_candidates(model=model, record=william, candidates=[bill])

    assert pair.match_weight >= LINKED
    assert pair.evidence[0].label == "Nickname or short form of the same name"


def test_a_birth_date_with_day_and_month_transposed_links(model):
    transposed = {**JACK, "unique_id": "police-9", "date_of_birth": "1984-09-03"}

    (pair,) = score_candidates(model=model, record=JACK, candidates=[transposed])

    assert pair.match_weight >= LINKED
    assert dict((e.field, e.label) for e in pair.evidence)["date_of_birth"] == (
        "Day and month transposed"
    )


def test_different_people_sharing_a_common_surname_and_postcode_do_not_link(model):
    sister = {
        **JACK,
        "unique_id": "schools-3",
        "given_name": "Emily",
        "date_of_birth": "2006-11-21",
        "sex": "female",
    }
    father = {
        **JACK,
        "unique_id": "police-4",
        "given_name": "Robert",
        "date_of_birth": "1958-02-14",
    }

    assert weight(model, JACK, sister) < LINKED
    assert weight(model, JACK, father) < LINKED


def test_evidence_names_every_field_with_its_weight(model):
    (pair,) = score_candidates(model=model, record=JACK, candidates=[{**JACK, "unique_id": "x"}])

    assert [e.field for e in pair.evidence] == [
        "given_name",
        "family_name",
        "date_of_birth",
        "postcode",
        "sex",
    ]
    assert all(isinstance(e, FieldEvidence) and e.match_weight > 0 for e in pair.evidence)
    assert sum(e.match_weight for e in pair.evidence) == pytest.approx(
        pair.match_weight - _prior_weight(model), abs=1e-6
    )


def test_a_missing_field_is_no_evidence_either_way(model):
    unknown_birth = {**JACK, "unique_id": "x", "date_of_birth": None, "postcode": "  "}

    (pair,) = score_candidates(model=model, record=JACK, candidates=[unknown_birth])
    evidence = {e.field: e for e in pair.evidence}

    assert evidence["date_of_birth"].label == "One or both missing"
    assert evidence["date_of_birth"].match_weight == 0
    assert evidence["postcode"].match_weight == 0


def test_score_candidates_puts_the_true_match_first(model):
    candidates = [
        {**JACK, "unique_id": "a", "given_name": "John", "date_of_birth": "1948-06-30"},
        {**JACK, "unique_id": "b", "given_name": "Jacky", "date_of_birth": "1984-03-19"},
        {**JACK, "unique_id": "true", "given_name": "JACK", "postcode": "se154qt", "sex": None},
        {**JACK, "unique_id": "c", "family_name": "Thomas", "postcode": "SW9 1AB"},
    ]
    record = {key: value for key, value in JACK.items() if key != "unique_id"}

    ranked = score_candidates(model=model, record=record, candidates=candidates)

    assert ranked[0].right_id == "true"
    assert {pair.left_id for pair in ranked} == {"new"}
    assert [p.match_weight for p in ranked] == sorted(
        (p.match_weight for p in ranked), reverse=True
    )


def test_the_model_survives_a_round_trip_through_json(model, population):
    records = population[list(RECORD_COLUMNS)].head(3000)

    stored = json.loads(json.dumps(model))

    assert _pair_ids(predict_pairs(model=stored, records=records, threshold_weight=0)) == (
        _pair_ids(predict_pairs(model=model, records=records, threshold_weight=0))
    )


def test_link_incoming_pairs_the_batch_with_itself_and_the_population_only(model, population):
    records = population[list(RECORD_COLUMNS)].head(4000)
    existing, incoming = records.iloc[:3000], records.iloc[3000:]
    existing_ids = set(existing["unique_id"])

    pairs = link_incoming(model=model, existing=existing, incoming=incoming, threshold_weight=0)

    assert pairs, "a batch from the same borough links to someone"
    assert all(pair.left_id not in existing_ids for pair in pairs)
    assert any(pair.right_id in existing_ids for pair in pairs)
    assert any(pair.right_id not in existing_ids for pair in pairs)


def test_link_incoming_finds_what_the_batch_would_find(model, population):
    records = population[list(RECORD_COLUMNS)].head(4000)
    existing, incoming = records.iloc[:3000], records.iloc[3000:]
    existing_ids = set(existing["unique_id"])
    batch = {
        pair
        for pair in _pair_ids(predict_pairs(model=model, records=records, threshold_weight=0))
        if not set(pair) <= existing_ids
    }

    incremental = link_incoming(
        model=model, existing=existing, incoming=incoming, threshold_weight=0
    )

    assert _pair_ids(incremental) == batch


def test_clusters_are_transitive_and_ignore_weak_links():
    def pair(left: str, right: str, weight: float) -> ScoredPair:
        return ScoredPair(left, right, weight, 0.5, ())

    pairs = [pair("c", "b", 9), pair("b", "a", 9), pair("d", "e", 9), pair("a", "e", 2)]

    clusters = cluster(pairs=pairs, ids=list("abcdef"), threshold_weight=6)

    assert clusters == {"a": "a", "b": "a", "c": "a", "d": "d", "e": "d", "f": "f"}


def test_the_backend_is_chosen_by_configuration(monkeypatch):
    monkeypatch.delenv("CASEBRIDGE_LINKAGE_BACKEND", raising=False)
    assert backend_from_settings() == "duckdb"
    monkeypatch.setenv("CASEBRIDGE_LINKAGE_BACKEND", "Spark")
    assert backend_from_settings() == "spark"
    monkeypatch.setenv("CASEBRIDGE_LINKAGE_BACKEND", "oracle")
    with pytest.raises(ValueError, match="duckdb or spark"):
        backend_from_settings()


@pytest.mark.in_the_postgresql_run  # a Spark session: half a minute of CPU
@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java")
def test_spark_finds_the_same_pairs_as_duckdb(model, population):
    records = population[list(RECORD_COLUMNS)].head(600)

    on_spark = predict_pairs(model=model, records=records, threshold_weight=0, backend="spark")
    on_duckdb = predict_pairs(model=model, records=records, threshold_weight=0)

    assert on_duckdb
    assert _weights(on_spark) == pytest.approx(_weights(on_duckdb))


def _pair_ids(pairs: list[ScoredPair]) -> set[tuple[str, str]]:
    return {tuple(sorted((pair.left_id, pair.right_id))) for pair in pairs}  # type: ignore[misc]


def _weights(pairs: list[ScoredPair]) -> dict[tuple[str, str], float]:
    return {tuple(sorted((p.left_id, p.right_id))): p.match_weight for p in pairs}  # type: ignore[misc]


def _prior_weight(model: dict) -> float:
    prior = model["probability_two_random_records_match"]
    return math.log2(prior / (1 - prior))


def test_training_on_records_with_too_few_duplicates_stores_no_model():
    one_record_each = generate_population(records=3000, seed=5).drop_duplicates("true_person_id")
    with pytest.raises(ValueError):  # TooFewDuplicates, or Splink failing first
        engine.train_model(records=one_record_each[list(engine.RECORD_COLUMNS)])


def test_splinks_training_warnings_become_one_line_an_operator_understands():
    note = training_note(
        [
            "Level Different on comparison sex not observed in dataset, unable to train m value",
            "[EM sampling] Probe returned zero blocked pairs; skipping sampling",
            "Level Different on comparison sex not observed in dataset, unable to train m value",
        ]
    )
    assert note == (
        "Training: 1 kinds of difference were never seen among likely matches, so they keep a "
        "default weight (sex: Different); 1 training sessions were small enough to use every "
        "pair, not a sample."
    )


def test_a_trained_model_counts_its_pairs_by_weight_for_calibration():
    bands = trained_settings()[engine.MODEL_EXTRAS]["weight_bands"]
    assert bands and all(pairs >= expected >= 0 for _, pairs, expected in bands)


def test_a_trained_model_counts_undated_pairs_apart_and_what_hiding_a_date_does():
    extras = trained_settings()[engine.MODEL_EXTRAS]
    dated = sum(pairs for _, pairs, _ in extras["weight_bands"])
    # Every dated pair is counted twice more (either record's date hidden), by its weight
    # without the dates of birth, with or without the household flag.
    assert sum(pairs for _, _, pairs, _ in extras["undated_evidence"]) == 2 * dated
    assert {household for *_, household in extras["undated_evidence"]} == {0, 1}
    assert sum(pairs for _, pairs, _ in extras["undated_bands"]) > 0
