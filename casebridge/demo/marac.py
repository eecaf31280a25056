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
from casebridge.demo.casework import PlannedCasework, plan_casework
from casebridge.demo.hearings import Hearing, meeting_end, plan_hearing
from casebridge.demo.identifiers import refuge_address
from casebridge.demo.organisation import practitioners
from casebridge.demo.population import Identity, PersonMaker, age_in_band, weighted
from casebridge.pathways.models import Case, MaracReferral
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
# Victims' needs, from the source's assessment of two quarters' referrals (a separate random
# stream, so adding them left the rest of the plan as it was).
NEEDS = {
    MaracReferral.Need.MENTAL_HEALTH: 0.362,
    MaracReferral.Need.ALCOHOL: 0.105,
    MaracReferral.Need.DRUGS: 0.071,
}
REPEAT_CHANCE = 0.18  # of referrals, when someone is eligible: ~14% repeats over the period
SAME_PERPETRATOR_ON_REPEAT = 0.9
CASEWORK_SHARE = 0.7  # of victims heard at MARAC and not already with the IDVA service
CHILD_TO_PARENT_SHARE = 0.05
CARING_CHANCE = 0.5  # of victims of an age to care for children; ~44% of all victims
CHILDREN_COUNTS = {1: 72, 2: 20, 3: 8}  # mean 1.36 children
DECLINE_SHARE = 0.04
REFUGE_SHARE = 0.02
RESTRICTED_SHARE = 0.005

# How the referrer came to refer; the criteria are then computed from the records this leaves.
EVIDENCE_WEIGHTS = {
    "nb-police": {"checklist": 55, "incidents": 25, "judgement": 20},
    "other": {"checklist": 65, "judgement": 35},
}
JUDGEMENTS = (
    "Non-fatal strangulation disclosed",
    "Escalating coercive and controlling behaviour",
    "Threats to kill and stalking after separation",
    "Victim pregnant and abuse escalating",
    "Perpetrator recently released and has made contact",
    "Victim isolated, with no recourse to public funds",
)
NARRATIVES = (
    "Police called to the home after a neighbour heard screaming; victim had visible injuries.",
    "Victim disclosed at an antenatal appointment that her partner has hit and strangled her.",
    "Victim came to the one stop shop: ex-partner is following her and sending threats.",
    "Attended the emergency department with a head injury she says her partner caused.",
    "School reported the children talking about violence at home; mother disclosed abuse.",
    "Housing officer visited after damage to the front door; victim disclosed abuse.",
    "Victim reported that her son has assaulted her and taken money repeatedly.",
)
UNASKED_BUT_AWARE = 0.5  # victims not asked for consent who know of the referral
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
class Evidence:
    """What the records hold before the referral, from which its criteria are computed: a
    completed risk checklist, police-reported incidents, or only the referrer's judgement."""

    checklist_at: datetime | None = None
    checklist_yes: int = 0
    incidents: tuple[datetime, ...] = ()
    judgement: str = ""


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
    evidence: Evidence
    relationship: str
    victim_aware: bool
    consent: str
    lawful_basis: str
    transitions: tuple[PlannedTransition, ...]
    relationships: tuple[PlannedRelationship, ...]
    is_repeat: bool
    hearing: Hearing | None = None
    casework: PlannedCasework | None = None
    restricted: bool = False
    refuge: AddressDetails | None = None
    needs: tuple[str, ...] = ()

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
    """A victim's referrals so far, for deciding whether a new one is a repeat."""

    victim: int
    agency: str
    perpetrator: int
    children: tuple[int, ...]
    victim_age: int
    relationship: str
    last_heard: datetime | None  # the last referral not declined: a repeat counts from it
    heard_perpetrator: int | None  # who that referral named
    free_from: datetime | None  # when the last case ended; None while it is still live
    casework: PlannedCasework | None = None  # the victim's latest IDVA support

    def supported_at(self, at: datetime) -> bool:
        if self.casework is None:
            return False
        ends = self.casework.ends_at
        return ends is None or ends > at


@dataclass
class MaracPlanner:
    rng: random.Random
    maker: PersonMaker
    people: list[PlannedPerson] = field(default_factory=list)
    histories: list[History] = field(default_factory=list)
    needs_rng: random.Random = field(default_factory=lambda: random.Random("needs"))  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret

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
        relationship = (
            MaracReferral.Relationship.CHILD_TO_PARENT
            if child_to_parent
            else MaracReferral.Relationship.PARTNER
            if is_partner
            else MaracReferral.Relationship.EX_PARTNER
        )
        history = History(
            victim, agency, perpetrator, children, victim_age, relationship, None, None, None
        )
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
        """Victims who could be referred again now: their last case has ended (so this is no
        duplicate), and a case was heard within the last 12 months (so it is a repeat)."""
        year_ago = at - timedelta(days=365)
        return [
            h
            for h in self.histories
            if h.free_from is not None
            and h.free_from < at
            and h.last_heard is not None
            and h.last_heard >= year_ago
        ]

    def _evidence(self, agency: str, at: datetime) -> Evidence:
        rng = self.rng
        weights = EVIDENCE_WEIGHTS.get(agency, EVIDENCE_WEIGHTS["other"])
        kind = weighted(rng, weights)
        if kind == "checklist":
            return Evidence(
                checklist_at=at - timedelta(minutes=rng.randint(30, 2 * 24 * 60)),
                checklist_yes=rng.randint(14, 22),
            )
        if kind == "incidents":
            latest = at - timedelta(minutes=rng.randint(60, 7 * 24 * 60))
            earlier = [
                latest - timedelta(minutes=rng.randint(24 * 60, 350 * 24 * 60))
                for _ in range(rng.randint(2, 5))
            ]
            return Evidence(incidents=tuple(sorted([*earlier, latest])))
        return Evidence(judgement=rng.choice(JUDGEMENTS))

    def _consent(self, agency: str) -> tuple[str, str, bool]:
        rng = self.rng
        consent = weighted(
            rng,
            {Case.Consent.GIVEN: 50, Case.Consent.NOT_ASKED: 35, Case.Consent.REFUSED: 15},
        )
        aware = consent != Case.Consent.NOT_ASKED or rng.random() < UNASKED_BUT_AWARE
        if consent == Case.Consent.GIVEN and rng.random() < 0.6:
            return consent, Case.LawfulBasis.CONSENT, aware
        if agency == "nb-police" and rng.random() < 0.5:
            return consent, Case.LawfulBasis.LAW_ENFORCEMENT, aware
        basis = (
            Case.LawfulBasis.SAFEGUARDING if rng.random() < 0.8 else Case.LawfulBasis.PUBLIC_TASK
        )
        return consent, basis, aware

    def _outcome(
        self, history: History, referred_at: datetime
    ) -> tuple[tuple[PlannedTransition, ...], Hearing | None]:
        """What the coordinator and the panel do with the referral, up to the demo's "today"."""
        rng = self.rng
        decided = at_office_time(rng, add_working_days(referred_at.date(), rng.randint(1, 4)))
        if rng.random() < DECLINE_SHARE:
            decline = PlannedTransition("decline", decided, rng.choice(DECLINE_REASONS))
            return tuple(step for step in (decline,) if step.at <= AS_OF), None
        steps = [PlannedTransition("accept", decided)]
        meeting = next_marac_meeting(decided.date() + timedelta(days=2))
        if meeting_end(meeting) > AS_OF:
            return tuple(step for step in steps if step.at <= AS_OF), None
        hearing = plan_hearing(
            rng,
            meeting=meeting,
            has_children=bool(history.children),
            perpetrator_known=rng.random() < 0.5,
        )
        steps.append(PlannedTransition("open", hearing.opened_at))
        if hearing.all_actions_done:
            earliest = add_working_days(meeting, rng.randint(20, 60))
            closing_on = add_working_days(
                max(earliest, hearing.last_completed.date()), rng.randint(1, 5)
            )
            close = PlannedTransition(
                "close", at_office_time(rng, closing_on), rng.choice(CLOSE_REASONS)
            )
            if close.at <= AS_OF:
                steps.append(close)
        return tuple(steps), hearing

    def plan(self, per_year: int) -> list[PlannedReferral]:
        rng = self.rng
        referrals: list[PlannedReferral] = []
        for at in self.referral_times(per_year):
            eligible = self._eligible_for_repeat(at)
            relationships: list[PlannedRelationship] = []
            others: tuple[int, ...] = ()
            if eligible and rng.random() < REPEAT_CHANCE:
                history = rng.choice(eligible)
                # The rule counts a repeat only against the same perpetrator: a new partner's
                # abuse is a new case.
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
                    history.relationship = MaracReferral.Relationship.PARTNER
                repeat = history.perpetrator == history.heard_perpetrator
            else:
                agency = weighted(rng, REFERRING_AGENCIES)
                history, relationships, others = self.new_household(agency, at)
                self.histories.append(history)
                repeat = False
            consent, basis, aware = self._consent(history.agency)
            transitions, hearing = self._outcome(history, at)
            casework = None
            if (
                hearing is not None
                and not history.supported_at(transitions[0].at)
                and rng.random() < CASEWORK_SHARE
            ):
                referred = transitions[0].at + timedelta(minutes=rng.randint(10, 120))
                casework = plan_casework(rng, referred_at=referred)
                history.casework = casework or history.casework
            referrals.append(
                PlannedReferral(
                    agency=history.agency,
                    referrer=rng.choice(practitioners(history.agency)).username,
                    victim=history.victim,
                    perpetrator=history.perpetrator,
                    children=history.children,
                    others=others,
                    referred_at=at,
                    reason=rng.choice(NARRATIVES),
                    evidence=self._evidence(history.agency, at),
                    relationship=history.relationship,
                    victim_aware=aware,
                    consent=consent,
                    lawful_basis=basis,
                    transitions=transitions,
                    relationships=tuple(relationships),
                    is_repeat=repeat,
                    hearing=hearing,
                    casework=casework,
                    needs=tuple(
                        need for need, share in NEEDS.items() if self.needs_rng.random() < share
                    ),
                )
            )
            declined = bool(transitions) and transitions[0].code == "decline"
            if not declined:
                history.last_heard, history.heard_perpetrator = at, history.perpetrator
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
