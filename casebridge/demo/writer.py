"""Writing a plan through the domain services, exactly as the partnership's users would."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock_time

import time_machine
from django.db import connection

from casebridge.demo.calendar import LONDON, PERIOD_START
from casebridge.demo.extracts import import_partner_extracts
from casebridge.demo.history import replay_history
from casebridge.demo.offence_histories import import_offence_histories
from casebridge.demo.plan import Plan
from casebridge.demo.setup import Organisation, create_organisation
from casebridge.people.models import Person
from casebridge.people.services import people_bulk_create

SOURCE = "the Northbridge demo borough generator"
# Before the first MARAC meeting is scheduled: everyone is on record when the history begins.
SET_UP_AT = datetime.combine(PERIOD_START - timedelta(days=45), clock_time(9, 0), tzinfo=LONDON)

Progress = Callable[[str], None]


@dataclass
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)

    def lap(self, name: str, started: float) -> float:
        now = time.perf_counter()
        self.seconds[name] = now - started
        return now


def write_plan(plan: Plan, progress: Progress) -> Timings:
    """Write the borough as it stood at the start of the period, then replay its history."""
    timings, started = Timings(), time.perf_counter()
    with time_machine.travel(SET_UP_AT, tick=False):
        org = create_organisation(plan.seed)
        started = timings.lap("organisation", started)
        case_people = _write_case_people(plan, org)
        started = timings.lap("case people", started)
        _write_residents(plan, org, progress)
        started = timings.lap("residents", started)
    replay_history(
        org=org,
        people=case_people,
        referrals=plan.referrals,
        seed=plan.seed,
        scale=plan.size.activity_scale,
        progress=progress,
    )
    started = timings.lap("history", started)
    import_partner_extracts(org=org, seed=plan.seed, progress=progress)
    started = timings.lap("partner extracts", started)
    import_offence_histories(
        org=org, seed=plan.seed, scale=plan.size.activity_scale, progress=progress
    )
    started = timings.lap("offence histories", started)
    _analyze()
    timings.lap("analyze", started)
    return timings


def _analyze() -> None:
    """Refresh the planner's statistics: after a bulk load they describe empty tables, and
    PostgreSQL then scans 500,000 names to fetch fifty."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _source(plan: Plan) -> str:
    return f"{SOURCE} (seed {plan.seed}, size {plan.size.name})"


def _write_case_people(plan: Plan, org: Organisation) -> list[Person]:
    people: list[Person | None] = [None] * len(plan.case_people)
    for agency, batch in plan.case_people_batches():
        created = people_bulk_create(
            actor=org.generators[agency],
            people=[planned.details for planned in batch],
            source=_source(plan),
        )
        for planned, person in zip(batch, created, strict=True):
            people[planned.key] = person
    assert all(person is not None for person in people)
    return people  # type: ignore[return-value]


def _write_residents(plan: Plan, org: Organisation, progress: Progress) -> None:
    written, total, reported = 0, plan.resident_count, time.perf_counter()
    for agency, batch in plan.residents():
        people_bulk_create(actor=org.generators[agency], people=batch, source=_source(plan))
        written += len(batch)
        if time.perf_counter() - reported > 10:
            progress(f"  residents: {written:,} of {total:,}")
            reported = time.perf_counter()
