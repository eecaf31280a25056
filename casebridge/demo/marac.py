"""Planning the DA-MARAC referrals, calibrated to a London borough's 2021-23 figures.

Source: a Safer Communities Partnership Board report. In a 12-month period there were 469
referrals; 44% (207) were adults caring for children, with 282 children in their households;
the repeat rate (the same victim referred again within 12 months of their last referral) was
14%. Victims are mostly women aged 21-50; most referrals come from the police.
"""

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from casebridge.demo.calendar import (
    AS_OF,
    add_working_days,
    at_office_time,
    financial_years,
    next_marac_meeting,
)
from casebridge.demo.identifiers import refuge_address
from casebridge.demo.organisation import practitioners
from casebridge.demo.population import Identity, PersonMaker, age_in_band, weighted
from casebridge.pathways.models import Case
from casebridge.people.models import Person, Relationship
from casebridge.people.services import AddressDetails, PersonDetails

Sex = Person.Sex
Kind = Relationship.Kind

REFERRING_AGENCIES: dict[str, float] = {
    "nb-police": 60,
    "nb-da-advocacy": 14,
    "nb-hospital": 9,
    "nb-childrens-services": 8,
    "nb-homes": 4,
    "nb-probation": 2,
    "nb-adult-social-care": 1.5,
    "nb-womens-centre": 1,
    "nb-youth-justice": 0.5,
}
VICTIM_AGES: tuple[tuple[int, int, float], ...] = (
    (16, 17, 1),
    (18, 20, 6),
    (21, 30, 27),
    (31, 40, 33),
    (41, 50, 20),
    (51, 60, 8),
    (61, 80, 5),
)
REPEAT_CHANCE = 0.145  # of referrals, when someone is eligible: ~14% over the period
SAME_PERPETRATOR_ON_REPEAT = 0.8
CHILD_TO_PARENT_SHARE = 0.05
CARING_CHANCE = 0.5  # of victims of an age to care for children; ~44% of all victims
CHILDREN_COUNTS = {1: 72, 2: 20, 3: 8}  # mean 1.36 children
DECLINE_SHARE = 0.04
REFUGE_SHARE = 0.02
RESTRICTED_SHARE = 0.005

CRITERIA = (
    (60, "Visible high risk: {n} of 24 on the risk identification checklist.", (14, 22)),
    (25, "Professional judgement: {detail}.", None),
    (15, "Potential escalation: {n} police-reported incidents in the last 12 months.", (3, 6)),
)
JUDGEMENTS = (
    "non-fatal strangulation disclosed",
    "escalating coercive and controlling behaviour",
    "threats to kill and stalking after separation",
    "victim pregnant and abuse escalating",
    "perpetrator recently released and has made contact",
    "victim isolated, no recourse to public funds",
)
CLOSE_REASONS = (
    "Actions completed; risk reduced",
    "Actions completed; risk reduced",
    "Actions completed; victim engaged with the IDVA service",
    "Actions completed; safety plan and sanctuary measures in place",
    "Actions completed; perpetrator remanded in custody",
    "Actions completed; victim moved out of borough, transferred to the receiving MARAC",
)
DECLINE_REASONS = (
    "Does not meet the MARAC threshold; referred to the IDVA service for support",
    "Victim lives outside the borough; referred to their local MARAC",
    "Duplicate referral; information added to the existing case",
)


@dataclass(frozen=True)
class PlannedPerson:
    key: int
    agency: str
    details: PersonDetails


@dataclass(frozen=True)
class PlannedRelationship:
    person: int
    related: int
    kind: str
    valid_from: date | None


@dataclass(frozen=True)
class PlannedTransition:
    code: str
    at: datetime
    reason: str = ""


@dataclass(frozen=True)
class PlannedReferral:
    agency: str
    referrer: str
    victim: int
    perpetrator: int
    children: tuple[int, ...]
    others: tuple[int, ...]
    referred_at: datetime
    reason: str
    consent: str
    lawful_basis: str
    transitions: tuple[PlannedTransition, ...]
    relationships: tuple[PlannedRelationship, ...]
    is_repeat: bool
    restricted: bool = False
    refuge: AddressDetails | None = None

    @property
    def final_state(self) -> str:
        return (
            {"accept": "accepted", "decline": "declined", "open": "open", "close": "closed"}[
                self.transitions[-1].code
            ]
            if self.transitions
            else "referred"
        )


@dataclass
class History:
    """A victim's last referral, for deciding whether a new one is a repeat."""

    victim: int
    agency: str
    perpetrator: int
    children: tuple[int, ...]
    victim_age: int
    last_referred: datetime
    free_from: datetime | None  # when the last case ended; None while it is still live


@dataclass
class MaracPlanner:
    rng: random.Random
    maker: PersonMaker
    people: list[PlannedPerson] = field(default_factory=list)
    histories: list[History] = field(default_factory=list)

    # --- people ------------------------------------------------------------------------------

    def add_person(self, agency: str, details: PersonDetails) -> int:
        self.people.append(PlannedPerson(len(self.people), agency, details))
        return len(self.people) - 1

    def _police(self, agency: str, chance: float) -> float:
        return chance if agency == "nb-police" else chance / 4

    def new_household(
        self, agency: str, at: datetime
    ) -> tuple[History, list[PlannedRelationship], tuple[int, ...]]:
        rng, maker, on = self.rng, self.maker, at.date()
        victim_sex = Sex.FEMALE if rng.random() < 0.9 else Sex.MALE
        child_to_parent = rng.random() < CHILD_TO_PARENT_SHARE
        victim_age = rng.randint(38, 64) if child_to_parent else age_in_band(rng, VICTIM_AGES)
        identity = maker.identity()
        victim_details = maker.make(
            sex=victim_sex,
            age=victim_age,
            on=on,
            identity=identity,
            nhs_chance=0.9,
            police_chance=self._police(agency, 0.5),
        )
        victim = self.add_person(agency, victim_details)
        relationships: list[PlannedRelationship] = []
        perpetrator_identity = identity if rng.random() < 0.8 else maker.identity()
        if child_to_parent:
            perpetrator_age = rng.randint(16, min(30, victim_age - 18))
            perpetrator_sex = Sex.MALE if rng.random() < 0.8 else Sex.FEMALE
            family = victim_details.family_name
            perpetrator_identity = identity
        else:
            perpetrator_age = max(17, victim_age + round(rng.gauss(2, 5)))
            if victim_sex == Sex.FEMALE:
                perpetrator_sex = Sex.MALE if rng.random() < 0.95 else Sex.FEMALE
            else:
                perpetrator_sex = Sex.FEMALE if rng.random() < 0.7 else Sex.MALE
            shares_name = rng.random() < 0.3
            family = victim_details.family_name if shares_name else None
        perpetrator = self.add_person(
            agency,
            maker.make(
                sex=perpetrator_sex,
                age=perpetrator_age,
                on=on,
                identity=perpetrator_identity,
                family_name=family,
                nhs_chance=0.7,
                police_chance=self._police(agency, 0.9),
            ),
        )
        if child_to_parent:
            born = self.people[perpetrator].details.date_of_birth
            relationships.append(PlannedRelationship(victim, perpetrator, Kind.PARENT, born))
            is_partner = False
        else:
            is_partner = rng.random() < 0.4
            since = on - timedelta(days=rng.randint(200, 365 * 12))
            kind = Kind.PARTNER if is_partner else Kind.EX_PARTNER
            relationships.append(PlannedRelationship(perpetrator, victim, kind, since))
        children = self._children(
            agency, on, victim, victim_age, perpetrator, identity, is_partner, relationships
        )
        others: tuple[int, ...] = ()
        if rng.random() < 0.08:
            other = self.add_person(
                agency,
                maker.make(
                    sex=rng.choice((Sex.FEMALE, Sex.MALE)),
                    age=rng.randint(18, 75),
                    on=on,
                    identity=identity,
                    addresses=victim_details.addresses[:1],
                ),
            )
            relationships.append(PlannedRelationship(other, victim, Kind.HOUSEHOLD_MEMBER, None))
            others = (other,)
        history = History(victim, agency, perpetrator, children, victim_age, at, None)
        return history, relationships, others

    def _children(
        self,
        agency: str,
        on: date,
        victim: int,
        victim_age: int,
        perpetrator: int,
        identity: Identity,
        is_partner: bool,
        relationships: list[PlannedRelationship],
    ) -> tuple[int, ...]:
        rng = self.rng
        if not 18 <= victim_age <= 55 or rng.random() >= CARING_CHANCE:
            return ()
        victim_details = self.people[victim].details
        perpetrator_details = self.people[perpetrator].details
        oldest = min(17, victim_age - 17)
        children = []
        for _ in range(weighted(rng, CHILDREN_COUNTS)):
            perpetrator_is_parent = is_partner and rng.random() < 0.6
            family = victim_details.family_name
            if perpetrator_is_parent and rng.random() < 0.6:
                family = perpetrator_details.family_name
            child = self.add_person(
                agency,
                self.maker.make(
                    sex=rng.choice((Sex.FEMALE, Sex.MALE)),
                    age=rng.randint(0, oldest),
                    on=on,
                    identity=identity,
                    family_name=family,
                    nhs_chance=0.98,
                    police_chance=0.0,
                    addresses=victim_details.addresses[:1],
                ),
            )
            born = self.people[child].details.date_of_birth
            relationships.append(PlannedRelationship(victim, child, Kind.PARENT, born))
            if perpetrator_is_parent:
                relationships.append(PlannedRelationship(perpetrator, child, Kind.PARENT, born))
            elif is_partner:
                relationships.append(
                    PlannedRelationship(perpetrator, child, Kind.HOUSEHOLD_MEMBER, None)
                )
            children.append(child)
        return tuple(children)

    # --- referrals ---------------------------------------------------------------------------

    def referral_times(self, per_year: int) -> list[datetime]:
        rng, times = self.rng, []
        busy_months = {12: 1.15, 1: 1.1, 6: 1.05, 7: 1.1, 8: 1.05}
        for start, end in financial_years():
            days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
            days = [d for d in days if d.weekday() < 5]
            weights = [
                busy_months.get(d.month, 1.0) * (1.2 if d.weekday() == 0 else 1) for d in days
            ]
            count = round(per_year * rng.uniform(0.96, 1.04))
            times += [at_office_time(rng, d) for d in rng.choices(days, weights=weights, k=count)]
        return sorted(times)

    def _eligible_for_repeat(self, at: datetime) -> list[History]:
        year_ago = at - timedelta(days=365)
        return [
            h
            for h in self.histories
            if h.free_from is not None and h.free_from < at and h.last_referred >= year_ago
        ]

    def _reason(self, repeat: bool) -> str:
        rng = self.rng
        _, template, bounds = rng.choices(CRITERIA, weights=[c[0] for c in CRITERIA])[0]
        text = template.format(
            n=rng.randint(*bounds) if bounds else 0, detail=rng.choice(JUDGEMENTS)
        )
        if repeat:
            return f"Repeat: further incident within 12 months of the last referral. {text}"
        return text

    def _consent(self, agency: str) -> tuple[str, str]:
        rng = self.rng
        consent = weighted(
            rng,
            {Case.Consent.GIVEN: 50, Case.Consent.NOT_ASKED: 35, Case.Consent.REFUSED: 15},
        )
        if consent == Case.Consent.GIVEN and rng.random() < 0.6:
            return consent, Case.LawfulBasis.CONSENT
        if agency == "nb-police" and rng.random() < 0.5:
            return consent, Case.LawfulBasis.LAW_ENFORCEMENT
        basis = (
            Case.LawfulBasis.SAFEGUARDING if rng.random() < 0.8 else Case.LawfulBasis.PUBLIC_TASK
        )
        return consent, basis

    def _transitions(self, referred_at: datetime) -> tuple[PlannedTransition, ...]:
        """What the coordinator does with the referral, up to the demo's "today"."""
        rng = self.rng
        decided_on = add_working_days(referred_at.date(), rng.randint(1, 4))
        steps: list[PlannedTransition] = []
        if rng.random() < DECLINE_SHARE:
            steps.append(
                PlannedTransition(
                    "decline", at_office_time(rng, decided_on), rng.choice(DECLINE_REASONS)
                )
            )
        else:
            steps.append(PlannedTransition("accept", at_office_time(rng, decided_on)))
            meeting = next_marac_meeting(decided_on + timedelta(days=2))
            steps.append(PlannedTransition("open", at_office_time(rng, meeting, latest=12)))
            closed_on = add_working_days(meeting, rng.randint(20, 100))
            steps.append(
                PlannedTransition(
                    "close", at_office_time(rng, closed_on), rng.choice(CLOSE_REASONS)
                )
            )
        happened = tuple(step for step in steps if step.at <= AS_OF)
        return happened

    def plan(self, per_year: int) -> list[PlannedReferral]:
        rng = self.rng
        referrals: list[PlannedReferral] = []
        for at in self.referral_times(per_year):
            eligible = self._eligible_for_repeat(at)
            relationships: list[PlannedRelationship] = []
            others: tuple[int, ...] = ()
            if eligible and rng.random() < REPEAT_CHANCE:
                history = rng.choice(eligible)
                repeat = True
                if rng.random() >= SAME_PERPETRATOR_ON_REPEAT:
                    new_partner = self._new_partner(history, at)
                    relationships.append(
                        PlannedRelationship(
                            new_partner,
                            history.victim,
                            Kind.PARTNER,
                            at.date() - timedelta(days=rng.randint(60, 700)),
                        )
                    )
                    history.perpetrator = new_partner
            else:
                agency = weighted(rng, REFERRING_AGENCIES)
                history, relationships, others = self.new_household(agency, at)
                self.histories.append(history)
                repeat = False
            consent, basis = self._consent(history.agency)
            transitions = self._transitions(at)
            referrals.append(
                PlannedReferral(
                    agency=history.agency,
                    referrer=rng.choice(practitioners(history.agency)).username,
                    victim=history.victim,
                    perpetrator=history.perpetrator,
                    children=history.children,
                    others=others,
                    referred_at=at,
                    reason=self._reason(repeat),
                    consent=consent,
                    lawful_basis=basis,
                    transitions=transitions,
                    relationships=tuple(relationships),
                    is_repeat=repeat,
                )
            )
            history.last_referred = at
            ended = transitions[-1] if transitions else None
            history.free_from = ended.at if ended and ended.code in ("decline", "close") else None
        return self._mark_restricted_and_refuges(referrals)

    def _new_partner(self, history: History, at: datetime) -> int:
        rng, victim = self.rng, self.people[history.victim].details
        sex = Sex.MALE if victim.sex == Sex.FEMALE and rng.random() < 0.95 else Sex.FEMALE
        age = max(17, history.victim_age + round(rng.gauss(2, 5)))
        return self.add_person(
            history.agency,
            self.maker.make(
                sex=sex,
                age=age,
                on=at.date(),
                nhs_chance=0.7,
                police_chance=self._police(history.agency, 0.9),
            ),
        )

    def _mark_restricted_and_refuges(
        self, referrals: list[PlannedReferral]
    ) -> list[PlannedReferral]:
        rng = self.rng
        if not referrals:
            return referrals
        live = [i for i, r in enumerate(referrals) if r.final_state != "declined"]
        sealed = set(rng.sample(live, min(len(live), max(1, round(len(live) * RESTRICTED_SHARE)))))
        first_referrals = [i for i, r in enumerate(referrals) if not r.is_repeat]
        refuge_count = max(1, round(len(first_referrals) * REFUGE_SHARE))
        refuges = set(rng.sample(first_referrals, min(len(first_referrals), refuge_count)))
        planned = []
        for index, referral in enumerate(referrals):
            refuge = None
            if index in refuges:
                moved = referral.referred_at.date() + timedelta(days=rng.randint(3, 20))
                refuge = refuge_address(rng, valid_from=min(moved, AS_OF.date()))
            planned.append(replace(referral, restricted=index in sealed, refuge=refuge))
        return planned
