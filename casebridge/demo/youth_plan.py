"""Planning the young people entering the youth justice system (no database): first-time
entrants year by year from April 2019, and the third of them who reoffend within a year.

First-time entrants follow the source report's 7.1 and 7.2 (169 per 100,000 of the 10-17
population in 2022/23, lower during Covid), and one young person in three reoffends within a
year (7.3). Only their offences are planned: the police and court extracts record them.
"""

import random
from datetime import date, timedelta

from casebridge.demo.offenders import (
    FOLLOW_UP,
    LAST_DAY,
    WAITING,
    Identities,
    Offences,
    Offender,
    any_time,
    day_between,
    offender_details,
    with_identifiers,
)
from casebridge.demo.population import PersonMaker, age_in_band, weighted
from casebridge.people.models import Person

YOUTH_POPULATION = 39_000  # Northbridge's 10-17 year olds (analytics/population)
# First-time entrants per 100,000 aged 10-17, by financial year (from 1 April of the year):
# low during Covid, rising from September 2021 to 169 (7.1, 7.2).
FTE_RATE = {2019: 150, 2020: 112, 2021: 158, 2022: 169}
MIN_FTE = 2
YOUTH_REOFFENDING = 0.32
YOUTH_AGES = ((10, 12, 8), (13, 14, 22), (15, 15, 22), (16, 16, 25), (17, 17, 23))
YOUTH_SEX = {Person.Sex.MALE: 80, Person.Sex.FEMALE: 20}
FIRST_DISPOSAL = {
    "caution": 45,
    "referral_order": 30,
    "youth_rehabilitation_order": 12,
    "discharge": 8,
    "fine": 5,
}
YOUTH_REOFFENCE = {
    "caution": 15,
    "referral_order": 25,
    "youth_rehabilitation_order": 30,
    "custody": 5,
    "fine": 10,
    "discharge": 15,
}


def plan_young_people(
    rng: random.Random, maker: PersonMaker, offences: Offences, ids: Identities, scale: float
) -> list[Offender]:
    """First-time entrants year by year; a third reoffend within the year after their first
    caution or conviction (the index event)."""
    found: list[Offender] = []
    for year, rate in FTE_RATE.items():
        count = max(MIN_FTE, round(rate * YOUTH_POPULATION / 100_000 * scale))
        first, last = date(year, 4, 1), min(date(year + 1, 3, 31), LAST_DAY)
        for _ in range(count):
            index = day_between(rng, first, last)
            age = age_in_band(rng, YOUTH_AGES)
            details = offender_details(maker, sex=weighted(rng, YOUTH_SEX), age=age, on=index)
            offender = Offender(details, ids.pnc(index.year))
            offender.details = with_identifiers(details, offender.pnc, "")
            born = details.date_of_birth
            assert born is not None

            def youth(day: date, born: date = born) -> bool:
                return (day - born).days < 18 * 365.25

            disposal = weighted(rng, FIRST_DISPOSAL)
            committed = any_time(rng, index - timedelta(days=offences.lag(disposal)))
            offender.offences.append(
                offences.proven_at(committed, index, disposal, _youth_group(rng), youth(index))
            )
            for _ in range(rng.choice((0, 0, 1))):  # suspected before, never proven
                day = day_between(
                    rng, index - timedelta(days=300), committed.date() - timedelta(days=1)
                )
                offence = offences.make(any_time(rng, day), "nfa", group=_youth_group(rng))
                if offence is not None:
                    offender.offences.append(offence)
            follow_up_end = index + FOLLOW_UP
            if rng.random() < YOUTH_REOFFENDING:
                for _ in range(weighted(rng, {1: 60, 2: 28, 3: 12})):
                    day = day_between(
                        rng, index + timedelta(days=7), follow_up_end - timedelta(days=20)
                    )
                    disposal = weighted(rng, YOUTH_REOFFENCE)
                    dealt = min(day + timedelta(offences.lag(disposal)), follow_up_end + WAITING)
                    if day <= LAST_DAY:
                        offender.offences.append(
                            offences.proven_at(
                                any_time(rng, day),
                                dealt,
                                disposal,
                                _youth_group(rng),
                                youth(dealt),
                            )
                        )
            for _ in range(rng.choice((0, 0, 1, 2))):  # suspected since, not proven
                day = day_between(rng, index + timedelta(days=7), follow_up_end + FOLLOW_UP)
                offence = offences.make(
                    any_time(rng, day),
                    weighted(rng, {"nfa": 80, "pending": 20}),
                    group=_youth_group(rng),
                )
                if offence is not None:
                    offender.offences.append(offence)
            offender.offences.sort(key=lambda o: o.committed_at)
            found.append(offender)
    return found


def _youth_group(rng: random.Random) -> str:
    return "violence_with_injury" if rng.random() < 0.25 else "other"
