"""Planning Northbridge's serious violence (no database): the police-recorded knife-enabled
offences and serious youth violence, the incidents that meet the SIRM criteria, and what the
SIRM coordinator does with each.

Calibrated to the source report's sections 3 and 4 (Barnet, 2022/23): 93 knife-enabled offences
a quarter, 24% with an injury; 8 serious youth violence incidents a quarter, their victims all
male, 17.5 years old on average, 3 in 8 harmed outside the borough, 62% injured, knife crime the
most common; SIRMs falling year on year. Community-impact meetings began in July 2021, with the
schools and community groups near an incident. Volumes are the borough's times the size's
activity scale, spread so that every quarter of the demo is complete.
"""

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from casebridge.demo.calendar import (
    AS_OF,
    LONDON,
    PERIOD_END,
    PERIOD_START,
    add_working_days,
    at_office_time,
    financial_year,
)
from casebridge.demo.identifiers import IdentifierAllocator
from casebridge.demo.names import load_pools
from casebridge.demo.population import PersonMaker, weighted
from casebridge.incidents.models import Incident
from casebridge.people.models import Person
from casebridge.people.services import PersonDetails

Category = Incident.Category
Injury = Incident.Injury
Weapon = Incident.Weapon

KNIFE_ENABLED_PER_QUARTER = 93
KNIFE_INJURY_SHARE = 0.24
SYV_PER_QUARTER = 8
SYV_OUTSIDE_SHARE = 3 / 8
SYV_INJURY_SHARE = 0.62
SYV_VICTIM_AGES = {15: 1, 16: 2, 17: 4, 18: 5, 19: 4}  # mean 17.6
SYV_WEAPONS = {Weapon.KNIFE: 75, Weapon.OTHER: 10, Weapon.NONE: 15}  # none: a serious injury
# Incidents meeting the SIRM criteria, by financial year (from 1 April): falling each year.
SIRMS_PER_YEAR = {2021: 18, 2022: 13}
NOT_NEEDED_SHARE = 0.2
NOT_NEEDED_REASONS = (
    "Victim and suspect already discussed at the exploitation panel this month; actions agreed "
    "there.",
    "Suspect charged and remanded; no reprisal risk identified by the police.",
)
COMMUNITY_IMPACT_FROM = date(2021, 7, 1)
COMMUNITY_IMPACT_SHARE = 0.6
# Northbridge's wards; serious incidents cluster in and around Watling Park.
WARDS = {
    "Watling": 30,
    "Colindale North": 15,
    "Burnside": 12,
    "Hale End": 10,
    "Millbrook": 9,
    "St Anne's": 8,
    "Eastfield": 8,
    "Kingsmead": 8,
}
KNIFE_CATEGORIES = {
    Category.VIOLENCE_WITHOUT_INJURY: 45,
    Category.ROBBERY: 45,
    Category.SEXUAL_OFFENCE: 10,
}
ADULT_VICTIM_AGES = {(20, 24): 30, (25, 34): 35, (35, 49): 25, (50, 70): 10}
NO_SUSPECT_SHARE = 0.35
# Hour of the day (the extract is sent at 23:30): afternoons and evenings are busiest.
HOURS = {hour: 2.0 if 15 <= hour <= 22 else 0.6 for hour in range(23)}


@dataclass(frozen=True)
class PlannedViolence:
    reference: str
    category: str
    occurred_at: datetime
    victim: PersonDetails
    suspect: PersonDetails | None
    weapon: str
    injury: str
    ward: str
    outside_borough: bool
    gang_related: bool = False
    child_in_victim_household: bool = False
    serious_youth_violence: bool = False

    @property
    def reported_on(self) -> date:
        return self.occurred_at.date()


@dataclass(frozen=True)
class PlannedRating:
    area: str
    level: str
    assessment: str


@dataclass(frozen=True)
class PlannedSirmAction:
    agency: str
    description: str
    due: date
    completed_at: datetime | None


@dataclass
class PlannedSirm:
    """What the coordinator does with one proposed incident."""

    incident: PlannedViolence
    decided_at: datetime
    not_needed_reason: str = ""  # set: no SIRM; otherwise a meeting at ``meeting_at``
    meeting_at: datetime | None = None
    ratings: tuple[PlannedRating, ...] = ()
    actions: tuple[PlannedSirmAction, ...] = ()
    closed_at: datetime | None = None
    community_impact_at: datetime | None = None

    @property
    def convened(self) -> bool:
        return self.meeting_at is not None

    @property
    def held_at(self) -> datetime | None:
        return self.meeting_at + SIRM_LENGTH if self.meeting_at else None


@dataclass
class ViolencePlan:
    incidents: list[PlannedViolence] = field(default_factory=list)
    sirms: list[PlannedSirm] = field(default_factory=list)


SIRM_LENGTH = timedelta(hours=1, minutes=30)
COMMUNITY_IMPACT_LENGTH = timedelta(hours=1)
SIRM_AGENCIES = (
    "nb-police",
    "nb-childrens-services",
    "nb-youth-justice",
    "nb-hospital",
    "nb-community-safety",
    "nb-homes",
)
COMMUNITY_IMPACT_AGENCIES = (
    "nb-academy",
    "nb-community-responders",
    "nb-community-safety",
    "nb-police",
)
RATINGS = {
    "reprisal": {
        "high": "Associates of the victim named the suspect's group online within hours.",
        "medium": "Tension between the two groups; no threats seen yet.",
    },
    "families": {
        "high": "Younger sibling attends the same school as the suspect's associates.",
        "medium": "Family know the suspect's family; police to visit both.",
    },
    "hospital": {
        "medium": "Victim on the ward; discharge to be planned with the hospital's youth worker.",
        "low": "Treated and discharged the same day.",
    },
    "community": {
        "high": "Incident filmed and shared widely; parents at the nearby school are anxious.",
        "medium": "Local concern; the safer neighbourhood team to increase patrols.",
    },
}
SIRM_ACTIONS = {
    "nb-police": "Increase patrols around the location for two weeks and speak to both families.",
    "nb-childrens-services": "Visit the victim's family and offer the siblings a safety plan.",
    "nb-youth-justice": "Review the suspect's associates known to the service; share by Friday.",
    "nb-hospital": "Youth worker to see the victim before discharge and plan a safe discharge.",
    "nb-homes": "Check the victim's family's tenancy and offer a management move if needed.",
}


def quarters() -> list[tuple[date, date]]:
    found, start = [], PERIOD_START
    while start <= PERIOD_END:
        following = date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
        found.append((start, following - timedelta(days=1)))
        start = following
    return found


def spread(per_quarter: float, scale: float, count: int) -> list[int]:
    """``per_quarter * scale`` a quarter over ``count`` quarters, in whole numbers that add up
    to the rounded total (a tiny borough still gets its few, in some quarters)."""
    wanted = per_quarter * scale
    return [round(wanted * (n + 1)) - round(wanted * n) for n in range(count)]


def shares(rng: random.Random, count: int, share: float) -> list[bool]:
    """``count`` flags, ``round(count * share)`` of them set, in a random order: a quarter's
    rate is then the source's, not a coin's."""
    flags = [number < round(count * share) for number in range(count)]
    rng.shuffle(flags)
    return flags


def _moment(rng: random.Random, first: date, last: date) -> datetime:
    day = first + timedelta(days=rng.randint(0, (last - first).days))
    hour = weighted(rng, HOURS)
    return datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=LONDON)


class ViolencePlanner:
    def __init__(self, rng: random.Random, maker: PersonMaker) -> None:
        self.rng, self.maker = rng, maker
        self.numbers: dict[date, int] = {}

    def _reference(self, at: datetime) -> str:
        day = at.date()
        self.numbers[day] = self.numbers.get(day, 0) + 1
        return f"SV-{day:%y%m%d}-{self.numbers[day]:03d}"

    def _person(self, *, age: int, on: date, sex: str = Person.Sex.MALE) -> PersonDetails:
        # No identifiers: the police extract names them, and other streams allocate those.
        return self.maker.make(sex=sex, age=age, on=on, nhs_chance=0.0, police_chance=0.0)

    def _suspect(self, on: date, victim_age: int) -> PersonDetails | None:
        if self.rng.random() < NO_SUSPECT_SHARE:
            return None
        age = max(14, victim_age + self.rng.randint(-3, 6))
        return self._person(age=age, on=on)

    def youth(self, first: date, last: date, *, injured: bool, outside: bool) -> PlannedViolence:
        rng = self.rng
        at = _moment(rng, first, last)
        age = weighted(rng, SYV_VICTIM_AGES)
        weapon = weighted(rng, SYV_WEAPONS)
        if weapon == Weapon.NONE and not injured:
            weapon = Weapon.KNIFE  # without a weapon, only a serious injury makes it serious
        injury = Injury.INJURY if injured else Injury.NONE
        if weapon == Weapon.NONE:
            injury = Injury.SERIOUS
        category = Category.VIOLENCE_WITH_INJURY if injury != Injury.NONE else Category.ROBBERY
        return PlannedViolence(
            self._reference(at),
            category,
            at,
            self._person(age=age, on=at.date()),
            self._suspect(at.date(), age),
            weapon,
            injury,
            "" if outside else weighted(rng, WARDS),
            outside,
            serious_youth_violence=True,
        )

    def knife(self, first: date, last: date, *, injured: bool) -> PlannedViolence:
        rng = self.rng
        at = _moment(rng, first, last)
        low, high = weighted(rng, ADULT_VICTIM_AGES)
        age = rng.randint(low, high)
        category = Category.VIOLENCE_WITH_INJURY if injured else weighted(rng, KNIFE_CATEGORIES)
        sex = (
            Person.Sex.FEMALE
            if category == Category.SEXUAL_OFFENCE
            else (Person.Sex.MALE if rng.random() < 0.7 else Person.Sex.FEMALE)
        )
        return PlannedViolence(
            self._reference(at),
            category,
            at,
            self._person(age=age, on=at.date(), sex=sex),
            self._suspect(at.date(), age),
            Weapon.KNIFE,
            Injury.SERIOUS
            if injured and rng.random() < 0.1
            else (Injury.INJURY if injured else Injury.NONE),
            weighted(rng, WARDS),
            False,
        )

    def sirm(self, incident: PlannedViolence) -> PlannedSirm:
        rng = self.rng
        extract = datetime.combine(incident.reported_on, time(23, 30), tzinfo=LONDON)
        decided = at_office_time(rng, add_working_days(incident.reported_on, 1), latest=11)
        if rng.random() < NOT_NEEDED_SHARE:
            return PlannedSirm(incident, decided, rng.choice(NOT_NEEDED_REASONS))
        meeting_day = add_working_days(decided.date(), rng.randint(1, 2))
        meeting_at = datetime.combine(meeting_day, time(14, 0), tzinfo=LONDON)
        assert meeting_at > extract
        ratings = tuple(
            PlannedRating(area, level, text)
            for area, texts in RATINGS.items()
            for level, text in [rng.choice(list(texts.items()))]
            if area != "hospital" or incident.injury != Injury.NONE
        )
        owners = rng.sample(list(SIRM_ACTIONS), rng.randint(2, 3))
        actions = []
        for agency in owners:
            due = add_working_days(meeting_day, rng.choice((5, 10)))
            done = at_office_time(rng, add_working_days(meeting_day, rng.randint(1, 12)))
            actions.append(
                PlannedSirmAction(
                    agency, SIRM_ACTIONS[agency], due, done if done <= AS_OF else None
                )
            )
        sirm = PlannedSirm(
            incident, decided, meeting_at=meeting_at, ratings=ratings, actions=tuple(actions)
        )
        if all(a.completed_at for a in actions):
            last = max(a.completed_at for a in actions if a.completed_at)
            closing = at_office_time(rng, add_working_days(last.date(), rng.randint(2, 10)))
            sirm.closed_at = closing if closing <= AS_OF else None
        if meeting_day >= COMMUNITY_IMPACT_FROM and rng.random() < COMMUNITY_IMPACT_SHARE:
            impact_day = add_working_days(meeting_day, rng.randint(2, 5))
            impact = datetime.combine(impact_day, time(18, 0), tzinfo=LONDON)
            if impact + COMMUNITY_IMPACT_LENGTH <= AS_OF:
                sirm.community_impact_at = impact
        if sirm.held_at is not None and sirm.held_at > AS_OF:
            return PlannedSirm(incident, decided)  # still to meet at the demo's "now"
        return sirm


def plan_violence(seed: int, scale: float) -> ViolencePlan:
    """The same incidents and decisions for the same seed and scale."""
    rng = random.Random(f"{seed}:violence")  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    planner = ViolencePlanner(
        rng,
        PersonMaker(rng, load_pools(), IdentifierAllocator(random.Random(f"{seed}:sv-ids"))),  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    )
    plan = ViolencePlan()
    spans = quarters()
    youth = spread(SYV_PER_QUARTER, scale, len(spans))
    knives = spread(KNIFE_ENABLED_PER_QUARTER, scale, len(spans))
    for (first, last), young, knifed in zip(spans, youth, knives, strict=True):
        injured, outside = (
            shares(rng, young, SYV_INJURY_SHARE),
            shares(rng, young, SYV_OUTSIDE_SHARE),
        )
        incidents = [
            planner.youth(first, last, injured=hurt, outside=away)
            for hurt, away in zip(injured, outside, strict=True)
        ]
        # Knife-enabled youth violence counts in both figures: the rest are adults', injured so
        # that the quarter's knife-enabled offences have the source's share of injuries.
        young_knives = [i for i in incidents if i.weapon == Weapon.KNIFE]
        adults = max(0, knifed - len(young_knives))
        hurt = round(knifed * KNIFE_INJURY_SHARE) - sum(
            i.injury != Injury.NONE for i in young_knives
        )
        incidents += [
            planner.knife(first, last, injured=flag)
            for flag in shares(rng, adults, max(0, hurt) / adults if adults else 0)
        ]
        plan.incidents += incidents
    # Today's incidents are in tonight's extract, after the demo's "now".
    latest = AS_OF - timedelta(hours=1)
    plan.incidents = sorted(
        (i for i in plan.incidents if i.occurred_at < latest), key=lambda i: i.occurred_at
    )
    plan.incidents = _mark_sirm_incidents(rng, plan.incidents, scale)
    plan.sirms = [planner.sirm(i) for i in plan.incidents if i.gang_related]
    plan.sirms = [s for s in plan.sirms if s.decided_at <= AS_OF]
    return plan


def _mark_sirm_incidents(
    rng: random.Random, incidents: list[PlannedViolence], scale: float
) -> list[PlannedViolence]:
    """Flag each year's SIRM incidents as potentially gang-linked: young victims' serious
    violence in the borough first (under 19 meets the rule), then adults' with a child in the
    household."""
    chosen: dict[str, bool] = {}
    for start_year, per_year in SIRMS_PER_YEAR.items():
        year = financial_year(date(start_year, 4, 1))
        wanted = max(1, round(per_year * scale))
        in_year = [i for i in incidents if financial_year(i.reported_on) == year]
        # Ours first: the borough where an incident happened convenes its SIRM.
        young = [
            i
            for i in in_year
            if i.serious_youth_violence and _age(i) < 19 and not i.outside_borough
        ]
        adults = [i for i in in_year if not i.serious_youth_violence]
        rng.shuffle(young)
        rng.shuffle(adults)
        for incident in (young + adults)[:wanted]:
            chosen[incident.reference] = incident in adults
    return [
        replace(i, gang_related=True, child_in_victim_household=chosen[i.reference])
        if i.reference in chosen
        else i
        for i in incidents
    ]


def _age(incident: PlannedViolence) -> int:
    born = incident.victim.date_of_birth
    assert born is not None
    day = incident.reported_on
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
