"""The full indicator set over a synthetic snapshot of 10 million timeline events.

Writes a snapshot shaped like the real one (casebridge/analytics/tables/) straight to
Parquet, scaled far beyond the demo borough, then computes every indicator for four quarters:
once with the columnar engine (Ibis on DuckDB) and once with a straightforward pandas version of
the same definitions (load the tables, filter with boolean masks). Prints wall time, peak memory
and the ratio. Each engine runs in its own process, so the peak memory is its own.

    .venv/bin/python bench/indicators.py                 # 10,000,000 events
    .venv/bin/python bench/indicators.py --events 1000000
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebridge.config.settings.local")

PERIOD_START = date(2021, 4, 1)
DAYS = 730
PATHWAYS = {  # share of cases, and the states their timelines pass through
    "idva": (0.35, ["referred", "active", "closed", "declined"]),
    "da-marac": (0.10, ["referred", "accepted", "open", "closed", "declined"]),
    "sanctuary": (0.10, ["referred", "surveyed", "installed", "withdrawn"]),
    "da-housing": (0.15, ["approached", "in_temporary_accommodation", "housed", "closed"]),
    "one-stop-shop": (0.15, ["referred", "attended", "did_not_attend"]),
    "pp-adult": (0.05, ["referred", "engaged", "in_programme", "completed", "left"]),
    "pp-partner-support": (0.05, ["referred", "supported", "closed", "declined"]),
    "pp-young-person": (0.05, ["referred", "engaged", "in_programme", "completed", "left"]),
}
EVENTS_PER_CASE = 4
KINDS = ["police", "charity", "council", "health", "housing", "probation"]


def _dates(rng: np.random.Generator, n: int, start: int = 0) -> np.ndarray:
    return np.datetime64(PERIOD_START) + (start + rng.integers(0, DAYS, n)).astype("timedelta64[D]")


def write_snapshot(directory: Path, events: int, seed: int = 2022) -> dict[str, int]:
    rng = np.random.default_rng(seed)
    cases = events // EVENTS_PER_CASE
    names = list(PATHWAYS)
    shares = np.array([PATHWAYS[name][0] for name in names])
    pathway = rng.choice(len(names), cases, p=shares / shares.sum())
    referred = _dates(rng, cases)
    case_ids = np.char.add("c", np.arange(cases).astype(str))
    pathway_names = np.array(names)[pathway]
    subjects = np.char.add("p", rng.integers(0, cases // 2, cases).astype(str))
    pq.write_table(
        pa.table(
            {
                "case_id": case_ids,
                "pathway": pathway_names,
                "referred_on": referred,
                "referring_agency_kind": rng.choice(KINDS, cases),
                "owner_agency_kind": rng.choice(KINDS, cases),
                "state": np.array(["referred"] * cases),
                "outcome": np.array([""] * cases),
                "subject_id": subjects,
                "person_id": subjects,  # no record is merged: each subject is its own survivor
            }
        ),
        directory / "cases.parquet",
    )
    # Each case's timeline: the referral, then steps through its pathway's states.
    steps = np.repeat(np.arange(EVENTS_PER_CASE)[None, :], cases, axis=0)
    gaps = rng.integers(1, 60, (cases, EVENTS_PER_CASE)).cumsum(axis=1) - 1
    event_case = np.repeat(np.arange(cases), EVENTS_PER_CASE)
    # Step n of a pathway's timeline: its nth state, or its last for short pathways.
    lookup = np.array(
        [
            [PATHWAYS[name][1][min(n, len(PATHWAYS[name][1]) - 1)] for n in range(EVENTS_PER_CASE)]
            for name in names
        ]
    )
    state_names = lookup[pathway[event_case], steps.ravel()]
    occurred = np.repeat(referred, EVENTS_PER_CASE) + gaps.ravel().astype("timedelta64[D]")
    occurred_at = occurred.astype("datetime64[us]")
    pq.write_table(
        pa.table(
            {
                "case_id": case_ids[event_case],
                "pathway": pathway_names[event_case],
                "kind": np.where(steps.ravel() == 0, "referred", "transition"),
                "from_state": np.array([""] * len(event_case)),
                "to_state": state_names,
                "outcome": np.array([""] * len(event_case)),
                "occurred_at": pa.array(occurred_at, pa.timestamp("us", tz="UTC")),
                "occurred_on": occurred,
            }
        ),
        directory / "case_events.parquet",
    )
    marac = pathway_names == "da-marac"
    referrals = int(marac.sum())
    pq.write_table(
        pa.table(
            {
                "case_id": case_ids[marac],
                "referred_on": referred[marac],
                "is_repeat": rng.random(referrals) < 0.14,
                "children_in_household": (rng.random(referrals) < 0.44)
                * rng.integers(1, 4, referrals),
                "relationship": rng.choice(
                    ["partner", "ex_partner", "family", "child_to_parent"],
                    referrals,
                    p=[0.55, 0.3, 0.1, 0.05],
                ),
                "victim_sex": rng.choice(["female", "male"], referrals, p=[0.9, 0.1]),
                "victim_age": rng.integers(16, 80, referrals).astype("int32"),
                "referring_agency_kind": rng.choice(KINDS, referrals),
                "mental_health_need": rng.random(referrals) < 0.36,
                "alcohol_need": rng.random(referrals) < 0.105,
                "drugs_need": rng.random(referrals) < 0.07,
            }
        ),
        directory / "marac_referrals.parquet",
    )
    small = max(1, cases // 10)
    pq.write_table(
        pa.table(
            {
                "incident_id": np.arange(small).astype(str),
                "category": rng.choice(["domestic_abuse", "violence_with_injury"], small),
                "domestic_abuse": rng.random(small) < 0.8,
                "occurred_on": _dates(rng, small),
                "reporting_agency_kind": rng.choice(["police", "council"], small, p=[0.9, 0.1]),
                "outcome": rng.choice(
                    ["", "charge_summons", "caution", "community_resolution", "no_further_action"],
                    small,
                    p=[0.3, 0.1, 0.05, 0.05, 0.5],
                ),
                "outcome_on": _dates(rng, small),
            }
        ),
        directory / "incidents.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "request_id": np.arange(small // 10 + 1),
                "route": rng.choice(["right_to_ask", "right_to_know"], small // 10 + 1),
                "requested_on": _dates(rng, small // 10 + 1),
                "decision": rng.choice(["pending", "disclosed"], small // 10 + 1),
                "decided_on": _dates(rng, small // 10 + 1),
            }
        ),
        directory / "disclosure_requests.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "assessment_id": np.arange(small).astype(str),
                "instrument": rng.choice(["da-risk-checklist", "programme-outcomes"], small),
                "assessed_on": _dates(rng, small),
                "final_band": rng.choice(["standard", "medium", "high"], small),
                "assessing_agency_kind": rng.choice(KINDS, small),
                "stage": np.array([""] * small),
                "score": rng.integers(0, 24, small).astype("int32"),
            }
        ),
        directory / "assessments.parquet",
    )
    stays = max(1, cases // 1000)
    arrived = _dates(rng, stays)
    departed = arrived + rng.integers(30, 270, stays).astype("timedelta64[D]")
    pq.write_table(
        pa.table(
            {
                "stay_id": np.arange(stays).astype(str),
                "refuge_id": rng.choice(["r1", "r2", "r3"], stays),
                "arrived_on": arrived,
                "departed_on": departed,
                "children": rng.integers(0, 3, stays).astype("int32"),
                "bed_spaces": np.full(stays, 18, dtype="int32"),
            }
        ),
        directory / "refuge_stays.parquet",
    )
    complete_snapshot(directory)
    taken = {"taken_at": "2023-04-01T00:00:00+00:00", "rows": {"case_events": len(event_case)}}
    (directory / "manifest.json").write_text(json.dumps(taken))
    return {"cases": cases, "events": len(event_case), "marac_referrals": referrals}


def complete_snapshot(directory: Path) -> None:
    """Give the synthetic snapshot every table of the real one, in the real one's shape: the
    columns written above are kept, those not written are null and the tables not written are
    empty (so a table added to the snapshot cannot break the benchmark), then derive the derived
    tables as `casebridge snapshot` does, from the shipped pathway definitions."""
    from casebridge.analytics.tables import TABLES
    from casebridge.analytics.tables.derived import derive
    from casebridge.pathways.definitions import read_definitions

    for name, build in TABLES.items():
        schema = getattr(sys.modules[build.__module__], name.upper())
        path = directory / f"{name}.parquet"
        written = pq.read_table(path) if path.exists() else schema.empty_table()
        if path.exists() and written.schema.equals(schema):
            continue
        columns = [
            written[field.name].cast(field.type)
            if field.name in written.column_names
            else pa.nulls(len(written), field.type)
            for field in schema
        ]
        pq.write_table(pa.Table.from_arrays(columns, schema=schema), path)
    derive(directory, pathway_definitions=read_definitions())


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# The tables written above with rows (and the state histories derived from them), and the parts
# of a measure the pandas version below implements: the indicators whose every measure keeps to
# them are computed both ways (the others read tables the synthetic snapshot leaves empty).
WRITTEN = {
    "cases",
    "case_events",
    "marac_referrals",
    "incidents",
    "disclosure_requests",
    "assessments",
    "refuge_stays",
    "case_states",
}
PANDAS_MEASURES = {"table", "date", "where", "as_at", "overlaps", "sum", "population"}


def compared_indicators() -> list:
    from casebridge.analytics.registry import registry

    def in_pandas(measure: dict) -> bool:
        return set(measure) <= PANDAS_MEASURES and measure.get("table", "cases") in WRITTEN

    return [
        indicator
        for indicator in registry().values()
        if in_pandas(indicator.numerator)
        and (indicator.denominator is None or in_pandas(indicator.denominator))
    ]


def run_engine(directory: str) -> tuple[float, float, dict]:
    import django

    django.setup()
    from casebridge.analytics.engine import Engine
    from casebridge.analytics.periods import parse_period
    from casebridge.analytics.snapshot import open_snapshot

    started = time.perf_counter()
    engine = Engine(snapshot=open_snapshot(Path(directory)))
    periods = parse_period("Q4 22/23").previous_quarters(4)
    figures = engine.figures(compared_indicators(), periods)
    seconds = time.perf_counter() - started
    values = {(f.indicator, f.period): f.value for f in figures}
    return seconds, _peak_mib(), values


def run_pandas(directory: str) -> tuple[float, float, dict]:
    """The same definitions, the way one would write them in pandas."""
    import django
    import pandas as pd

    django.setup()
    from casebridge.analytics.engine import population_file, read_population
    from casebridge.analytics.periods import (
        FINANCIAL_YEAR_START,
        mid_year_estimate_year,
        parse_period,
    )

    started = time.perf_counter()
    tables: dict[str, pd.DataFrame] = {}
    population = read_population(population_file())

    def table(name: str) -> pd.DataFrame:
        if name not in tables:
            frame = pd.read_parquet(Path(directory) / f"{name}.parquet")
            for column in frame.columns:
                if column.endswith("_on"):
                    frame[column] = pd.to_datetime(frame[column]).dt.date
            tables[name] = frame
        return tables[name]

    def measure(spec: dict, period) -> float:
        if "population" in spec:
            wanted = spec["population"]
            year = mid_year_estimate_year(
                period, wanted.get("mid_year_estimate", FINANCIAL_YEAR_START)
            )
            return sum(
                b.people
                for b in population
                if b.year == year
                and wanted.get("sex", b.sex) == b.sex
                and b.age_from >= wanted.get("min_age", 0)
                and b.age_to <= wanted.get("max_age", 200)
            )
        frame = table(spec["table"])
        mask = pd.Series(True, index=frame.index)
        for column, test in spec.get("where", {}).items():
            if isinstance(test, list):
                mask &= frame[column].isin(test)
            elif isinstance(test, dict):
                for op, operand in test.items():
                    mask &= {
                        "gt": frame[column] > operand,
                        "gte": frame[column] >= operand,
                        "lte": frame[column] <= operand,
                        "ne": frame[column] != operand,
                    }[op]
            else:
                mask &= frame[column] == test
        if "date" in spec:
            mask &= frame[spec["date"]].between(period.start, period.end)
        elif "overlaps" in spec:
            begins, ends = frame[spec["overlaps"][0]], frame[spec["overlaps"][1]]
            mask &= (begins <= period.end) & (ends.isna() | (ends >= period.start))
        else:
            entered, left = frame["entered_on"], frame["left_on"]
            if spec["as_at"] == "start":
                mask &= (entered < period.start) & (left.isna() | (left >= period.start))
            else:
                mask &= (entered <= period.end) & (left.isna() | (left > period.end))
        rows = frame[mask]
        return float(rows[spec["sum"]].sum()) if "sum" in spec else float(len(rows))

    values = {}
    for indicator in compared_indicators():
        for period in parse_period("Q4 22/23").previous_quarters(4):
            numerator = measure(indicator.numerator, period)
            if indicator.denominator is None:
                values[indicator.id, period.label] = numerator
                continue
            denominator = measure(indicator.denominator, period)
            scale = 100 if indicator.unit == "percent" else indicator.per or 1
            values[indicator.id, period.label] = (
                scale * numerator / denominator if denominator else None
            )
    return time.perf_counter() - started, _peak_mib(), values


def _in_process(target, directory: str) -> tuple[float, float, dict]:
    """``target`` in a fresh process (its peak memory is its own); its failure is raised here."""
    with ProcessPoolExecutor(max_workers=1) as process:
        return process.submit(target, directory).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--skip-pandas", action="store_true")
    options = parser.parse_args()
    import django

    django.setup()
    with tempfile.TemporaryDirectory(prefix="casebridge-bench-") as scratch:
        started = time.perf_counter()
        counts = write_snapshot(Path(scratch), options.events)
        print(
            f"snapshot: {counts['events']:,} events, {counts['cases']:,} cases, "
            f"{counts['marac_referrals']:,} MARAC referrals "
            f"(written in {time.perf_counter() - started:.1f} s)"
        )
        seconds, peak, values = _in_process(run_engine, scratch)
        print(
            f"engine (Ibis on DuckDB): {len(values)} figures in {seconds:.1f} s, "
            f"peak memory {peak:,.0f} MiB"
        )
        if options.skip_pandas:
            return
        pandas_seconds, pandas_peak, pandas_values = _in_process(run_pandas, scratch)
        print(
            f"pandas: {len(pandas_values)} figures in {pandas_seconds:.1f} s, "
            f"peak memory {pandas_peak:,.0f} MiB"
        )
        different = [
            key
            for key, value in values.items()
            if not (
                value == pandas_values[key]
                or (
                    value is not None
                    and pandas_values[key] is not None
                    and abs(value - pandas_values[key]) < 1e-9 * max(1, abs(value))
                )
            )
        ]
        print(
            f"same values: {len(values) - len(different)} of {len(values)}"
            + (f" (different: {different[:5]})" if different else "")
        )
        print(f"engine is {pandas_seconds / seconds:.1f}x faster than pandas")


if __name__ == "__main__":
    main()
