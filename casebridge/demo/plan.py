"""The whole demo borough as a plan: pure data, made from one seed, written later.

Planning without the database lets the tests check that a seed always gives the same borough
(the audit trail refuses deletes, so a database cannot be wiped and refilled to compare).
"""

import copy
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from casebridge.demo.calendar import PERIOD_END, financial_year
from casebridge.demo.identifiers import IdentifierAllocator
from casebridge.demo.marac import MaracPlanner, PlannedPerson, PlannedReferral
from casebridge.demo.names import load_pools
from casebridge.demo.population import PersonMaker
from casebridge.demo.sizes import Size
from casebridge.people.models import Person
from casebridge.people.services import PersonDetails

# Which agencies the rest of the residents are known to (per cent).
RESIDENT_AGENCIES: dict[str, float] = {
    "nb-police": 30,
    "nb-hospital": 20,
    "nb-homes": 15,
    "nb-childrens-services": 8,
    "nb-adult-social-care": 8,
    "nb-probation": 6,
    "nb-da-advocacy": 4,
    "nb-youth-justice": 3,
    "nb-womens-centre": 3,
    "nb-community-safety": 3,
}
NHS_CHANCE = {"nb-hospital": 1.0}
POLICE_CHANCE = {"nb-police": 1.0, "nb-probation": 0.7, "nb-youth-justice": 0.6}


@dataclass
class Plan:
    size: Size
    seed: int
    case_people: list[PlannedPerson]
    referrals: list[PlannedReferral]
    _ids_after_cases: IdentifierAllocator

    @property
    def resident_count(self) -> int:
        return max(0, self.size.people - len(self.case_people))

    def resident_counts(self) -> dict[str, int]:
        """Residents per agency, largest remainders so they add up exactly."""
        total, weight_sum = self.resident_count, sum(RESIDENT_AGENCIES.values())
        exact = {code: total * w / weight_sum for code, w in RESIDENT_AGENCIES.items()}
        counts = {code: int(value) for code, value in exact.items()}
        by_remainder = sorted(exact, key=lambda code: (counts[code] - exact[code], code))
        for code in by_remainder[: total - sum(counts.values())]:
            counts[code] += 1
        return counts

    def residents(self) -> Iterator[tuple[str, list[PersonDetails]]]:
        """The residents without a MARAC case, as (agency, batch), generated as they are needed.

        Each agency's residents come from their own seeded stream, so the batch size does not
        change who is generated. Call it again and the same people come out.
        """
        ids, pools = copy.deepcopy(self._ids_after_cases), load_pools()
        for agency, count in self.resident_counts().items():
            maker = PersonMaker(random.Random(f"{self.seed}:residents:{agency}"), pools, ids)  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
            nhs, police = NHS_CHANCE.get(agency, 0.75), POLICE_CHANCE.get(agency, 0.05)
            made = 0
            while made < count:
                batch = [
                    maker.resident(on=PERIOD_END, nhs_chance=nhs, police_chance=police)
                    for _ in range(min(self.size.batch_size, count - made))
                ]
                made += len(batch)
                yield agency, batch

    def case_people_batches(self) -> Iterator[tuple[str, list[PlannedPerson]]]:
        by_agency: dict[str, list[PlannedPerson]] = {}
        for person in self.case_people:
            by_agency.setdefault(person.agency, []).append(person)
        for agency, people in by_agency.items():
            for start in range(0, len(people), self.size.batch_size):
                yield agency, people[start : start + self.size.batch_size]


def build_plan(size: Size, seed: int) -> Plan:
    rng = random.Random(seed)  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    ids = IdentifierAllocator(random.Random(f"{seed}:identifiers"))  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    planner = MaracPlanner(
        rng=rng,
        maker=PersonMaker(rng, load_pools(), ids),
        needs_rng=random.Random(f"{seed}:needs"),  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    )
    referrals = planner.plan(size.referrals_per_year)
    return Plan(size, seed, planner.people, referrals, copy.deepcopy(ids))


# --- figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearFigures:
    year: str
    referrals: int
    repeats: int
    with_children: int
    children: int
    female_victims: int

    @property
    def repeat_rate(self) -> float:
        return self.repeats / self.referrals if self.referrals else 0.0

    @property
    def caring_rate(self) -> float:
        return self.with_children / self.referrals if self.referrals else 0.0


def figures(plan: Plan) -> list[YearFigures]:
    """Per financial year, as the partnership report counts them."""
    years: dict[str, list[PlannedReferral]] = {}
    for referral in plan.referrals:
        years.setdefault(financial_year(referral.referred_at.date()), []).append(referral)
    return [
        YearFigures(
            year=year,
            referrals=len(rows),
            repeats=sum(r.is_repeat for r in rows),
            with_children=sum(bool(r.children) for r in rows),
            children=sum(len(r.children) for r in rows),
            female_victims=sum(
                plan.case_people[r.victim].details.sex == Person.Sex.FEMALE for r in rows
            ),
        )
        for year, rows in years.items()
    ]


def total_figures(plan: Plan) -> YearFigures:
    rows = figures(plan)
    return YearFigures(
        year="all",
        referrals=sum(r.referrals for r in rows),
        repeats=sum(r.repeats for r in rows),
        with_children=sum(r.with_children for r in rows),
        children=sum(r.children for r in rows),
        female_victims=sum(r.female_victims for r in rows),
    )


PersonKey = tuple[str, str, date | None]


def fingerprint(plan: Plan, *, with_residents: bool = True) -> dict[str, list[object]]:
    """What must be identical for the same seed: names, dates, counts and relationships."""
    people: list[PersonDetails] = [p.details for p in plan.case_people]
    if with_residents:
        people += [details for _, batch in plan.residents() for details in batch]

    def key(details: PersonDetails) -> PersonKey:
        return (details.given_name, details.family_name, details.date_of_birth)

    case_key = [key(p.details) for p in plan.case_people]
    return {
        "people": sorted(key(details) for details in people),
        "referrals": [
            (
                r.referred_at.isoformat(),
                case_key[r.victim],
                case_key[r.perpetrator],
                tuple(case_key[c] for c in r.children),
                r.agency,
                tuple((t.code, t.at.isoformat()) for t in r.transitions),
            )
            for r in plan.referrals
        ],
        "relationships": [
            (case_key[rel.person], case_key[rel.related], rel.kind)
            for r in plan.referrals
            for rel in r.relationships
        ],
    }
