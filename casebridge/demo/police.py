"""Two years of police-recorded domestic abuse in the borough, replayed as the police record it.

Calibrated to a London borough's 2022 figures (Barnet, sections 2.3.3-2.3.4 of the Safer
Communities Partnership Board report): 12.5 domestic abuse incidents a year per 1,000 residents;
737 domestic abuse violence-with-injury offences in a year (about 15% of the incidents), of which
70 were charged, a sanction detection rate of 9.5%.

The MARAC referrals on "potential escalation" already bring their own incidents
(``marac.py``); this stream is the rest, so that the borough's rate is the source's. Victims
and suspects are residents the police know (recorded by the police, with a police reference);
a victim keeps the same suspect whenever she is victimised again.

The police send the partnership a daily extract of the day's domestic abuse incidents, recorded
in one service call (``incidents_import``: one audit entry a day, so the thousands of incidents
add seconds, not minutes, to the load). Each violence-with-injury offence later gets its outcome
from the officer in the case (``incident_outcome_record``), with the clock set to that day.
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from casebridge.analytics.engine import DEFAULT_POPULATION, read_population
from casebridge.demo.calendar import AS_OF, LONDON, PERIOD_START, at_office_time, financial_years
from casebridge.demo.population import weighted
from casebridge.incidents.models import Incident
from casebridge.incidents.services import (
    IncidentDetails,
    incident_outcome_record,
    incidents_import,
)
from casebridge.people.models import Identifier, Person

if TYPE_CHECKING:
    from casebridge.demo.history import Replay

POLICE = "nb-police"
SOURCE = "the police's daily domestic abuse extract"
INCIDENTS_PER_1000 = 12.5  # a year, all police-recorded domestic abuse
VWI_SHARE = 0.15  # of all the year's incidents: 737 of about 4,900
EXTRACT_AT = time(23, 30)  # the day's incidents, sent late each evening
FEMALE_VICTIMS = 0.75
SAME_SEX_SUSPECT = 0.05
ADULT_AGE = 16

Outcome = Incident.Outcome
# Of the violence-with-injury offences, per cent: 9.5% sanction detections as in the source.
OUTCOMES: dict[str, float] = {
    Outcome.CHARGE_SUMMONS: 8.3,
    Outcome.CAUTION: 0.8,
    Outcome.TAKEN_INTO_CONSIDERATION: 0.2,
    Outcome.PENALTY_NOTICE: 0.2,
    Outcome.COMMUNITY_RESOLUTION: 3.0,
    Outcome.EVIDENTIAL_DIFFICULTIES: 68.5,
    Outcome.NO_SUSPECT: 2.0,
    Outcome.UNDER_INVESTIGATION: 17.0,
}
# Days from the offence to its outcome: most charges come from custody within a day or two.
DELAYS: dict[str, tuple[tuple[int, int, float], ...]] = {
    Outcome.CHARGE_SUMMONS: ((1, 1, 55), (2, 14, 35), (15, 60, 10)),
    Outcome.CAUTION: ((1, 2, 60), (3, 30, 40)),
    Outcome.TAKEN_INTO_CONSIDERATION: ((20, 90, 1),),
    Outcome.PENALTY_NOTICE: ((1, 7, 1),),
    Outcome.COMMUNITY_RESOLUTION: ((1, 30, 1),),
    Outcome.EVIDENTIAL_DIFFICULTIES: ((3, 30, 60), (31, 120, 40)),
    Outcome.NO_SUSPECT: ((14, 60, 1),),
    Outcome.UNDER_INVESTIGATION: ((1, 3, 1),),
}
BUSY_MONTHS = {12: 1.1, 1: 1.05, 6: 1.05, 7: 1.1, 8: 1.1}
WEEKEND = 1.25
# Hour of the day an incident happens (the extract is sent at 23:30): evenings are busiest.
HOURS = {
    hour: 1.0 + (1.5 if 17 <= hour <= 22 else 0.0) - (0.6 if 2 <= hour <= 7 else 0.0)
    for hour in range(23)
}


@dataclass(frozen=True)
class PlannedIncident:
    reference: str
    category: str
    occurred_at: datetime
    victim: int  # into the pool
    suspect: int
    outcome: str = ""
    outcome_at: datetime | None = None


@dataclass(frozen=True)
class Resident:
    person: Person
    female: bool
    adult: bool


def residents_per_year() -> dict[int, int]:
    """The mid-year population of each year, as the figures use it."""
    totals: dict[int, int] = {}
    for band in read_population(DEFAULT_POPULATION):
        totals[band.year] = totals.get(band.year, 0) + band.people
    return totals


def _pool(replay: "Replay") -> list[Resident]:
    """Adults the police know, in a fixed order (by police reference), whatever the database
    made their ids; people in the planned MARAC cases are left to their own history."""
    in_cases = {person.pk for person in replay.people}
    rows = (
        Identifier.objects.filter(
            scheme=Identifier.Scheme.POLICE_LOCAL,
            person__recorded_by_agency=replay.org.agencies[POLICE],
        )
        .select_related("person")
        .order_by("value")
    )
    pool = []
    for identifier in rows:
        person = identifier.person
        if person.pk in in_cases or person.date_of_birth is None:
            continue
        age = (PERIOD_START - person.date_of_birth).days // 365
        pool.append(Resident(person, person.sex == Person.Sex.FEMALE, age >= ADULT_AGE))
    return [resident for resident in pool if resident.adult]


def _days(rng: random.Random, count: int, start: date, end: date) -> list[date]:
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    weights = [
        BUSY_MONTHS.get(day.month, 1.0) * (WEEKEND if day.weekday() >= 5 else 1.0) for day in days
    ]
    return sorted(rng.choices(days, weights=weights, k=count))


def _occurred(rng: random.Random, day: date) -> datetime:
    hour = weighted(rng, HOURS)
    moment = datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=LONDON)
    return min(moment, _extract_time(day) - timedelta(minutes=1))


def _extract_time(day: date) -> datetime:
    return min(datetime.combine(day, EXTRACT_AT, tzinfo=LONDON), AS_OF)


def _outcome(rng: random.Random, occurred: datetime, outcome: str) -> tuple[str, datetime | None]:
    """The outcome and when it is given; none yet if that is after the demo's today."""
    low, high, _ = rng.choices(DELAYS[outcome], weights=[d[2] for d in DELAYS[outcome]])[0]
    at = at_office_time(rng, occurred.date() + timedelta(days=rng.randint(low, high)))
    return (outcome, at) if at <= AS_OF else ("", None)


def _quota(rng: random.Random, weights: dict[str, float], count: int) -> list[str]:
    """``count`` outcomes in exactly the shares of ``weights`` (largest remainders), shuffled:
    a year's sanction detection rate is then the source's, not a coin's."""
    total = sum(weights.values())
    exact = {key: count * weight / total for key, weight in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    for key in sorted(exact, key=lambda k: counts[k] - exact[k])[: count - sum(counts.values())]:
        counts[key] += 1
    outcomes = [key for key, number in counts.items() for _ in range(number)]
    rng.shuffle(outcomes)
    return outcomes


def plan_police_incidents(
    rng: random.Random,
    *,
    females: Sequence[int],
    males: Sequence[int],
    scale: float,
    already: dict[date, int],
) -> list[PlannedIncident]:
    """The stream for each financial year: the source's rate for that year's residents (times
    ``scale``), less the incidents the MARAC referrals already bring (``already``, by year
    start); 15% of the year's incidents are violence with injury, with outcomes in the shares
    of ``OUTCOMES``."""
    population = residents_per_year()
    suspects: dict[int, int] = {}
    planned: list[PlannedIncident] = []
    for start, end in financial_years():
        count = round(INCIDENTS_PER_1000 / 1000 * population[start.year] * scale)
        days = _days(rng, max(0, count - already.get(start, 0)), start, end)
        injuries = set(rng.sample(range(len(days)), min(len(days), round(count * VWI_SHARE))))
        outcomes = iter(_quota(rng, OUTCOMES, len(injuries)))
        per_day: dict[date, int] = {}
        for index, day in enumerate(days):
            number = per_day[day] = per_day.get(day, 0) + 1
            female = rng.random() < FEMALE_VICTIMS
            victim = rng.choice(females if female else males)
            if victim not in suspects:
                same = rng.random() < SAME_SEX_SUSPECT
                suspects[victim] = rng.choice(males if female != same else females)
            occurred = _occurred(rng, day)
            if index in injuries:
                outcome, outcome_at = _outcome(rng, occurred, next(outcomes))
                planned.append(
                    PlannedIncident(
                        f"CRIS-{day:%y%m%d}-{number:03d}",
                        Incident.Category.VIOLENCE_WITH_INJURY,
                        occurred,
                        victim,
                        suspects[victim],
                        outcome,
                        outcome_at,
                    )
                )
            else:
                planned.append(
                    PlannedIncident(
                        f"DA-{day:%y%m%d}-{number:03d}",
                        Incident.Category.DOMESTIC_ABUSE,
                        occurred,
                        victim,
                        suspects[victim],
                    )
                )
    return planned


def schedule_police_incidents(replay: "Replay", *, already: dict[date, int]) -> None:
    """Add the daily extracts and the outcomes of the violence-with-injury offences to
    ``replay``. ``already``: the police incidents MARAC referrals bring, by financial year."""
    pool = _pool(replay)
    females = [i for i, resident in enumerate(pool) if resident.female]
    males = [i for i, resident in enumerate(pool) if not resident.female]
    if not females or not males:
        return
    rng = random.Random(f"{replay.seed}:police")  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    planned = plan_police_incidents(
        rng, females=females, males=males, scale=replay.scale, already=already
    )
    officer = replay.agency_user(POLICE)
    recorded: dict[str, Incident] = {}
    days: dict[date, list[PlannedIncident]] = {}
    for incident in planned:
        days.setdefault(incident.occurred_at.date(), []).append(incident)

    for day, rows in days.items():

        def extract(rows: list[PlannedIncident] = rows) -> None:
            created = incidents_import(
                actor=officer,
                incidents=[
                    IncidentDetails(
                        reference=row.reference,
                        category=row.category,
                        occurred_at=row.occurred_at,
                        victim=pool[row.victim].person,
                        suspect=pool[row.suspect].person,
                        domestic_abuse=True,
                    )
                    for row in rows
                ],
                source=SOURCE,
            )
            recorded.update((incident.reference, incident) for incident in created)

        replay.at(_extract_time(day), extract)

    def outcome(incident: PlannedIncident, on: date) -> Callable[[], object]:
        return lambda: incident_outcome_record(
            actor=officer,
            incident=recorded[incident.reference],
            outcome=incident.outcome,
            outcome_on=on,
        )

    for incident in planned:
        if incident.outcome_at is not None:
            replay.at(incident.outcome_at, outcome(incident, incident.outcome_at.date()))
