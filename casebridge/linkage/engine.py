"""The record-linkage engine: which records, across partner agencies' extracts, are one person.

It is Splink (the Ministry of Justice's probabilistic linkage library) with Casebridge's person
comparisons (`casebridge.linkage.comparisons`), behind a few functions that take and return
plain Python and Arrow: no Django here, so the same engine runs in a request, in an import job
and in the benchmark. DuckDB does the work by default; Spark is a matter of configuration
(`CASEBRIDGE_LINKAGE_BACKEND=spark`) for volumes beyond one machine.

A model is a JSON-serialisable dict: Splink's own saved model, plus a ``"casebridge"`` entry
holding the term frequencies of names seen in training. Keeping those in the model means every
path (the batch, an incremental import, a single lookup) scores a pair identically and none of
them has to scan the population to learn how common "Smith" is.
"""

import hashlib
import json
import logging
import math
import os
import threading
from collections.abc import Iterator, Sequence
from copy import deepcopy
from typing import TYPE_CHECKING, Any, Literal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.pipeline import CTEPipeline
from splink.internals.predict import predict_from_comparison_vectors_sqls_using_settings
from splink.internals.settings import Settings

from casebridge.linkage.comparisons import (
    TERM_FREQUENCY_COLUMNS,
    clean_records,
    person_settings,
)
from casebridge.linkage.scores import MODEL_EXTRAS, FieldEvidence, ScoredPair
from casebridge.linkage.training_notes import splink_messages, training_note

if TYPE_CHECKING:
    import pandas as pd
    from splink.internals.database_api import DatabaseAPISubClass
    from splink.internals.splink_dataframe import SplinkDataFrame

RECORD_COLUMNS: tuple[str, ...] = (
    "unique_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
)
FIELDS: tuple[str, ...] = ("given_name", "family_name", "date_of_birth", "postcode", "sex")

Backend = Literal["duckdb", "spark"]

# A value seen at most this often in training is not stored in the model: it is scored as this
# rare, which is what the training population can vouch for.
_RARE_VALUE_COUNT = 1

logger = logging.getLogger(__name__)


def untrained_model() -> dict:
    """The person model before training: comparisons, levels and blocking rules, no weights.

    Training fills in the weights; this is also what a maintainer reads to see how records are
    compared (see `casebridge.linkage.comparisons` for why each level exists).
    """
    return person_settings().get_settings("duckdb").as_dict()


def train_model(*, records: "pa.Table | pd.DataFrame", backend: Backend = "duckdb") -> dict:
    """Estimate the model's weights from unlabelled records (no clerical review needed).

    Partner extracts carry no labels, so training is unsupervised: the prior from
    near-certain deterministic matches, u (how often non-matches agree by chance) from random
    pairs, and m (how often true matches agree) by expectation maximisation in two sessions
    blocked on unrelated fields, so that every field is estimated in one of them. The
    returned dict is everything needed to score later; store it and pass it back.

    EM learns what a match looks like from the duplicates it finds, so train on records that
    still hold them (imported extracts, merged people included), not on a register already
    deduplicated: on one record per person the model finds a third of true pairs, not 97%.
    """
    table = _prepared(records)
    db_api = _database(backend)
    with splink_messages() as messages:
        linker = Linker(db_api.register(table), person_settings(), log_level=None)
        _estimate_prior(linker)
        # Refused before the random sampling and EM: with a handful of duplicates their outcome
        # turns on which pairs the sample happens to draw (record ids, the database's row order).
        _refuse_if_few_duplicates(linker, table.num_rows)
        _estimate_weights(linker)
    model = linker.misc.save_model_to_json()
    _no_bonus_for_rare_family_names(model)
    model[MODEL_EXTRAS] = {
        "term_frequencies": _term_frequencies(table),
        "training_note": training_note(messages),
    }
    model[MODEL_EXTRAS].update(calibration_counts(model=model, records=table, backend=backend))
    model[MODEL_EXTRAS]["household_weight"] = HOUSEHOLD_WEIGHT
    model[MODEL_EXTRAS]["fingerprint"] = _fingerprint(model)
    return model


class TooFewDuplicates(ValueError):
    """The records hold too few likely duplicates to learn what a match looks like."""


def _estimate_prior(linker: Linker) -> None:
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("given_name", "family_name", "date_of_birth"),
            block_on("family_name", "date_of_birth", "postcode"),
        ],
        # Agencies misspell and shorten names and lose dates, so the strict rules miss many.
        recall=0.7,
    )


def _estimate_weights(linker: Linker) -> None:
    training = linker.training
    training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    # Blocking on date of birth trains the names, postcode and sex; blocking on name and
    # postcode trains the date of birth. The second needs the postcode: pairs sharing only a
    # common name are mostly different people, and EM then mistakes "same address" for "same
    # person" and learns that dates of birth barely matter. max_pairs keeps each session to
    # seconds at a million records.
    training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), max_pairs=2e6
    )
    training.estimate_parameters_using_expectation_maximisation(
        block_on("family_name", "given_name", "postcode"), max_pairs=2e6
    )


def _refuse_if_few_duplicates(linker: Linker, records: int) -> None:
    """A model learnt from a handful of duplicates links at random: refuse to give one."""
    prior = linker._settings_obj._probability_two_random_records_match
    expected_duplicate_pairs = prior * records * (records - 1) / 2
    if expected_duplicate_pairs < 0.05 * records:
        raise TooFewDuplicates(
            f"training found about {expected_duplicate_pairs:.0f} duplicate pairs among "
            f"{records:,} records: too few to learn what a match looks like"
        )


# Pairs are counted by whole match weight from here up; below it they are all but certainly
# different people and only add to the count.
LOWEST_WEIGHT_BAND = -10
HIGHEST_WEIGHT_BAND = 40


def calibration_counts(
    *, model: dict, records: "pa.Table | pd.DataFrame", backend: Backend = "duckdb"
) -> dict[str, list[list[float]]]:
    """How many candidate pairs of `records` score in each whole match weight: what calibration
    reads precision and recall from (``calibration.py``), lowest weight first.

    - ``weight_bands``: the pairs the upper threshold governs (both records with a date of
      birth and a given name), ``[weight, pairs, expected matches]`` (the sum of their match
      probabilities): the expected false links above a threshold are the pairs above it less
      the expected matches there. Pairs no threshold of theirs would link are left out, or
      they would count in the precision of links they are never part of;
    - ``undated_bands``: the pairs where one record or both lack a date of birth (and both
      have a given name), ``[weight, pairs]``: a class calibrated on its own, since nothing
      in such a pair tells a same-named parent and child at one address apart;
    - ``undated_evidence``: the pairs where both records have a date of birth (and a given
      name), ``[weight without the date of birth, weight with it, pairs, household]``: what
      hiding the date of birth does. The pairs that score ``w`` without their dates of birth
      are as likely one person as their dates say, so the share of the undated pairs at ``w``
      that are one person is read from these (missing dates are assumed unrelated to who is
      who). Each pair counts twice, once with either record's date hidden.

    Both undated counts are split by ``household`` (1 or 0, ``household_flags``): whether the
    record without its date has another candidate, scoring at least ``HOUSEHOLD_WEIGHT``
    without dates, whose date of birth is more than a year from the other record's: two people
    of that name are on file (a father and his son), so the undated record may be either.
    """
    table = _prepared(records)
    db_api = _database(backend)
    linker = _linker(model, db_api, [table])
    predictions = linker.inference.predict(
        threshold_match_weight=LOWEST_WEIGHT_BAND, warning_mode="never"
    )

    def band(weight: str) -> str:
        return f"least(greatest(floor({weight}), {LOWEST_WEIGHT_BAND}), {HIGHEST_WEIGHT_BAND})"

    named = "gamma_given_name <> -1"
    sides = _household_sides_sql(predictions.physical_name)
    # The table name is Splink's own; no input reaches this SQL.
    queries = {
        "weight_bands": f"select {band('match_weight')}, count(*), sum(match_probability)"  # noqa: S608  # nosec B608  # Splink's SQL and the code's constants: no input reaches it
        f" from {predictions.physical_name}"
        f" where gamma_date_of_birth <> -1 and {named} group by 1 order by 1",
        "undated_bands": f"{sides} select {band('w')}, count(*), household"  # noqa: S608  # nosec B608  # Splink's SQL and the code's constants: no input reaches it
        " from flagged where g = -1 group by 1, 3 order by 3, 1",
        "undated_evidence": f"{sides} select {band('wo')}, {band('w')}, count(*), household"  # noqa: S608  # nosec B608  # Splink's SQL and the code's constants: no input reaches it
        " from flagged where g <> -1 group by 1, 2, 4 order by 4, 1, 2",
    }
    counts = {
        key: [
            [float(value) for value in row]
            for row in linker.misc.query_sql(sql, output_type="pandas").itertuples(index=False)
        ]
        for key, sql in queries.items()
    }
    predictions.drop_table_from_database_and_remove_from_cache()
    return counts


# Another candidate of an undated record counts as someone else of its name on file when it
# scores at least this without dates of birth (a same-named relative at one address scores
# 12-17): stored in the model, so linking reads the flag as training counted it.
HOUSEHOLD_WEIGHT = 10.0


def _household_sides_sql(predictions: str) -> str:
    """A CTE ``flagged``: each candidate pair with a given name on both sides, from the side
    whose date of birth is (or, for a pair with both, is taken as) missing, with ``w`` its
    weight, ``wo`` its weight without dates, ``g`` the date's level and ``household`` 1 when
    that side has another candidate scoring ``HOUSEHOLD_WEIGHT`` without dates whose date of
    birth is more than a year from the other side's. Integer days, so any dialect runs it."""
    return f"""
    with pairs as (
        select unique_id_l as l, unique_id_r as r, date_of_birth_day_l as dl,
            date_of_birth_day_r as dr, match_weight as w,
            match_weight - mw_date_of_birth as wo, gamma_date_of_birth as g
        from {predictions} where gamma_given_name <> -1
    ),
    edges as (
        select l as a, r as b, dr as db from pairs where wo >= {HOUSEHOLD_WEIGHT}
        union all
        select r as a, l as b, dl as db from pairs where wo >= {HOUSEHOLD_WEIGHT}
    ),
    sides as (
        select l as x, r as y, dr as dy, w, wo, g from pairs where g <> -1 or dl is null
        union all
        select r as x, l as y, dl as dy, w, wo, g from pairs
        where g <> -1 or (dl is not null and dr is null)
    ),
    flagged as (
        select s.x, s.y, s.w, s.wo, s.g,
            max(case when e.b <> s.y and abs(e.db - s.dy) > 365 then 1 else 0 end) as household
        from sides as s left join edges as e on e.a = s.x
        group by s.x, s.y, s.w, s.wo, s.g
    )
    """  # noqa: S608  # nosec B608  # Splink's SQL and the code's constants: no input reaches it


def predict_pairs(
    *,
    model: dict,
    records: "pa.Table | pd.DataFrame",
    threshold_weight: float,
    backend: Backend = "duckdb",
) -> list[ScoredPair]:
    """Every candidate pair within `records` scoring at least `threshold_weight`: the batch
    deduplication of a whole population, before clustering."""
    table = _prepared(records)
    db_api = _database(backend)
    linker = _linker(model, db_api, [table])
    predictions = linker.inference.predict(
        threshold_match_weight=threshold_weight, warning_mode="never"
    )
    return _scored_pairs(predictions, linker)


def link_incoming(
    *,
    model: dict,
    existing: "pa.Table | pd.DataFrame",
    incoming: "pa.Table | pd.DataFrame",
    threshold_weight: float,
    backend: Backend = "duckdb",
) -> list[ScoredPair]:
    """Pairs that an imported batch adds: incoming x existing (left is the incoming record)
    and within incoming, at or above `threshold_weight`.

    Pairs within `existing` were decided when those records arrived, so they are not scored
    again; that is what keeps a daily import proportional to the import, not the population.
    Unique ids must not repeat across the two.
    """
    existing_table, incoming_table = _prepared(existing), _prepared(incoming)
    db_api = _database(backend)
    linker = _linker(model, db_api, [incoming_table, existing_table])
    existing_df = db_api.register(existing_table)
    incoming_df = db_api.register(incoming_table)
    inference = linker.inference
    between = inference.predict_between(
        incoming_df, existing_df, threshold_match_weight=threshold_weight, warning_mode="never"
    )
    within = inference.predict_within(
        incoming_df, threshold_match_weight=threshold_weight, warning_mode="never"
    )
    return _scored_pairs(between, linker) + _scored_pairs(within, linker)


def score_candidates(*, model: dict, record: dict, candidates: Sequence[dict]) -> list[ScoredPair]:
    """Score one record against candidates the caller found by indexed queries, best first.

    This is the interactive "is this someone we already hold?" lookup, so it avoids everything
    that costs per call: one in-memory DuckDB connection per model is kept, Splink's SQL is
    generated and prepared once, and the names' term frequencies come from the model as plain
    columns rather than from a scan of the population. A model is recognised by the
    fingerprint training stored in it, so a dict freshly loaded from the database is no miss.
    """
    if not candidates:
        return []
    scorer = _candidate_scorer(model)
    left = _prepared(pa.Table.from_pylist([{"unique_id": "new", **record}], _INPUT_SCHEMA))
    right = _prepared(pa.Table.from_pylist(list(candidates), _INPUT_SCHEMA))
    pairs = scorer.score(left, right)
    return sorted(pairs, key=lambda pair: pair.match_weight, reverse=True)


def cluster(
    *, pairs: Sequence[ScoredPair], ids: Sequence[str], threshold_weight: float
) -> dict[str, str]:
    """Every id's cluster (the smallest id in it): connected components over the pairs at or
    above `threshold_weight`.

    Plain union-find: a million ids and a few million links take seconds, without a round trip
    through a database.
    """
    parent: dict[str, str] = {id_: id_ for id_ in ids}

    def root(id_: str) -> str:
        while parent[id_] != id_:
            parent[id_] = parent[parent[id_]]
            id_ = parent[id_]
        return id_

    for pair in pairs:
        if pair.match_weight < threshold_weight:
            continue
        left, right = root(pair.left_id), root(pair.right_id)
        # Keeping the smaller id as the root makes each root its cluster's smallest id.
        if left < right:
            parent[right] = left
        elif right < left:
            parent[left] = right
    return {id_: root(id_) for id_ in parent}


def backend_from_settings() -> Backend:
    """The backend this deployment runs: ``CASEBRIDGE_LINKAGE_BACKEND`` ("duckdb" unless set).

    Spark is chosen by configuration only, so code and tests never branch on it.
    """
    backend = os.environ.get("CASEBRIDGE_LINKAGE_BACKEND", "duckdb").strip().lower() or "duckdb"
    if backend not in ("duckdb", "spark"):
        raise ValueError(f"CASEBRIDGE_LINKAGE_BACKEND must be duckdb or spark, not {backend!r}")
    return "spark" if backend == "spark" else "duckdb"


_INPUT_SCHEMA = pa.schema([(column, pa.string()) for column in RECORD_COLUMNS])


def _prepared(records: "pa.Table | pd.DataFrame") -> pa.Table:
    table = records if isinstance(records, pa.Table) else pa.Table.from_pandas(records)
    missing = [column for column in RECORD_COLUMNS if column not in table.column_names]
    if missing:
        raise ValueError(f"records lack the columns {missing}")
    return clean_records(table.select(list(RECORD_COLUMNS)))


def _no_bonus_for_rare_family_names(model: dict) -> None:
    """A common family name counts for less than an average one; a rare one counts no more.

    People who share a rare surname at one address are mostly relatives, not one person, so
    the extra weight term frequencies would give the rarity is exactly the weight that links
    twins and siblings. Flooring the frequency at the average (the exact level's u) keeps
    the penalty for "Smith" and drops the bonus: on the synthetic borough pairwise F1 rises
    from 0.977 to 0.980 at weight 6.
    """
    (family,) = (c for c in model["comparisons"] if c["output_column_name"] == "family_name")
    for level in family["comparison_levels"]:
        if level.get("tf_adjustment_column") == "family_name":
            level["tf_minimum_u_value"] = level["u_probability"]


def _term_frequencies(table: pa.Table) -> dict[str, Any]:
    """How common each name is, for the term-frequency adjustment of exact name matches.

    Values seen only once are left out (a typo is seen once; storing them all would make the
    model as big as the population); they, and names never seen, are scored as seen once.
    """
    frequencies: dict[str, Any] = {}
    for column in TERM_FREQUENCY_COLUMNS:
        counts = pc.value_counts(table[column].drop_null())
        values, tallies = counts.field("values"), counts.field("counts")
        total = max(1, pc.sum(tallies).as_py() or 0)
        common = pc.greater(tallies, _RARE_VALUE_COUNT)
        frequencies[column] = {
            "values": dict(
                zip(
                    values.filter(common).to_pylist(),
                    (count / total for count in tallies.filter(common).to_pylist()),
                    strict=True,
                )
            ),
            "rare": _RARE_VALUE_COUNT / total,
        }
    return frequencies


def _fingerprint(model: dict) -> str:
    content = {key: value for key, value in model.items() if key != MODEL_EXTRAS}
    extras = {
        key: value for key, value in model.get(MODEL_EXTRAS, {}).items() if key != "fingerprint"
    }
    text = json.dumps([content, extras], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _model_fingerprint(model: dict) -> str:
    stored = model.get(MODEL_EXTRAS, {}).get("fingerprint")
    return stored if isinstance(stored, str) else _fingerprint(model)


def _database(backend: Backend) -> "DatabaseAPISubClass":
    if backend == "spark":
        from splink import SparkAPI

        # Persisting in memory, not Splink's default Parquet checkpoints, leaves no files behind.
        return SparkAPI(spark_session=_spark_session(), break_lineage_method="persist")
    return DuckDBAPI(connection=duckdb.connect())


def _spark_session() -> Any:
    """A local two-core Spark session with Splink's similarity functions on its classpath.

    The jar ships inside Splink, so this works offline. Spark reuses a session already running
    in this process, and a JVM started for an earlier session without the jar cannot load it
    from `spark.jars`; ADD JAR puts it on the session's class loader either way.
    """
    from pyspark.sql import SparkSession
    from splink.internals.spark.jar_location import similarity_jar_location

    logging.getLogger("py4j").setLevel(logging.WARNING)
    jar = similarity_jar_location()
    session = (
        SparkSession.builder.master("local[2]")
        .appName("casebridge-linkage")
        .config("spark.jars", jar)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # Two cores: more partitions than that only add scheduling.
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sql(f"ADD JAR '{jar}'")
    return session


def _splink_settings(model: dict, dialect: str) -> dict:
    """The model as Splink reads it, in `dialect`'s SQL.

    A model's SQL is written in the dialect it was trained on (DuckDB and Spark name their
    similarity functions differently), so for another dialect the current comparisons are
    rebuilt in that dialect and the trained parameters copied across level by level.
    """
    settings = {key: value for key, value in model.items() if key != MODEL_EXTRAS}
    if settings.get("sql_dialect", dialect) == dialect:
        return settings
    rebuilt = person_settings().get_settings(dialect).as_dict()
    if [c["output_column_name"] for c in rebuilt["comparisons"]] != [
        c["output_column_name"] for c in settings["comparisons"]
    ]:
        raise ValueError("the model's comparisons differ from this engine's; retrain it")
    for target, source in zip(rebuilt["comparisons"], settings["comparisons"], strict=True):
        target_levels, source_levels = target["comparison_levels"], source["comparison_levels"]
        if [level.get("label_for_charts") for level in target_levels] != [
            level.get("label_for_charts") for level in source_levels
        ]:
            raise ValueError(f"the model's {source['output_column_name']} levels differ; retrain")
        for target_level, source_level in zip(target_levels, source_levels, strict=True):
            for parameter in ("m_probability", "u_probability", "tf_minimum_u_value"):
                if parameter in source_level:
                    target_level[parameter] = source_level[parameter]
    rebuilt["probability_two_random_records_match"] = settings[
        "probability_two_random_records_match"
    ]
    return rebuilt


def _linker(model: dict, db_api: "DatabaseAPISubClass", tables: list[pa.Table]) -> Linker:
    """A Linker over `tables` (as one population) with the model's name frequencies loaded."""
    dialect = db_api.sql_dialect.sql_dialect_str
    settings = _splink_settings(model, dialect)
    settings["retain_matching_columns"] = True
    settings["retain_intermediate_calculation_columns"] = True
    population = tables[0] if len(tables) == 1 else pa.concat_tables(tables)
    linker = Linker(db_api.register(population), settings, log_level=logging.WARNING)
    for column in TERM_FREQUENCY_COLUMNS:
        lookup = _term_frequency_lookup(model, column, population[column])
        linker.table_management.register_term_frequency_lookup(db_api.register(lookup), column)
    return linker


def _term_frequency_lookup(model: dict, column: str, values: pa.ChunkedArray) -> pa.Table:
    distinct = pc.unique(values).drop_null()
    frequencies = _term_frequency_of(model, column)
    return pa.table(
        {column: distinct, f"tf_{column}": [frequencies(value) for value in distinct.to_pylist()]},
        schema=pa.schema([(column, pa.string()), (f"tf_{column}", pa.float64())]),
    )


def _term_frequency_of(model: dict, column: str) -> Any:
    """value -> frequency in training; None (no adjustment) when the model holds none."""
    stored = model.get(MODEL_EXTRAS, {}).get("term_frequencies", {}).get(column)
    if stored is None:
        return lambda value: None
    known, rare = stored["values"], stored["rare"]
    return lambda value: known.get(value, rare)


class _Labels:
    """Each field's comparison-level labels, by the level's number in Splink's output."""

    def __init__(self, settings: Settings) -> None:
        self.by_field: dict[str, dict[int, str]] = {
            comparison.output_column_name: {
                level.comparison_vector_value: level.label_for_charts
                for level in comparison.comparison_levels
            }
            for comparison in settings.comparisons
        }
        self.tf_adjusted = {
            comparison.output_column_name
            for comparison in settings.comparisons
            if any(level._has_tf_adjustments for level in comparison.comparison_levels)
        }


def _scored_pairs(predictions: "SplinkDataFrame", linker: Linker) -> list[ScoredPair]:
    labels = _Labels(linker._settings_obj)
    table = predictions.as_pyarrow_table()
    predictions.drop_table_from_database_and_remove_from_cache()
    return list(_pairs_from_table(table, labels))


def _pairs_from_table(table: pa.Table, labels: _Labels) -> Iterator[ScoredPair]:
    """ScoredPairs from Splink's predictions, sharing identical evidence objects.

    Most pairs reach the same few levels with the same weights, so interning the evidence keeps
    millions of pairs to a few hundred bytes each.
    """
    evidence_columns = []
    for field in FIELDS:
        weights = table[f"mw_{field}"]
        if field in labels.tf_adjusted:
            weights = pc.add(weights, pc.fill_null(table[f"mw_tf_adj_{field}"], 0.0))
        evidence_columns.append(
            zip(table[f"gamma_{field}"].to_pylist(), weights.to_pylist(), strict=True)
        )
    interned: dict[tuple, tuple[FieldEvidence, ...]] = {}
    for left_id, right_id, weight, probability, *levels in zip(
        table["unique_id_l"].to_pylist(),
        table["unique_id_r"].to_pylist(),
        table["match_weight"].to_pylist(),
        table["match_probability"].to_pylist(),
        *evidence_columns,
        strict=True,
    ):
        key = tuple(levels)
        evidence = interned.get(key)
        if evidence is None:
            evidence = tuple(
                FieldEvidence(field, labels.by_field[field][gamma], _finite(field_weight))
                for field, (gamma, field_weight) in zip(FIELDS, levels, strict=True)
            )
            interned[key] = evidence
        yield ScoredPair(left_id, right_id, weight, probability, evidence)


def _finite(weight: float) -> float:
    return weight if math.isfinite(weight) else math.copysign(99.0, weight)


class _CandidateScorer:
    """One model's lookup machinery: a DuckDB connection holding the scoring query, prepared.

    This is Splink's `compare_records` (splink/internals/realtime.py) without its per-call
    costs. Parsing, binding and planning Splink's SQL takes longer than running it on fifty
    rows, so the query is prepared once over two tables that each call refills; nothing is
    left behind between calls.
    """

    LEFT, RIGHT = "casebridge_lookup_record", "casebridge_lookup_candidates"

    def __init__(self, model: dict) -> None:
        settings = _settings_object(_splink_settings(model, "duckdb"))
        self.labels = _Labels(settings)
        self.term_frequencies = {
            column: _term_frequency_of(model, column) for column in TERM_FREQUENCY_COLUMNS
        }
        # Fifty rows gain nothing from a second thread and would pay to start it.
        self.connection = duckdb.connect(config={"threads": 1})
        no_records = self._with_term_frequencies(_prepared(_INPUT_SCHEMA.empty_table()))
        self.connection.register("casebridge_lookup_rows", no_records)
        for table in (self.LEFT, self.RIGHT):
            self.connection.execute(f"create table {table} as from casebridge_lookup_rows")
        self.connection.execute(f"prepare casebridge_lookup as {self._scoring_sql(settings)}")
        # A connection runs one query at a time; requests in other threads wait their turn.
        self.lock = threading.Lock()

    def score(self, left: pa.Table, right: pa.Table) -> list[ScoredPair]:
        left, right = self._with_term_frequencies(left), self._with_term_frequencies(right)
        with self.lock:
            self._refill(self.LEFT, left)
            self._refill(self.RIGHT, right)
            table = self.connection.sql("execute casebridge_lookup").to_arrow_table()
        return list(_pairs_from_table(table, self.labels))

    def _refill(self, table: str, rows: pa.Table) -> None:
        # `table` is one of the two constants above, never input.
        self.connection.register("casebridge_lookup_rows", rows)
        self.connection.execute(f"delete from {table}")  # noqa: S608  # nosec B608  # Splink's SQL and the code's constants: no input reaches it
        self.connection.execute(f"insert into {table} from casebridge_lookup_rows")

    @classmethod
    def _scoring_sql(cls, settings: Settings) -> str:
        settings._retain_matching_columns = True
        settings._retain_intermediate_calculation_columns = True
        # The SQL is Splink's own, generated from the model's comparisons; no input reaches it.
        pipeline = CTEPipeline()
        blocking_columns = ", ".join(settings._columns_to_select_for_blocking)
        pipeline.enqueue_sql(
            f"select {blocking_columns}, 0 as match_key"  # noqa: S608  # nosec B608  # Splink's SQL and the code's constants: no input reaches it
            f" from {cls.LEFT} as l cross join {cls.RIGHT} as r",
            "__splink__compare_two_records_blocked",
        )
        vector_columns = ", ".join(settings._columns_to_select_for_comparison_vector_values)
        pipeline.enqueue_sql(
            f"select {vector_columns} from __splink__compare_two_records_blocked",  # noqa: S608  # nosec B608  # Splink's SQL and the code's constants: no input reaches it
            "__splink__df_comparison_vectors",
        )
        pipeline.enqueue_list_of_sqls(predict_from_comparison_vectors_sqls_using_settings(settings))
        return pipeline.generate_cte_pipeline_sql()

    def _with_term_frequencies(self, table: pa.Table) -> pa.Table:
        for column in TERM_FREQUENCY_COLUMNS:
            frequency = self.term_frequencies[column]
            values = table[column].to_pylist()
            tf = [None if value is None else frequency(value) for value in values]
            table = table.append_column(f"tf_{column}", pa.array(tf, pa.float64()))
        return table


def _settings_object(settings_dict: dict) -> Settings:
    return SettingsCreator.from_path_or_dict(deepcopy(settings_dict)).get_settings("duckdb")


_scorers: dict[str, _CandidateScorer] = {}
_scorers_lock = threading.Lock()


def _candidate_scorer(model: dict) -> _CandidateScorer:
    fingerprint = _model_fingerprint(model)
    with _scorers_lock:
        scorer = _scorers.get(fingerprint)
        if scorer is None:
            # A deployment holds one or two models at a time; older ones are dropped.
            if len(_scorers) >= 4:
                _scorers.pop(next(iter(_scorers)))
            scorer = _scorers[fingerprint] = _CandidateScorer(model)
    return scorer
