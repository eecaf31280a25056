"""Planning the Victim Coordinator's work (no database): referrals from the panels that heard a
victim (a SIRM, the exploitation panel) and from agencies, the coordinator's support, onward
referrals and the end of support.

From the source report's section 5.15-5.16 (Barnet, 2022/23): the Victim Coordinator started in
September 2022 and within ten days had six referrals from the risk panels and one from the
council's housing provider; they give advice and guidance, support with personal safety and
safety around the home, and refer on, to housing and trauma therapy among others.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from casebridge.demo.calendar import AS_OF, add_working_days, at_office_time, next_weekday
from casebridge.demo.identifiers import IdentifierAllocator
from casebridge.demo.names import load_pools
from casebridge.demo.population import PersonMaker, weighted
from casebridge.people.models import Person
from casebridge.people.services import PersonDetails

STARTED_ON = date(2022, 9, 5)
PANEL_REFERRAL_SHARE = {"sirm": 0.7, "exploitation": 0.3}
AGENCY_REFERRALS_PER_MONTH = 2
AGENCY_REFERRER = "nb-homes"
NOT_ENGAGED_SHARE = 0.1
ACTIVITIES = {
    "advice": "Explained the Victims' Code and what to expect from the police investigation.",
    "personal_safety": "Agreed a safer route to college and a check-in by text after dark.",
    "home_safety": "Arranged a door camera and extra locks through the housing officer.",
    "recovery_plan": "Recovery plan agreed: counselling, a return to football, a mentor.",
}
SERVICES = {"housing": 0.35, "trauma_therapy": 0.5, "victim_support": 0.2, "mental_health": 0.1}
OUTCOMES = {"recovered": 60, "referred_on": 30, "disengaged": 10}
CLOSE_REASONS = {
    "recovered": "Recovery plan completed; feels safe at home and out.",
    "referred_on": "Now supported by the trauma therapy service.",
    "disengaged": "Stopped replying after the second appointment.",
}
NOT_ENGAGED_REASON = "Three calls and a letter; no reply."
AGENCY_REASONS = {
    "direct": "Tenant robbed at knifepoint outside the block; frightened to leave the flat.",
    "indirect": "Tenant's son was stabbed nearby last month; the family want support.",
}


@dataclass(frozen=True)
class PlannedSupport:
    """What the coordinator does once referred."""

    decided_at: datetime
    engaged: bool
    activities: tuple[tuple[datetime, str], ...]
    services: tuple[tuple[date, str], ...]
    closed_at: datetime | None
    outcome: str


@dataclass(frozen=True)
class PlannedAgencyReferral:
    referred_at: datetime
    details: PersonDetails
    victim_kind: str
    support: PlannedSupport

    @property
    def reason(self) -> str:
        return AGENCY_REASONS[self.victim_kind]


def plan_support(rng: random.Random, referred_at: datetime) -> PlannedSupport | None:
    decided = at_office_time(rng, add_working_days(referred_at.date(), rng.randint(1, 3)))
    if decided > AS_OF:
        return None
    if rng.random() < NOT_ENGAGED_SHARE:
        return PlannedSupport(decided, False, (), (), None, "no_contact")
    activities, at = [], decided
    for code in ACTIVITIES:
        at = at_office_time(rng, next_weekday(at.date() + timedelta(days=rng.randint(2, 12))))
        if at <= AS_OF:
            activities.append((at, code))
    services = tuple(
        (day, code)
        for code, chance in SERVICES.items()
        if rng.random() < chance
        for day in [add_working_days(decided.date(), rng.randint(1, 15))]
        if day < AS_OF.date()
    )
    outcome = weighted(rng, OUTCOMES)
    closing = at_office_time(rng, add_working_days(max(at, decided).date(), rng.randint(10, 30)))
    last_service = max((day for day, _ in services), default=decided.date())
    if closing > AS_OF or closing.date() <= last_service:
        return PlannedSupport(decided, True, tuple(activities), services, None, "")
    return PlannedSupport(decided, True, tuple(activities), services, closing, outcome)


def plan_agency_referrals(seed: int, scale: float) -> list[PlannedAgencyReferral]:
    rng = random.Random(f"{seed}:victims")  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    maker = PersonMaker(rng, load_pools(), IdentifierAllocator(random.Random(f"{seed}:vc-ids")))  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    months = (AS_OF.date().year - STARTED_ON.year) * 12 + AS_OF.date().month - STARTED_ON.month
    referrals = []
    for _ in range(max(1, round(AGENCY_REFERRALS_PER_MONTH * months * scale))):
        day = next_weekday(STARTED_ON + timedelta(days=rng.randint(3, months * 30 - 10)))
        referred_at = at_office_time(rng, day)
        support = plan_support(rng, referred_at)
        if support is None:
            continue
        kind = "direct" if rng.random() < 0.6 else "indirect"
        details = maker.make(
            sex=rng.choice((Person.Sex.FEMALE, Person.Sex.MALE)),
            age=rng.randint(16, 24) if kind == "direct" else rng.randint(38, 60),
            on=day,
            nhs_chance=0.0,
            police_chance=0.0,
        )
        referrals.append(PlannedAgencyReferral(referred_at, details, kind, support))
    return sorted(referrals, key=lambda r: r.referred_at)
