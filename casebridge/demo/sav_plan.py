"""Planning the Serious Adult Violence panel (no database): its referrals and monthly meetings.

From the source report's section 5 (Barnet, 2022/23): the panel was set up in May 2020, meets
monthly and discusses about 10 people a month; in a quarter it oversaw 30 people, 11 of them new
referrals, 75% referred by probation, aged 18 to 40 (58% aged 18-25), half gang-affiliated, and
for the first time a woman. Each open case is reviewed every third meeting, so about 30 people
are discussed in a quarter.
"""

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from casebridge.demo.calendar import AS_OF, at_office_time, next_weekday
from casebridge.demo.identifiers import IdentifierAllocator
from casebridge.demo.names import load_pools
from casebridge.demo.panel_plan import MonthlyPanel, PanelCase, PanelRules, plan_panel_case
from casebridge.demo.population import PersonMaker, weighted
from casebridge.people.models import Person
from casebridge.people.services import PersonDetails

SAV_PANEL = MonthlyPanel(weekday=2, nth=1, starts=time(10, 0), length=timedelta(hours=2))
FIRST_MONTH = date(2020, 5, 1)
NEW_PER_QUARTER = 11
REFERRERS = {"nb-probation": 75, "nb-youth-justice": 12, "nb-police": 8, "nb-homes": 5}
GANG_SHARE = 0.5
# Aged 18 to 25, of those not moving from youth justice (all 18): 58% of all referrals.
YOUNG_SHARE = 0.52
FEMALE_SHARE = 0.04
SAV_AGENCIES = (
    "nb-probation",
    "nb-police",
    "nb-youth-justice",
    "nb-homes",
    "nb-community-safety",
    "nb-childrens-services",
    "nb-hospital",
)
REASONS = {
    "nb-probation": "On licence after a conviction for wounding; associates involved in recent "
    "stabbings.",
    "nb-youth-justice": "Turning 18 on a youth rehabilitation order for robbery with a knife; "
    "transferring to probation.",
    "nb-police": "Victim of a stabbing last month and named as a suspect in a reprisal.",
    "nb-homes": "Tenancy at risk after weapons found at the address; known gang associates visit.",
}
SHARES = {
    "nb-probation": "Reporting as required; licence conditions include a curfew and an "
    "exclusion zone around Watling Park.",
    "nb-police": "Two stop and searches this quarter; associates linked to a group in Colindale.",
}
ACTIONS = {
    "nb-probation": "Refer to the gang exit programme and review the exclusion zone.",
    "nb-homes": "Assess for a management transfer away from the area.",
    "nb-police": "Share intelligence on associates with probation before the next panel.",
}
RULES = PanelRules(
    panel=SAV_PANEL,
    days=tuple(SAV_PANEL.days(FIRST_MONTH)),
    decline_share=0.05,
    decline_reason="Not involved in serious violence; referred to the IOM panel instead.",
    review_every=3,
    months_open=(4, 12),
    outcomes={"risk_reduced": 50, "custody": 20, "moved_away": 10, "disengaged": 20},
    reasons={
        "risk_reduced": "No further involvement in violence; engaging with the gang exit "
        "programme.",
        "custody": "Remanded in custody for a new offence.",
        "moved_away": "Moved out of the area; the receiving probation team informed.",
        "disengaged": "Did not engage with the support offered over six months.",
    },
)


@dataclass(frozen=True)
class PlannedSavReferral:
    agency: str
    details: PersonDetails
    gang_affiliated: bool
    youth_transition: bool
    case: PanelCase

    @property
    def reason(self) -> str:
        return REASONS[self.agency]


def _quarters_from(first: date) -> list[tuple[date, date]]:
    found, start = [], first
    while start <= AS_OF.date():
        following = date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
        found.append((start, min(following - timedelta(days=1), AS_OF.date())))
        start = following
    return found


def plan_sav(seed: int, scale: float) -> list[PlannedSavReferral]:
    rng = random.Random(f"{seed}:sav")  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    maker = PersonMaker(rng, load_pools(), IdentifierAllocator(random.Random(f"{seed}:sav-ids")))  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    wanted = NEW_PER_QUARTER * scale
    referrals = []
    for number, (first, last) in enumerate(_quarters_from(FIRST_MONTH)):
        for _ in range(round(wanted * (number + 1)) - round(wanted * number)):
            day = next_weekday(first + timedelta(days=rng.randint(0, (last - first).days)))
            referred_at = at_office_time(rng, day)
            if referred_at > AS_OF:
                continue
            agency = weighted(rng, REFERRERS)
            transition = agency == "nb-youth-justice"
            age = (
                18
                if transition
                else (rng.randint(18, 25) if rng.random() < YOUNG_SHARE else rng.randint(26, 40))
            )
            sex = Person.Sex.FEMALE if rng.random() < FEMALE_SHARE else Person.Sex.MALE
            details = maker.make(sex=sex, age=age, on=day, nhs_chance=0.0, police_chance=0.0)
            referrals.append(
                PlannedSavReferral(
                    agency,
                    details,
                    rng.random() < GANG_SHARE,
                    transition,
                    plan_panel_case(rng, RULES, referred_at),
                )
            )
    return sorted(referrals, key=lambda r: r.case.referred_at)
