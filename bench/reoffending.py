"""The reducing-reoffending figures over a London-sized synthetic snapshot of justice events.

Writes the snapshot tables the reoffending figures read (justice events, cases and their
timelines for an IOM cohort and the women's pathway) straight to Parquet, derives case states,
first proven offences and case starts with the snapshot's own SQL, then computes every figure of
the "Reducing reoffending" section as the board report does: four quarters, and four
twelve-month cohorts. Prints wall time, peak memory and a few of the figures.

    .venv/bin/python bench/reoffending.py                   # 500,000 people, about 2,000,000 events
    .venv/bin/python bench/reoffending.py --people 100000
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebridge.config.settings.local")

FIRST_DAY, DAYS = date(2018, 4, 1), 1826  # five financial years, to March 2023
EVENTS_PER_PERSON = 4
KIND_SHARES = {
    "recorded_offence": 0.34,
    "arrest": 0.20,
    "charge": 0.05,
    "court_appearance": 0.05,
    "caution": 0.10,
    "conviction_non_custodial": 0.14,
    "conviction_custody": 0.05,
    "custody_release": 0.05,
    "out_of_court_disposal": 0.02,
}
COHORT_PEOPLE = 5_000  # on the IOM cohort, and as many women on the whole-system pathway
DAY, WHOLE = pa.date32(), pa.int32()


def _days(values: np.ndarray) -> np.ndarray:
    return np.datetime64(FIRST_DAY) + values.astype("timedelta64[D]")


def _justice_events(rng: np.random.Generator, people: int, directory: Path) -> int:
    from casebridge.analytics.tables.justice import JUSTICE_EVENTS
    from casebridge.justice.events import event_definitions

    kinds = event_definitions().kinds
    per_person = rng.poisson(EVENTS_PER_PERSON, people)
    person = np.repeat(np.arange(people), per_person)
    count = len(person)
    names = np.array(list(KIND_SHARES))
    shares = np.array(list(KIND_SHARES.values()))
    kind = names[rng.choice(len(names), count, p=shares / shares.sum())]
    day = rng.integers(0, DAYS, count)
    proven = np.isin(kind, [k for k in names if kinds[k].proven])
    index = np.isin(kind, [k for k in names if kinds[k].index])
    lag = np.where(proven, rng.integers(14, 240, count), 0)
    committed = np.maximum(day - lag, 0)
    offence_on = np.where(proven | (kind == "recorded_offence"), committed, -1)
    born = rng.integers(-60 * 365, -10 * 365, people)  # days from FIRST_DAY
    age = ((day - born[person]) // 365.25).astype("int32")
    female = rng.random(people) < 0.15
    pq.write_table(
        pa.table(
            {
                "event_id": np.char.add("e", np.arange(count).astype(str)),
                "person_id": np.char.add("p", person.astype(str)),
                "kind": kind,
                "source": np.full(count, "partner_event"),
                "detail": np.full(count, ""),
                "offence_on": pa.array(_days(offence_on), mask=offence_on < 0, type=DAY),
                "occurred_on": pa.array(_days(day), type=DAY),
                "age": pa.array(age, type=WHOLE),
                "sex": np.where(female[person], "female", "male"),
                "is_proven": proven,
                "is_index": index,
            },
            schema=JUSTICE_EVENTS,
        ),
        directory / "justice_events.parquet",
    )
    return count


def _cases(rng: np.random.Generator, people: int, directory: Path) -> None:
    """An IOM cohort (adopted, half later removed) and women supported on the pathway."""
    from casebridge.analytics.tables.cases import CASE_EVENTS, CASES

    iom = rng.choice(people, COHORT_PEOPLE, replace=False)
    women = rng.choice(people, COHORT_PEOPLE, replace=False)
    subjects = np.concatenate([iom, women])
    cases = len(subjects)
    pathway = np.repeat(["iom", "womens-whole-system"], COHORT_PEOPLE)
    referred = rng.integers(0, DAYS - 30, cases)
    case_ids = np.char.add("c", np.arange(cases).astype(str))
    pq.write_table(
        pa.table(
            {
                "case_id": case_ids,
                "pathway": pathway,
                "referred_on": pa.array(_days(referred), type=DAY),
                "referring_agency_kind": np.full(cases, "police"),
                "owner_agency_kind": np.full(cases, "police"),
                "state": np.full(cases, "open"),
                "outcome": np.full(cases, ""),
                "subject_id": np.char.add("p", subjects.astype(str)),
                "person_id": np.char.add("p", subjects.astype(str)),
            },
            schema=CASES,
        ),
        directory / "cases.parquet",
    )
    started = referred + rng.integers(1, 20, cases)
    ended = started + rng.integers(120, 720, cases)
    ends = ended < DAYS
    first_state = np.where(pathway == "iom", "proposed", "referred")
    open_state = np.where(pathway == "iom", "statutory", "supported")
    end_state = np.where(pathway == "iom", "removed", "closed")
    case = np.concatenate([np.arange(cases), np.arange(cases), np.flatnonzero(ends)])
    on = np.concatenate([referred, started, ended[ends]])
    to_state = np.concatenate([first_state, open_state, end_state[ends]])
    from_state = np.concatenate([np.full(cases, ""), first_state, open_state[ends]])
    kind = np.concatenate([np.full(cases, "referred"), np.full(cases + ends.sum(), "transition")])
    days = _days(on)
    pq.write_table(
        pa.table(
            {
                "case_id": case_ids[case],
                "pathway": pathway[case],
                "kind": kind,
                "from_state": from_state,
                "to_state": to_state,
                "outcome": np.full(len(case), ""),
                "occurred_at": pa.array(
                    days.astype("datetime64[us]"), pa.timestamp("us", tz="UTC")
                ),
                "occurred_on": pa.array(days, type=DAY),
            },
            schema=CASE_EVENTS,
        ),
        directory / "case_events.parquet",
    )


def _empty_tables(directory: Path) -> None:
    """The casework tables the figures read, with nothing in them."""
    from casebridge.analytics.tables import casework

    for name, schema in (
        ("case_tiers", casework.CASE_TIERS),
        ("case_needs", casework.CASE_NEEDS),
        ("service_referrals", casework.SERVICE_REFERRALS),
        ("service_elements", casework.SERVICE_ELEMENTS),
    ):
        pq.write_table(schema.empty_table(), directory / f"{name}.parquet")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=2022)
    arguments = parser.parse_args()

    import django

    django.setup()
    from casebridge.analytics.engine import Engine
    from casebridge.analytics.periods import parse_period
    from casebridge.analytics.registry import registry
    from casebridge.analytics.snapshot import Snapshot
    from casebridge.analytics.tables.derived import derive
    from casebridge.pathways.definitions import read_definitions

    rng = np.random.default_rng(arguments.seed)
    with tempfile.TemporaryDirectory(prefix="casebridge-reoffending-") as scratch:
        directory = Path(scratch)
        started = time.perf_counter()
        events = _justice_events(rng, arguments.people, directory)
        _cases(rng, arguments.people, directory)
        _empty_tables(directory)
        derive(directory, pathway_definitions=read_definitions())
        written = time.perf_counter() - started
        snapshot = Snapshot(directory, datetime.now(tz=UTC), {})
        indicators = [i for i in registry().values() if i.section == "Reducing reoffending"]
        quarter = parse_period("Q4 22/23")
        quarters = quarter.previous_quarters(4)
        cohorts = [parse_period(f"12m to {q.end:%Y-%m}") for q in quarter.previous_quarters(10)[:4]]
        engine = Engine(snapshot=snapshot)
        started = time.perf_counter()
        by_quarter = engine.figures(indicators, quarters)
        quarterly = time.perf_counter() - started
        started = time.perf_counter()
        by_cohort = engine.figures(indicators, cohorts)
        twelve_months = time.perf_counter() - started

    cases = 2 * COHORT_PEOPLE
    print(f"people: {arguments.people:,}; justice events: {events:,}; cohort cases: {cases:,}")
    print(f"snapshot written and derived in {written:.1f} s")
    print(f"{len(indicators)} figures x 4 quarters: {quarterly:.1f} s")
    print(f"{len(indicators)} figures x 4 twelve-month cohorts: {twelve_months:.1f} s")
    print(f"peak memory: {_peak_mib():,.0f} MiB")
    shown = (
        "iom-reoffending-binary-rate",
        "yj-reoffending-binary-rate",
        "adult-reoffending-binary-rate",
    )
    for figure in by_cohort:
        if figure.indicator in shown:
            value = "not yet known" if figure.matures_on else f"{figure.value or 0:.1f}"
            parts = f"{figure.numerator:,}/{figure.denominator or 0:,}"
            print(f"  {figure.indicator} {figure.period}: {value} ({parts})")
    assert len(by_quarter) == len(indicators) * 4


if __name__ == "__main__":
    main()
