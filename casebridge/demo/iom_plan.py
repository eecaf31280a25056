"""Planning the Integrated Offender Management cohort (no database): who is proposed and
adopted, their offending in the year before adoption and after it, their licences, and when and
why they leave; their casework is planned in ``iom_casework_plan``.

Modelled on the source report's section 6 (Barnet, 2022/23). The cohort holds about 100 people
at a time (86 of 102 on licence, 88% men, three in four aged 25 or over, two in three red or
amber); it is built up over 2019/20 and then renewed as members leave, so the cohorts whose
12-month follow-up and 6-month waiting period have run by March 2023 (indexed up to September
2021) are all there. The report's 2814 offences in the 12 months before adoption (about 28
each) falling to 1491 after are scaled down to a quarter: about 7 recorded offences each before
adoption and about half that after. Most are never proven; about one member in four has a
proven reoffence within a year of release or sentence (the report's 26%).

Adoptions start in April 2019, so their 12 months before adoption reach back into 2018.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from casebridge.demo.calendar import AS_OF
from casebridge.demo.iom_casework_plan import plan_needs, plan_tiers, recent_contacts
from casebridge.demo.offenders import (
    FOLLOW_UP,
    LAST_DAY,
    WAITING,
    Identities,
    Move,
    Offence,
    Offences,
    Offender,
    PlannedNeed,
    PlannedService,
    any_time,
    day_between,
    offender_details,
    office_moment,
    with_identifiers,
)
from casebridge.demo.population import PersonMaker, age_in_band, weighted
from casebridge.people.models import Person

HISTORY_START = date(2019, 4, 1)
COHORT_SIZE = 86  # members on the cohort on a day, once built up (about 102 in a quarter)
MIN_COHORT = 6
BUILD_UP_MONTHS = 6
STATUTORY_SHARE = 0.94  # of adoptions; some licences end on the cohort, so fewer on a day
NOT_ADOPTED_SHARE = 0.1
IOM_REOFFENDING = 0.26
IOM_AGES = ((18, 24, 26), (25, 34, 40), (35, 44, 22), (45, 60, 12))
IOM_SEX = {Person.Sex.MALE: 88, Person.Sex.FEMALE: 12}
IOM_ETHNICITY = {
    Person.Ethnicity.WHITE: 53,
    Person.Ethnicity.BLACK: 32,
    Person.Ethnicity.ASIAN: 7,
    Person.Ethnicity.MIXED: 5,
    Person.Ethnicity.OTHER: 3,
}
REMOVAL = {"desisted": 55, "transferred": 25, "moved_away": 20}
PROBATION_MANAGER, POLICE_MANAGER = "grace.mensah", "jess.morgan"
REASONS = {
    "desisted": "No offending for a sustained period; no longer meets the criteria.",
    "transferred": "Now managed under MAPPA.",
    "moved_away": "Moved out of the borough; handed to the receiving IOM team.",
    "long_custody": "Sentenced to a long custodial sentence.",
    "criteria_not_met": "Not prolific, persistent or violent enough for the cohort.",
    "managed_elsewhere": "Managed under MAPPA.",
    "licence_ended": "Licence expired; stays on the cohort as a non-statutory member.",
}


@dataclass
class PlannedMember:
    offender: Offender
    manager: str  # who proposes and manages: probation for statutory members, the police's IOM team
    proposed_at: datetime
    adopted_on: date | None  # None: proposed and not adopted
    statutory: bool
    moves: list[Move] = field(default_factory=list)
    ended_on: date | None = None  # left the cohort
    tiers: list[tuple[date, str]] = field(default_factory=list)
    needs: list[PlannedNeed] = field(default_factory=list)
    services: list[PlannedService] = field(default_factory=list)
    contacts: list[tuple[datetime, str]] = field(default_factory=list)  # when, activity

    def on_cohort(self, day: date) -> bool:
        return (
            self.adopted_on is not None
            and self.adopted_on <= day
            and (self.ended_on is None or day < self.ended_on)
        )

    def statutory_on(self, day: date) -> bool:
        if not self.on_cohort(day):
            return False
        statutory = self.statutory
        for move in self.moves:
            if move.at.date() <= day and move.code in ("licence_ended", "licence_started"):
                statutory = move.code == "licence_started"
        return statutory

    def tier_on(self, day: date) -> str:
        return [tier for since, tier in self.tiers if since <= day][-1]


def _poisson(rng: random.Random, mean: float) -> int:
    """A count with the given mean (Knuth's method; the means here are small)."""
    limit, k, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


class CohortPlanner:
    """Makes one member at a time, each with their offending, licence, removal and casework."""

    def __init__(
        self, rng: random.Random, maker: PersonMaker, offences: Offences, ids: Identities
    ) -> None:
        self.rng, self.maker, self.offences, self.ids = rng, maker, offences, ids

    def member(self, adopted_on: date, statutory: bool) -> PlannedMember:
        rng = self.rng
        age = age_in_band(rng, IOM_AGES)
        sex = weighted(rng, IOM_SEX)
        details = offender_details(
            self.maker, sex=sex, age=age, on=adopted_on, ethnicity=weighted(rng, IOM_ETHNICITY)
        )
        first_known = max(adopted_on - timedelta(days=365), date(2018, 4, 1))
        offender = Offender(details, self.ids.pnc(first_known.year - rng.randint(0, 8)))
        offender.crn = self.ids.crn()
        offender.details = with_identifiers(details, offender.pnc, offender.crn)
        manager = PROBATION_MANAGER if statutory else POLICE_MANAGER
        proposed = office_moment(rng, adopted_on - timedelta(days=rng.randint(5, 21)))
        member = PlannedMember(offender, manager, proposed, adopted_on, statutory)
        index = self._before(member)
        self._cohort_and_after(member, index)
        member.tiers = plan_tiers(rng, adopted_on, member.ended_on)
        member.needs, member.services = plan_needs(rng, adopted_on, member.ended_on)
        member.offender.offences.sort(key=lambda o: o.committed_at)
        return member

    def not_adopted(self, proposed_on: date) -> PlannedMember:
        rng = self.rng
        details = offender_details(
            self.maker, sex=weighted(rng, IOM_SEX), age=age_in_band(rng, IOM_AGES), on=proposed_on
        )
        offender = Offender(details, "")
        reason = rng.choice(("criteria_not_met", "managed_elsewhere"))
        statutory = rng.random() < 0.5
        member = PlannedMember(
            offender,
            PROBATION_MANAGER if statutory else POLICE_MANAGER,
            office_moment(rng, proposed_on),
            None,
            statutory,
        )
        decided = office_moment(rng, proposed_on + timedelta(days=rng.randint(7, 21)))
        member.moves.append(Move(decided, "not_adopted", reason, REASONS[reason]))
        return member

    def _add(self, offender: Offender, offence: Offence | None) -> Offence | None:
        if offence is not None:
            offender.offences.append(offence)
        return offence

    def _before(self, member: PlannedMember) -> date:
        """The 12 months before adoption, ending in the index event: a release onto licence
        (statutory) or a community sentence or caution (non-statutory). Returns its day."""
        rng, offender, adopted = self.rng, member.offender, member.adopted_on
        assert adopted is not None
        window = adopted - timedelta(days=365)
        count = rng.randint(3, 11)
        if member.statutory:
            released = adopted - timedelta(days=rng.randint(0, 10))
            sentenced = released - timedelta(days=rng.randint(60, 270))
            committed = any_time(rng, sentenced - timedelta(days=rng.randint(30, 120)))
            self._add(
                offender,
                self.offences.proven_at(committed, sentenced, "custody", "violence_with_injury"),
            )
            offender.probation.append(("licence_started", released))
            index, free_until = released, committed.date()
        else:
            index = adopted - timedelta(days=rng.randint(5, 40))
            disposal = weighted(
                rng, {"community_order": 50, "suspended_sentence": 30, "caution": 20}
            )
            lag = self.offences.lag(disposal)
            committed = any_time(rng, index - timedelta(days=lag))
            self._add(offender, self.offences.proven_at(committed, index, disposal, self._group()))
            if disposal != "caution":
                offender.probation.append(("order_started", index + timedelta(rng.randint(0, 7))))
            free_until = committed.date()
        for _ in range(count - 1):
            committed = any_time(rng, day_between(rng, window, free_until))
            disposal = weighted(
                rng,
                {
                    "nfa": 45,
                    "pending": 10,
                    "caution": 10,
                    "fine": 10,
                    "community_order": 15,
                    "acquitted": 10,
                },
            )
            self._add(offender, self.offences.make(committed, disposal, group=self._group()))
        return index

    def _group(self) -> str:
        return "violence_with_injury" if self.rng.random() < 0.3 else "other"

    def _cohort_and_after(self, member: PlannedMember, index: date) -> None:
        """Adoption, the licence and removal; offending after adoption, at about half the rate
        before it, proven within the follow-up for about one member in four."""
        rng, offender, adopted = self.rng, member.offender, member.adopted_on
        assert adopted is not None
        member.moves.append(
            Move(
                office_moment(rng, adopted),
                "adopt_statutory" if member.statutory else "adopt_non_statutory",
            )
        )
        # When and how they leave, as planned on adoption (custody may come first).
        if member.statutory:
            licence_end = index + timedelta(days=rng.randint(180, 720))
            if rng.random() < 0.7:
                end, code = licence_end + timedelta(days=rng.randint(0, 14)), weighted(rng, REMOVAL)
            else:
                if licence_end <= LAST_DAY:
                    member.moves.append(
                        Move(
                            office_moment(rng, licence_end),
                            "licence_ended",
                            "",
                            REASONS["licence_ended"],
                        )
                    )
                    offender.probation.append(("terminated", licence_end))
                end, code = (
                    licence_end + timedelta(days=rng.randint(90, 365)),
                    weighted(rng, REMOVAL),
                )
        else:
            end, code = adopted + timedelta(days=rng.randint(270, 720)), weighted(rng, REMOVAL)
        before = sum(1 for o in offender.offences if o.committed_on < adopted)
        after = round(before * rng.uniform(0.35, 0.7))
        follow_up_end = index + FOLLOW_UP
        reoffends = rng.random() < IOM_REOFFENDING
        proven = min(after, weighted(rng, {1: 55, 2: 30, 3: 15})) if reoffends else 0
        if reoffends and after == 0:
            after = proven = 1
        days = sorted(
            day_between(rng, adopted + timedelta(days=10), follow_up_end) for _ in range(after)
        )
        custody_on: date | None = None
        for number, day in enumerate(days):
            committed = any_time(rng, day)
            if number < proven:
                # A proven reoffence: dealt with within the follow-up or its waiting period.
                latest = follow_up_end + WAITING
                disposal = weighted(
                    rng,
                    {
                        "caution": 15,
                        "community_order": 35,
                        "fine": 20,
                        "suspended_sentence": 15,
                        "custody": 15,
                    },
                )
                dealt = min(day + timedelta(self.offences.lag(disposal)), latest)
                offence = self.offences.proven_at(committed, dealt, disposal, self._group())
                if disposal == "custody" and offence.court_on and custody_on is None:
                    custody_on = offence.court_on
            elif day > follow_up_end - timedelta(days=60) and rng.random() < 0.3:
                # Committed late in the follow-up and proven only after the waiting period.
                dealt = follow_up_end + WAITING + timedelta(days=rng.randint(10, 90))
                offence = self.offences.proven_at(
                    committed, dealt, "community_order", self._group()
                )
            else:
                disposal = weighted(rng, {"nfa": 70, "pending": 15, "acquitted": 15})
                offence = self.offences.proven_at(
                    committed, day + timedelta(self.offences.lag("court")), disposal, self._group()
                )
            if day <= LAST_DAY:
                self._add(offender, offence)
        if custody_on is not None and custody_on < end:
            end, code = custody_on + timedelta(days=rng.randint(1, 10)), "long_custody"
            # Back in custody: the licence does not run its course.
            offender.probation = [(e, d) for e, d in offender.probation if d <= custody_on]
            if member.statutory:
                offender.probation.append(("recalled", custody_on))
        # Offending in later years, at a lower rate still, while free.
        later_end = min(LAST_DAY, custody_on or LAST_DAY)
        if follow_up_end < later_end:
            for _ in range(_poisson(rng, 2.0 * (later_end - follow_up_end).days / 365)):
                committed = any_time(rng, day_between(rng, follow_up_end, later_end))
                disposal = weighted(rng, {"nfa": 60, "caution": 10, "fine": 15, "pending": 15})
                self._add(offender, self.offences.make(committed, disposal, group=self._group()))
        # Only moves that have happened by the demo's "now".
        member.moves = [
            m for m in member.moves if m.at.date() < (end if end <= LAST_DAY else AS_OF.date())
        ]
        if end <= LAST_DAY:
            member.ended_on = end
            member.moves.append(Move(office_moment(rng, end), "remove", code, REASONS[code]))


def _months(first: date, last: date) -> list[date]:
    found, day = [], first
    while day <= last:
        found.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return found


def plan_cohort(planner: CohortPlanner, scale: float) -> list[PlannedMember]:
    """Each month, adopt enough people to bring the cohort back to its size."""
    rng = planner.rng
    size = max(MIN_COHORT, round(COHORT_SIZE * scale))
    members: list[PlannedMember] = []
    last_adoption = AS_OF.date() - timedelta(days=14)
    for number, month in enumerate(_months(HISTORY_START, last_adoption)):
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        wanted = round(size * min(1.0, (number + 1) / BUILD_UP_MONTHS) * rng.uniform(0.96, 1.04))
        adopted = [m for m in members if m.adopted_on is not None]
        leaving = sum(1 for m in adopted if m.ended_on and month <= m.ended_on < following)
        staying = sum(1 for m in adopted if m.on_cohort(month))
        for _ in range(max(0, wanted - staying + leaving)):
            day = day_between(rng, month, min(following - timedelta(days=1), last_adoption))
            members.append(planner.member(day, rng.random() < STATUTORY_SHARE))
            if rng.random() < NOT_ADOPTED_SHARE:
                members.append(planner.not_adopted(day))
    return members


def plan_contacts(rng: random.Random, members: list[PlannedMember]) -> None:
    """The recent contacts of everyone on the cohort at the demo's "now"."""
    today = AS_OF.date()
    for member in members:
        if member.adopted_on is not None and member.on_cohort(today):
            member.contacts = recent_contacts(rng, member.adopted_on, member.tier_on(today))
