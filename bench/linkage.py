"""Record linkage at borough scale: accuracy against known truth, and the time it takes.

    .venv/bin/python bench/linkage.py                      # 1,000,000 records, batch linkage
    .venv/bin/python bench/linkage.py --records 200000     # a quicker run
    .venv/bin/python bench/linkage.py --lookup             # also the single-record lookup

The batch part generates the synthetic borough (bench/synthetic_people.py), trains the model
on it without labels, predicts the pairs, clusters them and scores the clusters pairwise
against the true identities: a pair of records is a true link when both are the same true
person, and a predicted link when both fall in the same cluster.

The lookup part (`--lookup`) times `score_candidates` for 1,000 corrupted query records, each
against the candidates an indexed database would find among 500,000 people (exact date of
birth; family name and given initial; postcode and given initial; at most 50), and reports
how often the true person comes first.
"""

import argparse
import resource
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic_people import (
    CORRUPTION_RATES,
    corrupted_records,
    generate_people,
    generate_population,
)
from casebridge.linkage.engine import (
    RECORD_COLUMNS,
    cluster,
    predict_pairs,
    score_candidates,
    train_model,
)

# Pairs are predicted once at the lowest weight shown, then clustered at each threshold.
OTHER_THRESHOLDS = (4.0, 8.0, 10.0)
LOOKUP_PEOPLE = 500_000
LOOKUP_TRAINING_RECORDS = 500_000
LOOKUP_QUERIES = 1_000
MAX_CANDIDATES = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--threshold", type=float, default=6.0, help="match weight to link at")
    parser.add_argument("--lookup", action="store_true", help="also time score_candidates")
    parser.add_argument("--lookup-only", action="store_true", help="time score_candidates only")
    arguments = parser.parse_args()

    print_rates()
    if not arguments.lookup_only:
        batch(arguments.records, arguments.seed, arguments.threshold)
    if arguments.lookup or arguments.lookup_only:
        lookup(arguments.seed, arguments.threshold)
    print(f"\npeak memory (max RSS): {peak_memory_gib():.2f} GiB")


def print_rates() -> None:
    print("corruption rates (per record unless marked per person):")
    for name, rate in CORRUPTION_RATES.items():
        print(f"  {name:<40} {rate:.3f}")


@contextmanager
def timed(label: str, times: dict[str, float]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    times[label] = time.perf_counter() - start
    print(f"{label}: {times[label]:.1f} s", flush=True)


def batch(records: int, seed: int, threshold: float) -> None:
    times: dict[str, float] = {}
    with timed("generate", times):
        population = generate_population(records=records, seed=seed)
    people = population["true_person_id"].nunique()
    print(f"{len(population):,} records of {people:,} people")
    engine_records = population[list(RECORD_COLUMNS)]

    with timed("train", times):
        model = train_model(records=engine_records)
    lowest = min(threshold, *OTHER_THRESHOLDS)
    with timed("predict", times):
        pairs = predict_pairs(model=model, records=engine_records, threshold_weight=lowest)
    print(f"{len(pairs):,} pairs at match weight >= {lowest}")

    ids = population["unique_id"].tolist()
    truth = population["true_person_id"].to_numpy()
    with timed("cluster", times):
        clusters = cluster(pairs=pairs, ids=ids, threshold_weight=threshold)
    total = times["train"] + times["predict"] + times["cluster"]
    print(f"train + predict + cluster: {total:.1f} s ({total / 60:.1f} min)")

    print("\nthreshold  precision  recall     F1       clusters")
    for each in sorted({threshold, *OTHER_THRESHOLDS}):
        at = clusters if each == threshold else cluster(pairs=pairs, ids=ids, threshold_weight=each)
        precision, recall, f1 = pairwise_scores([at[i] for i in ids], truth)
        marker = "  <- chosen" if each == threshold else ""
        print(
            f"{each:>9.1f}  {precision:.4f}     {recall:.4f}   {f1:.4f}   "
            f"{len(set(at.values())):,}{marker}"
        )


def pairwise_scores(predicted: list[str], truth: np.ndarray) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 by counting pairs per group, not enumerating them."""
    frame = pd.DataFrame({"predicted": predicted, "truth": truth})

    def pairs_within(*columns: str) -> int:
        sizes = frame.groupby(list(columns), sort=False).size().to_numpy(dtype=np.int64)
        return int((sizes * (sizes - 1) // 2).sum())

    both = pairs_within("predicted", "truth")
    predicted_pairs, true_pairs = pairs_within("predicted"), pairs_within("truth")
    precision = both / predicted_pairs if predicted_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def lookup(seed: int, threshold: float) -> None:
    """p50/p95/p99 of candidate blocking and of score_candidates for single records."""
    # The model comes from a batch of extracts (people appear several times, so there are
    # matches to learn from); the lookup runs against one record per person, as held.
    print(f"\nlookup: training on {LOOKUP_TRAINING_RECORDS:,} extract records", flush=True)
    extracts = generate_population(records=LOOKUP_TRAINING_RECORDS, seed=seed + 1)
    model = train_model(records=extracts[list(RECORD_COLUMNS)])

    rng = np.random.default_rng(seed + 2)
    people = generate_people(LOOKUP_PEOPLE, rng)
    held = corrupted_records(people, np.arange(LOOKUP_PEOPLE), rng)
    held.insert(0, "unique_id", [f"person-{i:07d}" for i in range(LOOKUP_PEOPLE)])
    asked_about = rng.choice(LOOKUP_PEOPLE, LOOKUP_QUERIES, replace=False)
    queries = corrupted_records(people, asked_about, rng)
    find_candidates = candidate_index(held)
    records = held.to_dict("records")
    score_candidates(model=model, record=queries.iloc[0].to_dict(), candidates=records[:5])

    blocking_ms, scoring_ms, candidate_counts, first, found, linked = [], [], [], 0, 0, 0
    for query, person in zip(queries.to_dict("records"), asked_about, strict=True):
        start = time.perf_counter()
        rows = find_candidates(query)
        candidates = [records[row] for row in rows]
        blocked = time.perf_counter()
        ranked = score_candidates(model=model, record=query, candidates=candidates)
        scored = time.perf_counter()
        blocking_ms.append((blocked - start) * 1000)
        scoring_ms.append((scored - blocked) * 1000)
        candidate_counts.append(len(candidates))
        found += person in rows
        top_is_true = bool(ranked) and ranked[0].right_id == records[person]["unique_id"]
        first += top_is_true
        linked += top_is_true and ranked[0].match_weight >= threshold

    total_ms = [b + s for b, s in zip(blocking_ms, scoring_ms, strict=True)]
    print(f"{LOOKUP_QUERIES:,} queries, {statistics.mean(candidate_counts):.1f} candidates each")
    print("                  p50       p95       p99")
    for label, values in (
        ("blocking", blocking_ms),
        ("score_candidates", scoring_ms),
        ("both", total_ms),
    ):
        p50, p95, p99 = np.percentile(values, [50, 95, 99])
        print(f"{label:<16} {p50:6.1f} ms {p95:6.1f} ms {p99:6.1f} ms")
    print(f"true person among the candidates: {found / LOOKUP_QUERIES:.1%}")
    print(f"true person ranked first:         {first / LOOKUP_QUERIES:.1%}")
    print(f"... and at match weight >= {threshold}:  {linked / LOOKUP_QUERIES:.1%}")


def candidate_index(held: pd.DataFrame) -> Callable[[dict], list[int]]:
    """What the database's indexes find: rows sharing the exact date of birth, the family name
    and given initial, or the postcode and given initial (cleaned as the engine cleans)."""
    given = clean_name(held["given_name"])
    family = clean_name(held["family_name"])
    postcode = clean_postcode(held["postcode"])
    initial = given.str[:1]
    indexes = [
        _index(held["date_of_birth"]),
        _index(family + "|" + initial),
        _index(postcode + "|" + initial),
    ]

    def find(query: dict) -> list[int]:
        keys = _query_keys(query)
        hits: dict[int, int] = defaultdict(int)
        for index, key in zip(indexes, keys, strict=True):
            for row in index.get(key, ()) if key else ():
                hits[row] += 1
        # A row found by more indexes is the likelier match; keep those when capping.
        return sorted(hits, key=lambda row: -hits[row])[:MAX_CANDIDATES]

    return find


def _query_keys(query: dict) -> tuple[str | None, str | None, str | None]:
    given = clean_name(pd.Series([query["given_name"]])).iloc[0]
    family = clean_name(pd.Series([query["family_name"]])).iloc[0]
    postcode = clean_postcode(pd.Series([query["postcode"]])).iloc[0]
    initial = given[:1] if isinstance(given, str) else None
    return (
        query["date_of_birth"],
        f"{family}|{initial}" if isinstance(family, str) and initial else None,
        f"{postcode}|{initial}" if isinstance(postcode, str) and initial else None,
    )


def _index(keys: pd.Series) -> dict[str, np.ndarray]:
    return {
        key: rows
        for key, rows in keys.groupby(keys, sort=False).indices.items()
        if isinstance(key, str)
    }


def clean_name(names: pd.Series) -> pd.Series:
    return names.str.lower().str.replace("[^a-z]", "", regex=True)


def clean_postcode(postcodes: pd.Series) -> pd.Series:
    return postcodes.str.upper().str.replace("[^A-Z0-9]", "", regex=True)


def peak_memory_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


if __name__ == "__main__":
    main()
