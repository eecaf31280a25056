"""Planning two years of the perpetrator programmes and partner support (no database).

Modelled on a London borough's safeguarding report (Barnet, 2022/23, sections 2.5.1-2.5.6): the
adult programme's and the partner service's referrals, entries and departures per quarter follow
its tables for Q3 21/22 to Q2 22/23 (the other quarters are like them); about 30 young people
(11 to 18, mostly 13 to 15) are referred to the child-to-parent programme each half-year; the
culturally integrated family approach (CIFA) starts in September 2021 and stays small. Those who
enter a programme are scored on the outcome measure at assessment, midway and completion; every
completer progresses in at least three areas, and accountability moves slowest (2.5.4).

The report's counts of those "in the programme at the start of the quarter" do not follow from
its own flows (13 + 7 - 11 is not 16), so the flows are matched and the stock is what follows.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from casebridge.demo.calendar import PERIOD_END, PERIOD_START, at_office_time, next_weekday
from casebridge.demo.population import PersonMaker, age_in_band, weighted
from casebridge.people.models import Person
from casebridge.people.services import PersonDetails

MIN_REFERRALS = 3  # per programme, however small the borough
ASSESSMENT_DAYS = 14  # from referral to entering, at the least
WAIT_DAYS = 70  # a referral not taken up by then is closed
MIDWAY_DAYS = 70  # the midway score of someone still in the programme
# How fast each area of the outcome measure moves (2.5.4: safe reactions, communication and
# child-centred parenting most; accountability slowest).
AREA_PACE: dict[str, float] = {
    "accountability": 0.35,
    "thinking_and_attitudes": 0.8,
    "safe_reactions": 1.2,
    "communication_style": 1.1,
    "child_centred_parenting": 1.1,
    "personal_wellbeing": 0.8,
}
ALWAYS_PROGRESS = ("safe_reactions", "communication_style", "child_centred_parenting")
NOT_TAKEN_UP = {"not_suitable": 30, "declined": 40, "no_contact": 30}
LEFT_UNPLANNED = {"disengaged": 60, "risk_escalated": 15, "custody": 15, "moved_away": 10}
SUPPORT_CLOSED = {"feels_safer": 65, "no_change": 25, "disengaged": 10}
REASONS = {
    "not_suitable": "Assessed as not suitable for group work at present.",
    "declined": "Declined to take part after the first meeting.",
    "no_contact": "No response to three calls and a letter.",
    "disengaged": "Missed three sessions in a row; no response since.",
    "risk_escalated": "Risk to the partner escalated; referred back to the police and MARAC.",
    "custody": "Remanded in custody.",
    "moved_away": "Moved out of the borough.",
    "feels_safer": "Her partner finished the programme; she reports feeling safer.",
    "no_change": "Support ended as planned; she reports no change.",
    "declined_support": "Thanked us; does not want support at present.",
}


@dataclass(frozen=True)
class ProgrammeSpec:
    pathway: str
    provider: str
    # Per quarter of the period, Q1 21/22 to Q4 22/23, at the borough's scale.
    referrals: tuple[int, ...]
    entering: tuple[int, ...]  # support: accepted
    leaving: tuple[int, ...]
    planned: tuple[int, ...]  # of those leaving, completing (support: every closure)
    referrers: dict[str, float]  # username: weight
    sex: dict[str, float]
    ages: tuple[tuple[int, int, float], ...]
    reason: str
    min_planned_days: int
    starts: date = PERIOD_START
    measured: bool = True  # scored on the outcome measure (not partner support)


ADULT_AGES = ((18, 25, 12), (26, 30, 18), (31, 40, 45), (41, 50, 18), (51, 65, 7))
MOSTLY_MEN = {Person.Sex.MALE: 90, Person.Sex.FEMALE: 10}
PROGRAMMES = (
    ProgrammeSpec(
        pathway="pp-adult",
        provider="nb-womens-centre",
        referrals=(13, 12, 15, 8, 9, 7, 10, 11),
        entering=(12, 10, 7, 6, 4, 10, 7, 8),
        leaving=(2, 6, 11, 13, 3, 14, 8, 7),
        planned=(1, 4, 8, 10, 2, 10, 6, 5),
        referrers={"sam.okafor": 45, "grace.mensah": 35, "tom.walsh": 20},
        sex=MOSTLY_MEN,
        ages=ADULT_AGES,
        reason="Abusive to his partner; wants to change. Please assess for the group programme.",
        min_planned_days=98,
    ),
    ProgrammeSpec(
        pathway="pp-partner-support",
        provider="nb-da-advocacy",
        referrals=(11, 12, 9, 11, 4, 7, 8, 9),
        entering=(9, 10, 1, 13, 0, 4, 6, 6),
        leaving=(1, 5, 8, 7, 1, 10, 5, 5),
        planned=(1, 5, 8, 7, 1, 10, 5, 5),
        referrers={"sam.okafor": 40, "tom.walsh": 40, "grace.mensah": 20},
        sex={Person.Sex.FEMALE: 92, Person.Sex.MALE: 8},
        ages=ADULT_AGES,
        reason="Her partner is referred to the perpetrator programme. Please offer support.",
        min_planned_days=28,
        measured=False,
    ),
    ProgrammeSpec(
        pathway="pp-young-person",
        provider="nb-womens-centre",
        referrals=(15, 15, 16, 14, 15, 15, 14, 16),
        entering=(7, 8, 8, 7, 8, 8, 7, 8),
        leaving=(1, 5, 8, 8, 7, 8, 8, 7),
        planned=(1, 3, 5, 6, 5, 6, 5, 5),
        referrers={"tom.walsh": 70, "sam.okafor": 30},
        sex={Person.Sex.MALE: 70, Person.Sex.FEMALE: 30},
        ages=((11, 12, 10), (13, 15, 65), (16, 18, 25)),
        reason="Violent and controlling towards a parent at home. Please assess.",
        min_planned_days=56,
    ),
    ProgrammeSpec(
        pathway="pp-family",
        provider="nb-womens-centre",
        referrals=(0, 2, 4, 4, 5, 4, 5, 4),
        entering=(0, 0, 2, 3, 3, 3, 3, 3),
        leaving=(0, 0, 0, 1, 2, 3, 2, 3),
        planned=(0, 0, 0, 1, 1, 2, 2, 2),
        referrers={"tom.walsh": 50, "sam.okafor": 40, "grace.mensah": 10},
        sex={Person.Sex.MALE: 80, Person.Sex.FEMALE: 20},
        ages=((20, 30, 30), (31, 45, 50), (46, 65, 20)),
        reason="Abuse within the wider family; the family would work in its own language.",
        min_planned_days=84,
        starts=date(2021, 9, 1),  # CIFA was launched in September 2021 (2.5.5)
    ),
)


@dataclass(frozen=True)
class PlannedScore:
    stage: str
    at: datetime
    answers: dict[str, int]


@dataclass
class PlannedParticipant:
    pathway: str
    referrer: str
    referred_at: datetime
    person: PersonDetails
    engaged_at: datetime | None = None
    entered_at: datetime | None = None  # support: accepted
    left_at: datetime | None = None  # left the programme, or closed
    completed: bool = False  # a planned departure
    not_taken_up_at: datetime | None = None
    outcome: str = ""
    scores: list[PlannedScore] = field(default_factory=list)


def quarters() -> list[tuple[date, date]]:
    """The period's quarters, each as its first and last day."""
    found, start = [], PERIOD_START
    while start <= PERIOD_END:
        month = start.month + 3
        following = date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        found.append((start, following - timedelta(days=1)))
        start = following
    return found


def scaled(table: tuple[int, ...], factor: float) -> list[int]:
    """``table`` times ``factor``, rounded so the running total stays as close as it can."""
    totals = [round(sum(table[: n + 1]) * factor) for n in range(len(table))]
    return [total - before for total, before in zip(totals, [0, *totals], strict=False)]


def _weekday(rng: random.Random, first: date, last: date) -> date:
    day = next_weekday(first + timedelta(days=rng.randint(0, max(0, (last - first).days))))
    return day if day <= last else first


def _moment(rng: random.Random, first: date, last: date) -> datetime:
    return at_office_time(rng, _weekday(rng, first, min(last, PERIOD_END)), latest=16)


def _scores(rng: random.Random, person: PlannedParticipant) -> None:
    """The outcome measure at assessment, midway (if they stayed long enough) and completion."""
    entered = person.entered_at
    assert entered is not None
    start = {area: rng.randint(2, 5) for area in AREA_PACE}
    gain = {
        area: max(1 if area in ALWAYS_PROGRESS else 0, round(pace * rng.uniform(1.5, 5)))
        for area, pace in AREA_PACE.items()
    }
    if rng.random() < 0.15:  # well-being dips now and then, with what the programme stirs up
        gain["personal_wellbeing"] = -1

    def at(share: float) -> dict[str, int]:
        return {a: max(1, min(10, start[a] + round(gain[a] * share))) for a in AREA_PACE}

    person.scores.append(PlannedScore("assessment", entered - timedelta(minutes=30), start))
    end = person.left_at or at_office_time(rng, PERIOD_END, latest=16)
    halfway = (end - entered) / 2 if person.completed else timedelta(days=MIDWAY_DAYS)
    midway = at_office_time(rng, next_weekday((entered + halfway).date()), latest=16)
    if midway < end - timedelta(days=7):
        person.scores.append(PlannedScore("midway", midway, at(rng.uniform(0.3, 0.6))))
    if person.completed and person.left_at is not None:
        person.scores.append(
            PlannedScore("completion", person.left_at - timedelta(minutes=30), at(1))
        )


def plan_programme(
    rng: random.Random, maker: PersonMaker, spec: ProgrammeSpec, scale: float
) -> list[PlannedParticipant]:
    """Referrals quarter by quarter; the longest waiting enter, the longest in complete first."""
    factor = max(scale, MIN_REFERRALS / sum(spec.referrals))
    referrals, entering, leaving, planned = (
        scaled(table, factor)
        for table in (spec.referrals, spec.entering, spec.leaving, spec.planned)
    )
    everyone: list[PlannedParticipant] = []
    waiting: list[PlannedParticipant] = []
    inside: list[PlannedParticipant] = []
    for number, (first, last) in enumerate(quarters()):
        for _ in range(referrals[number]):
            referred = _moment(rng, max(first, spec.starts), last)
            age = age_in_band(rng, spec.ages)
            details = maker.make(
                sex=weighted(rng, spec.sex),
                age=age,
                on=referred.date(),
                nhs_chance=0.0,  # a second allocator could repeat the population's numbers
                police_chance=0.0,
            )
            person = PlannedParticipant(
                spec.pathway, weighted(rng, spec.referrers), referred, details
            )
            everyone.append(person)
            waiting.append(person)
        waiting.sort(key=lambda p: p.referred_at)
        ready = [p for p in waiting if p.referred_at.date() + timedelta(ASSESSMENT_DAYS) <= last]
        for person in ready[: entering[number]]:
            earliest = max(first, person.referred_at.date() + timedelta(ASSESSMENT_DAYS))
            person.entered_at = _moment(rng, earliest, last)
            if spec.measured:
                person.engaged_at = _moment(
                    rng,
                    person.referred_at.date() + timedelta(3),
                    person.entered_at.date() - timedelta(4),
                )
            waiting.remove(person)
            inside.append(person)
        for person in [p for p in waiting if p.referred_at.date() + timedelta(WAIT_DAYS) < last]:
            referred_on = person.referred_at.date()
            if spec.measured and rng.random() < 0.5:
                person.engaged_at = _moment(
                    rng, referred_on + timedelta(5), referred_on + timedelta(14)
                )
            person.not_taken_up_at = _moment(
                rng, referred_on + timedelta(21), referred_on + timedelta(WAIT_DAYS)
            )
            person.outcome = weighted(rng, NOT_TAKEN_UP) if spec.measured else "declined_support"
            waiting.remove(person)
        _leave(
            rng,
            spec,
            inside,
            first,
            last,
            planned[number],
            max(0, leaving[number] - planned[number]),
        )
    for person in waiting:  # referred lately: some already being assessed
        referred_on = person.referred_at.date()
        if spec.measured and referred_on + timedelta(10) <= PERIOD_END and rng.random() < 0.6:
            person.engaged_at = _moment(
                rng, referred_on + timedelta(5), referred_on + timedelta(10)
            )
    if spec.measured:
        for person in everyone:
            if person.entered_at is not None:
                _scores(rng, person)
    return everyone


def _leave(
    rng: random.Random,
    spec: ProgrammeSpec,
    inside: list[PlannedParticipant],
    first: date,
    last: date,
    completing: int,
    dropping: int,
) -> None:
    def since(person: PlannedParticipant, days: int) -> date:
        assert person.entered_at is not None
        return person.entered_at.date() + timedelta(days)

    long_enough = [p for p in inside if since(p, spec.min_planned_days) <= last]
    for person in long_enough[:completing]:
        person.left_at = _moment(rng, max(first, since(person, spec.min_planned_days)), last)
        person.completed = True
        person.outcome = weighted(rng, SUPPORT_CLOSED) if not spec.measured else ""
        inside.remove(person)
    started = [p for p in inside if since(p, 14) <= last]
    for person in rng.sample(started, min(dropping, len(started))):
        person.left_at = _moment(rng, max(first, since(person, 14)), last)
        person.outcome = weighted(rng, LEFT_UNPLANNED)
        inside.remove(person)
