"""Planning the women's whole-system pathway (no database): about 60 women a year, from April
2021, referred to the women's centre by the police, probation or liaison and diversion, each
with her contacts with the criminal justice system, her needs and the services she is referred
to, and the key worker's sessions until the case closes.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from casebridge.demo.calendar import PERIOD_START
from casebridge.demo.offenders import (
    LAST_DAY,
    POSITIVE,
    Move,
    PlannedNeed,
    PlannedService,
    day_between,
    offender_details,
    office_moment,
)
from casebridge.demo.population import PersonMaker, age_in_band, weighted
from casebridge.people.models import Person
from casebridge.people.services import PersonDetails

WOMEN_PER_YEAR = 60
MIN_WOMEN = 4
WOMEN_AGES = ((18, 24, 18), (25, 34, 35), (35, 44, 30), (45, 60, 17))
WOMEN_REFERRERS = {"sam.okafor": 35, "jess.morgan": 15, "grace.mensah": 30, "nadia.rahman": 20}
ENGAGES = 0.85
NOT_ENGAGED = {"declined": 50, "no_contact": 50}
CLOSED = {"goals_met": 60, "disengaged": 25, "custody": 7, "moved_away": 8}
WOMEN_NEEDS: dict[str, tuple[float, dict[str, float], str]] = {
    "domestic_sexual_abuse": (
        0.6,
        {"safer": 75, "not_safer": 25},
        "Safety planning; referred to the IDVA service.",
    ),
    "trafficking_exploitation": (
        0.08,
        {"safer": 70, "not_safer": 30},
        "Referred through the National Referral Mechanism.",
    ),
    "poverty": (0.55, {"improved": 65, "not_improved": 35}, "Benefits check and debt advice."),
    "homelessness": (
        0.3,
        {"housed": 70, "not_housed": 30},
        "Referred to housing options; supported at the appointment.",
    ),
    "mental_health": (
        0.65,
        {"in_treatment": 65, "declined_treatment": 35},
        "Referred to the talking therapies service.",
    ),
    "substance_use": (
        0.45,
        {"in_treatment": 55, "declined_treatment": 45},
        "Referred to the women's drug and alcohol group.",
    ),
}
# How a woman came to be referred, and the service that route leads to.
ROUTES = {"diverted": 35, "community_sentence": 25, "liaison": 20, "released": 10, "awaiting": 10}
ROUTE_SERVICE = {
    "diverted": "conditional_caution_intervention",
    "community_sentence": "community_sentence_treatment",
    "liaison": "liaison_diversion",
}
ROUTE_REASON = {
    "diverted": "Conditional caution: attendance at the women's centre is a condition.",
    "community_sentence": "Community order with a treatment requirement; please support.",
    "liaison": "Seen by liaison and diversion in custody; agreed to a referral.",
    "released": "Released from prison; needs support to settle and stay safe.",
    "awaiting": "Charged and awaiting court; vulnerable, please offer support.",
}
REASONS = {
    "declined": "Declined support after the first call.",
    "no_contact": "No response to three calls and a letter.",
    "goals_met": "Support plan completed.",
    "disengaged": "Stopped attending; no response since.",
    "custody": "Sentenced to custody.",
    "moved_away": "Moved out of the borough; referred to the women's centre where she now lives.",
}


@dataclass(frozen=True)
class PlannedJusticeContact:
    stage: str
    occurred_on: date
    outcome: str = ""
    offence_on: date | None = None
    notes: str = ""


@dataclass
class PlannedWoman:
    details: PersonDetails
    referrer: str
    referred_at: datetime
    route: str
    accepted_at: datetime | None = None
    moves: list[Move] = field(default_factory=list)
    justice: list[PlannedJusticeContact] = field(default_factory=list)
    needs: list[PlannedNeed] = field(default_factory=list)
    services: list[PlannedService] = field(default_factory=list)
    activities: list[tuple[datetime, str, str]] = field(default_factory=list)


def _route_contacts(rng: random.Random, route: str, referred: date) -> list[PlannedJusticeContact]:
    offence = referred - timedelta(days=rng.randint(20, 120))
    arrest = offence + timedelta(days=rng.randint(0, 3))
    if route == "released":
        sentenced = referred - timedelta(days=rng.randint(60, 200))
        offence = sentenced - timedelta(days=rng.randint(40, 150))
        return [
            PlannedJusticeContact("sentence", sentenced, "custody", offence),
            PlannedJusticeContact(
                "release", referred - timedelta(days=rng.randint(0, 10)), "on_licence"
            ),
        ]
    contacts = [
        PlannedJusticeContact("arrest", arrest),
        PlannedJusticeContact("custody", arrest, notes="Seen by liaison and diversion."),
    ]
    if route == "diverted":
        caution = min(arrest + timedelta(days=rng.randint(7, 40)), referred)
        outcome = weighted(rng, {"conditional_caution": 80, "caution": 20})
        contacts.append(PlannedJusticeContact("out_of_court_disposal", caution, outcome, offence))
    elif route in ("community_sentence", "awaiting"):
        charged = arrest + timedelta(days=rng.randint(0, 10))
        contacts.append(PlannedJusticeContact("charge", charged, "", offence))
        if route == "community_sentence":
            court = min(charged + timedelta(days=rng.randint(14, 60)), referred)
            contacts.append(PlannedJusticeContact("court", court, "convicted", offence))
            contacts.append(PlannedJusticeContact("sentence", court, "community_order", offence))
        else:
            contacts.append(
                PlannedJusticeContact(
                    "court", min(charged + timedelta(days=14), referred), "bailed", offence
                )
            )
    return contacts


def plan_women(rng: random.Random, maker: PersonMaker, scale: float) -> list[PlannedWoman]:
    per_year = max(MIN_WOMEN, round(WOMEN_PER_YEAR * scale))
    women: list[PlannedWoman] = []
    for first in (PERIOD_START, date(2022, 4, 1)):
        last = date(first.year + 1, 3, 31) - timedelta(days=3)
        for _ in range(per_year):
            referred_on = day_between(rng, first, last)
            while referred_on.weekday() >= 5:
                referred_on -= timedelta(days=1)
            age = age_in_band(rng, WOMEN_AGES)
            route = weighted(rng, ROUTES)
            woman = PlannedWoman(
                offender_details(maker, sex=Person.Sex.FEMALE, age=age, on=referred_on),
                weighted(rng, WOMEN_REFERRERS),
                office_moment(rng, referred_on),
                route,
                justice=_route_contacts(rng, route, referred_on),
            )
            _support(rng, woman, age)
            women.append(woman)
    return women


def _support(rng: random.Random, woman: PlannedWoman, age: int) -> None:
    referred = woman.referred_at.date()
    if rng.random() >= ENGAGES:
        day = min(referred + timedelta(days=rng.randint(14, 30)), LAST_DAY)
        outcome = weighted(rng, NOT_ENGAGED)
        woman.moves.append(Move(office_moment(rng, day), "not_engaged", outcome, REASONS[outcome]))
        return
    accepted = min(referred + timedelta(days=rng.randint(1, 10)), LAST_DAY)
    woman.accepted_at = office_moment(rng, accepted)
    woman.moves.append(Move(woman.accepted_at, "accept"))
    close = accepted + timedelta(days=rng.randint(90, 270))
    outcome = weighted(rng, CLOSED)
    last = min(close, LAST_DAY)
    if close <= LAST_DAY:
        woman.moves.append(Move(office_moment(rng, close), "close", outcome, REASONS[outcome]))
    if woman.route == "awaiting":
        court = accepted + timedelta(days=rng.randint(20, 70))
        if court <= last:
            offence = next(c.offence_on for c in woman.justice if c.stage == "charge")
            sentence = weighted(rng, {"community_order": 50, "suspended_sentence": 35, "fine": 15})
            woman.justice.append(PlannedJusticeContact("court", court, "convicted", offence))
            woman.justice.append(PlannedJusticeContact("sentence", court, sentence, offence))
            woman.activities.append(
                (office_moment(rng, court), "court_support", "Went with her to court.")
            )
    positive = 0.8 if outcome == "goals_met" else 0.4
    for area, (share, outcomes, support) in WOMEN_NEEDS.items():
        if rng.random() >= share:
            continue
        identified = min(accepted + timedelta(days=rng.randint(0, 14)), last)
        found = ""
        if close <= LAST_DAY:
            good = [o for o in outcomes if o in POSITIVE]
            bad = [o for o in outcomes if o not in POSITIVE]
            found = rng.choice(good) if rng.random() < positive else rng.choice(bad)
        woman.needs.append(PlannedNeed(area, identified, support, found, close if found else None))
    services = ["womens_centre"]
    if woman.route in ROUTE_SERVICE:
        services.append(ROUTE_SERVICE[woman.route])
    if age <= 24 and rng.random() < 0.5:
        services.append("step_down")
    for service in services:
        done = outcome == "goals_met" and close <= LAST_DAY
        started = min(accepted + timedelta(days=rng.randint(1, 14)), last)
        ended = last if close <= LAST_DAY else None
        woman.services.append(
            PlannedService(service, accepted, started, ended, done and ended is not None)
        )
    day = accepted + timedelta(days=rng.randint(5, 9))
    if day < last:
        woman.activities.append(
            (office_moment(rng, day), "support_plan", "Support plan agreed with her.")
        )
    while True:
        day += timedelta(days=rng.randint(7, 14))
        if day >= last:
            break
        woman.activities.append((office_moment(rng, day), "contact", "Key-worker session."))
