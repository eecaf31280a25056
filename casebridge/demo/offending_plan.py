"""Planning Northbridge's offenders (no database): the Integrated Offender Management cohort, the
young people entering the youth justice system, the women referred to the women's centre, and
every offence the cohort and the young people commit, with how and when it was proven.

Modelled on the source report's sections 6 and 7 (Barnet, 2022/23). The IOM cohort holds about
100 people at a time (86 of 102 on licence, 88% men, three in four aged 25 or over, two in three
red or amber); it is built up over 2019/20 and then renewed as members leave, so the cohorts
whose 12-month follow-up and 6-month waiting period have run by March 2023 (indexed up to
September 2021) are all there. The report's 2814 offences in the 12 months before adoption
(about 28 each) falling to 1491 after are scaled down to a quarter: about 7 recorded offences
each before adoption and about half that after. Most are never proven; about one member in four
has a proven reoffence within a year of release or sentence (the report's 26%). Housing,
employment and treatment outcomes follow 6.9; 13 members take up the Fitness Academy with the
completions of 6.11. First-time entrants follow 7.1 (169 per 100,000 of the 10-17 population
in 2022/23, lower during Covid), and one young person in three reoffends within a year (7.3).

Offence histories start before the demo period: IOM adoptions from April 2019 (their 12 months
before adoption reach back into 2018) and first-time entrants from April 2019. About 60 women a
year are referred to the women's centre on the whole-system pathway (April 2021 on), each with
her contacts with the criminal justice system, her needs and the services she is referred to.

IOM contacts are planned only for the last eight weeks before the demo's "now" (daily for red
and amber, every three days for green): four years of daily contacts would be too many rows. A
few members' contacts stop some days early, so the caseload shows who is overdue.
"""

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from casebridge.demo.calendar import AS_OF, LONDON, PERIOD_END, PERIOD_START, at_office_time
from casebridge.demo.identifiers import IdentifierAllocator
from casebridge.demo.names import load_pools
from casebridge.demo.population import PersonMaker, age_in_band, weighted
from casebridge.people.models import Identifier, Person
from casebridge.people.services import PersonDetails

HISTORY_START = date(2019, 4, 1)
# The last day an extract imported on the period's last day can report (its cells are "past").
LAST_DAY = PERIOD_END - timedelta(days=1)
FOLLOW_UP = timedelta(days=365)
WAITING = timedelta(days=182)

# --- the IOM cohort ------------------------------------------------------------------------

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
TIERS = {"red": 20, "amber": 48, "green": 32}
TIER_REVIEW_DAYS = 182
REMOVAL = {"desisted": 55, "transferred": 25, "moved_away": 20}
PROBATION_MANAGER, POLICE_MANAGER = "grace.mensah", "jess.morgan"
CONTACT_WEEKS = 8
OVERDUE_SHARE = 0.08
HOME_VISIT_SHARE = 0.1

# Need areas: how often a member has one, and the outcomes recorded for it (6.9: 75-90%
# housed, 75-85% into employment or training, 45-60% in drug and alcohol treatment).
IOM_NEEDS: dict[str, tuple[float, dict[str, float], str]] = {
    "accommodation": (0.6, {"housed": 82, "not_housed": 18}, "Referred to housing support."),
    "drugs_alcohol": (
        0.65,
        {"in_treatment": 57, "declined_treatment": 43},
        "Referred to the drug and alcohol service (Change, Grow, Live).",
    ),
    "mental_health": (
        0.4,
        {"in_treatment": 60, "declined_treatment": 40},
        "Referred to the community mental health team.",
    ),
    "finance_employment": (
        0.7,
        {"employment_training": 73, "education": 8, "benefits_in_place": 9, "not_achieved": 10},
        "Referred to the DWP work coach for benefits and employment support.",
    ),
    "thinking_behaviour": (
        0.55,
        {"programme_completed": 60, "not_completed": 40},
        "Booked onto a thinking skills programme.",
    ),
    "lifestyle": (0.5, {"improved": 60, "not_improved": 40}, "Positive activities agreed."),
    "attitudes": (0.45, {"improved": 55, "not_improved": 45}, "One-to-one work on attitudes."),
    "emotional_wellbeing": (
        0.35,
        {"improved": 60, "not_improved": 40},
        "Key-worker sessions on well-being.",
    ),
    "relationships": (
        0.35,
        {"improved": 55, "not_improved": 45},
        "Family work and relationship support.",
    ),
}
NEED_SERVICES = {
    "accommodation": "housing_support",
    "drugs_alcohol": "drug_alcohol_service",
    "finance_employment": "employment_support",
}
POSITIVE = {"housed", "in_treatment", "employment_training", "education", "benefits_in_place"}
POSITIVE |= {"programme_completed", "improved", "safer"}
FITNESS_ACADEMY = 13
FITNESS_AGES = (17, 25)
# Of the 13 who took it up (6.11): how many completed each part.
FITNESS_ELEMENTS = {
    "fitness_course": 8,
    "coach_qualification": 2,
    "mentoring": 13,
    "employability": 11,
    "digital_skills": 8,
}

# --- youth justice -------------------------------------------------------------------------

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

# --- the women's whole-system pathway ------------------------------------------------------

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
    "desisted": "No offending for a sustained period; no longer meets the criteria.",
    "transferred": "Now managed under MAPPA.",
    "moved_away": "Moved out of the borough; handed to the receiving IOM team.",
    "long_custody": "Sentenced to a long custodial sentence.",
    "criteria_not_met": "Not prolific, persistent or violent enough for the cohort.",
    "managed_elsewhere": "Managed under MAPPA.",
    "licence_ended": "Licence expired; stays on the cohort as a non-statutory member.",
    "declined": "Declined support after the first call.",
    "no_contact": "No response to three calls and a letter.",
    "goals_met": "Support plan completed.",
    "disengaged": "Stopped attending; no response since.",
    "custody": "Sentenced to custody.",
}


@dataclass(frozen=True)
class Offence:
    """A recorded offence with the person as suspect, and how (if at all) it was proven."""

    reference: str
    group: str  # the police-offences offence group
    committed_at: datetime
    police_outcome: str = ""  # a Home Office outcome; blank while under investigation
    police_outcome_on: date | None = None
    court_on: date | None = None
    verdict: str = ""
    sentence: str = ""
    court: str = ""

    @property
    def committed_on(self) -> date:
        return self.committed_at.date()

    @property
    def proven_on(self) -> date | None:
        if self.police_outcome == "caution":
            return self.police_outcome_on
        return self.court_on if self.verdict == "convicted" else None


@dataclass
class Offender:
    details: PersonDetails
    pnc: str
    crn: str = ""
    offences: list[Offence] = field(default_factory=list)
    probation: list[tuple[str, date]] = field(default_factory=list)  # event code, day


@dataclass(frozen=True)
class PlannedNeed:
    area: str
    identified_on: date
    support: str
    outcome: str = ""
    outcome_on: date | None = None


@dataclass(frozen=True)
class PlannedService:
    service: str
    referred_on: date
    started_on: date | None = None
    ended_on: date | None = None
    completed: bool = False
    elements: tuple[str, ...] = ()


@dataclass(frozen=True)
class Move:
    at: datetime
    code: str
    outcome: str = ""
    reason: str = ""


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


@dataclass
class OffendingPlan:
    members: list[PlannedMember]
    young_people: list[Offender]
    women: list[PlannedWoman]

    @property
    def offenders(self) -> list[Offender]:
        adopted = [m.offender for m in self.members if m.adopted_on is not None]
        return adopted + self.young_people


# --- helpers -------------------------------------------------------------------------------


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _moment(rng: random.Random, day: date) -> datetime:
    return at_office_time(rng, day, latest=17 if day < PERIOD_END else 16)


def _any_time(rng: random.Random, day: date) -> datetime:
    minute = rng.randrange(24 * 60)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=LONDON)


class Offences:
    """Makes offences with consistent dates: committed, then charged or cautioned, then dealt
    with at court; whatever would be proven after the extracts' last day is still pending."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.count = 0

    def _reference(self, day: date) -> str:
        self.count += 1
        return f"NB/OF/{day:%y}/{self.count:06d}"

    def lag(self, disposal: str) -> int:
        rng = self.rng
        if disposal == "caution":
            return rng.randint(10, 60)
        return rng.randint(35, 120) if rng.random() < 0.8 else rng.randint(120, 300)

    def make(
        self, committed: datetime, disposal: str, *, group: str, youth: bool = False
    ) -> Offence | None:
        """``disposal``: caution, a sentence, acquitted, nfa or pending. None if committed after
        the last day."""
        day = committed.date()
        if day > LAST_DAY:
            return None
        return self.proven_at(
            committed, day + timedelta(self.lag(disposal)), disposal, group, youth
        )

    def proven_at(
        self, committed: datetime, dealt: date, disposal: str, group: str, youth: bool = False
    ) -> Offence:
        rng, day = self.rng, committed.date()
        offence = Offence(self._reference(day), group, committed)
        if disposal == "pending" or (disposal != "nfa" and dealt > LAST_DAY):
            charged = day + timedelta(rng.randint(1, 21))
            if disposal not in ("caution", "pending", "nfa") and charged <= LAST_DAY:
                return replace(offence, police_outcome="charge_summons", police_outcome_on=charged)
            return offence
        if disposal == "nfa":
            closed = day + timedelta(rng.randint(20, 120))
            if closed > LAST_DAY:
                return offence
            return replace(
                offence, police_outcome="evidential_difficulties", police_outcome_on=closed
            )
        if disposal == "caution":
            return replace(offence, police_outcome="caution", police_outcome_on=dealt)
        charged = day + timedelta(rng.randint(0, max(0, min(21, (dealt - day).days))))
        court = (
            "youth"
            if youth
            else ("crown" if disposal == "custody" and rng.random() < 0.4 else "magistrates")
        )
        return replace(
            offence,
            police_outcome="charge_summons",
            police_outcome_on=charged,
            court_on=dealt,
            court=court,
            verdict="acquitted" if disposal == "acquitted" else "convicted",
            sentence="none" if disposal == "acquitted" else disposal,
        )


def _poisson(rng: random.Random, mean: float) -> int:
    """A count with the given mean (Knuth's method; the means here are small)."""
    limit, k, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


# --- the IOM cohort ------------------------------------------------------------------------


class Identities:
    def __init__(self, rng: random.Random) -> None:
        self._pnc = rng.randrange(100_000, 900_000)
        self._crn = rng.randrange(100_000, 800_000)

    def pnc(self, year: int) -> str:
        self._pnc += 1
        letters = "ABCDEFGHJKLMNPQRTUVWXYZ"
        return f"{year}/{self._pnc:07d}{letters[self._pnc % len(letters)]}"

    def crn(self) -> str:
        self._crn += 1
        return f"E{self._crn:06d}"


def _person(
    maker: PersonMaker, *, sex: str, age: int, on: date, ethnicity: str | None = None
) -> PersonDetails:
    identity = maker.identity(ethnicity)
    # A second allocator could repeat the population's NHS numbers and police references.
    return maker.make(sex=sex, age=age, on=on, identity=identity, nhs_chance=0.0, police_chance=0.0)


def _with_identifiers(details: PersonDetails, pnc: str, crn: str) -> PersonDetails:
    held = [(Identifier.Scheme.PNC, pnc)]
    if crn:
        held.append((Identifier.Scheme.PROBATION, crn))
    return replace(details, identifiers=tuple(held))


class CohortPlanner:
    def __init__(
        self, rng: random.Random, maker: PersonMaker, offences: Offences, ids: Identities
    ) -> None:
        self.rng, self.maker, self.offences, self.ids = rng, maker, offences, ids

    def member(self, adopted_on: date, statutory: bool) -> PlannedMember:
        rng = self.rng
        age = age_in_band(rng, IOM_AGES)
        sex = weighted(rng, IOM_SEX)
        details = _person(
            self.maker, sex=sex, age=age, on=adopted_on, ethnicity=weighted(rng, IOM_ETHNICITY)
        )
        first_known = max(adopted_on - timedelta(days=365), date(2018, 4, 1))
        offender = Offender(details, self.ids.pnc(first_known.year - rng.randint(0, 8)))
        offender.crn = self.ids.crn()
        offender.details = _with_identifiers(details, offender.pnc, offender.crn)
        manager = PROBATION_MANAGER if statutory else POLICE_MANAGER
        proposed = _moment(rng, adopted_on - timedelta(days=rng.randint(5, 21)))
        member = PlannedMember(offender, manager, proposed, adopted_on, statutory)
        index = self._before(member)
        self._cohort_and_after(member, index)
        self._tiers(member)
        self._needs(member)
        member.offender.offences.sort(key=lambda o: o.committed_at)
        return member

    def not_adopted(self, proposed_on: date) -> PlannedMember:
        rng = self.rng
        details = _person(
            self.maker, sex=weighted(rng, IOM_SEX), age=age_in_band(rng, IOM_AGES), on=proposed_on
        )
        offender = Offender(details, "")
        reason = rng.choice(("criteria_not_met", "managed_elsewhere"))
        statutory = rng.random() < 0.5
        member = PlannedMember(
            offender,
            PROBATION_MANAGER if statutory else POLICE_MANAGER,
            _moment(rng, proposed_on),
            None,
            statutory,
        )
        decided = _moment(rng, proposed_on + timedelta(days=rng.randint(7, 21)))
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
            committed = _any_time(rng, sentenced - timedelta(days=rng.randint(30, 120)))
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
            committed = _any_time(rng, index - timedelta(days=lag))
            self._add(offender, self.offences.proven_at(committed, index, disposal, self._group()))
            if disposal != "caution":
                offender.probation.append(("order_started", index + timedelta(rng.randint(0, 7))))
            free_until = committed.date()
        for _ in range(count - 1):
            committed = _any_time(rng, _day(rng, window, free_until))
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
                _moment(rng, adopted),
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
                            _moment(rng, licence_end), "licence_ended", "", REASONS["licence_ended"]
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
        days = sorted(_day(rng, adopted + timedelta(days=10), follow_up_end) for _ in range(after))
        custody_on: date | None = None
        for number, day in enumerate(days):
            committed = _any_time(rng, day)
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
                committed = _any_time(rng, _day(rng, follow_up_end, later_end))
                disposal = weighted(rng, {"nfa": 60, "caution": 10, "fine": 15, "pending": 15})
                self._add(offender, self.offences.make(committed, disposal, group=self._group()))
        # Only moves that have happened by the demo's "now".
        member.moves = [
            m for m in member.moves if m.at.date() < (end if end <= LAST_DAY else AS_OF.date())
        ]
        if end <= LAST_DAY:
            member.ended_on = end
            member.moves.append(Move(_moment(rng, end), "remove", code, REASONS[code]))

    def _tiers(self, member: PlannedMember) -> None:
        rng, adopted = self.rng, member.adopted_on
        assert adopted is not None
        last = member.ended_on or AS_OF.date()
        tier, day = weighted(rng, TIERS), adopted
        while day < last:
            member.tiers.append((day, tier))
            day += timedelta(days=TIER_REVIEW_DAYS + rng.randint(-20, 20))
            # A review re-scores risk and vulnerability; a third of the time it moves.
            if rng.random() < 0.35:
                tier = weighted(rng, TIERS)

    def _needs(self, member: PlannedMember) -> None:
        rng, adopted = self.rng, member.adopted_on
        assert adopted is not None
        # Casework stops the day before removal.
        last = min((member.ended_on or PERIOD_END) - timedelta(days=1), LAST_DAY)
        for area, (share, outcomes, support) in IOM_NEEDS.items():
            if rng.random() >= share:
                continue
            identified = min(adopted + timedelta(days=rng.randint(0, 21)), last)
            outcome_on = identified + timedelta(days=rng.randint(30, 240))
            outcome = weighted(rng, outcomes) if outcome_on <= last else ""
            member.needs.append(
                PlannedNeed(area, identified, support, outcome, outcome_on if outcome else None)
            )
            service = NEED_SERVICES.get(area)
            if service:
                member.services.append(
                    _service_for(rng, service, identified, outcome, outcome_on, last)
                )


def _service_for(
    rng: random.Random, service: str, identified: date, outcome: str, outcome_on: date, last: date
) -> PlannedService:
    referred = identified + timedelta(days=rng.randint(0, 7))
    if referred > last or (not outcome and rng.random() < 0.3):
        return PlannedService(service, min(referred, last))
    started = referred + timedelta(days=rng.randint(3, 28))
    if started > last:
        return PlannedService(service, referred)
    if not outcome:
        return PlannedService(service, referred, started)
    ended = max(outcome_on, started + timedelta(days=1))
    return PlannedService(service, referred, started, ended, outcome in POSITIVE)


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
            day = _day(rng, month, min(following - timedelta(days=1), last_adoption))
            members.append(planner.member(day, rng.random() < STATUTORY_SHARE))
            if rng.random() < NOT_ADOPTED_SHARE:
                members.append(planner.not_adopted(day))
    _fitness_academy(rng, members, scale)
    for member in members:
        _contacts(rng, member)
    return members


def _fitness_academy(rng: random.Random, members: list[PlannedMember], scale: float) -> None:
    """The young adults on the cohort in the period who took up mentoring, with the report's
    completions scaled to how many there are."""
    wanted = max(2, round(FITNESS_ACADEMY * scale))
    low, high = FITNESS_AGES
    candidates = []
    for member in members:
        if member.adopted_on is None:
            continue
        referred = max(member.adopted_on, PERIOD_START) + timedelta(days=rng.randint(14, 90))
        born = member.offender.details.date_of_birth
        assert born is not None
        age = (referred - born).days // 365
        # On the cohort throughout: the academy's course runs up to 140 days.
        if member.on_cohort(referred) and member.on_cohort(referred + timedelta(days=150)):
            candidates.append(
                (abs(age - (low + high) / 2) if not low <= age <= high else 0, referred, member)
            )
    candidates.sort(key=lambda c: (c[0], c[1]))
    chosen = candidates[:wanted]
    elements: list[set[str]] = [set() for _ in chosen]
    for element, completed in FITNESS_ELEMENTS.items():
        for held in rng.sample(elements, round(completed / FITNESS_ACADEMY * len(chosen))):
            held.add(element)
    for (_, referred, member), done in zip(chosen, elements, strict=True):
        started = referred + timedelta(days=rng.randint(5, 20))
        ended = started + timedelta(days=rng.randint(84, 120))
        member.services.append(
            PlannedService(
                "fitness_academy",
                referred,
                started,
                ended,
                "mentoring" in done,
                tuple(e for e in FITNESS_ELEMENTS if e in done),
            )
        )


def _contacts(rng: random.Random, member: PlannedMember) -> None:
    today = AS_OF.date()
    if not member.on_cohort(today):
        return
    adopted = member.adopted_on or today
    first = max(adopted + timedelta(days=1), today - timedelta(weeks=CONTACT_WEEKS))
    every = 3 if member.tier_on(today) == "green" else 1
    last = today
    if rng.random() < OVERDUE_SHARE:
        last = today - timedelta(days=every + rng.randint(2, 6))
    day = first
    while day <= last:
        moment = at_office_time(rng, day, earliest=8, latest=17 if day < today else 16)
        kind = "home_visit" if rng.random() < HOME_VISIT_SHARE else "contact"
        member.contacts.append((moment, kind))
        day += timedelta(days=every)


# --- youth justice -------------------------------------------------------------------------


def plan_young_people(planner: CohortPlanner, scale: float) -> list[Offender]:
    """First-time entrants year by year; a third reoffend within the year after their first
    caution or conviction (the index event)."""
    rng, maker, offences, ids = planner.rng, planner.maker, planner.offences, planner.ids
    found: list[Offender] = []
    for year, rate in FTE_RATE.items():
        count = max(MIN_FTE, round(rate * YOUTH_POPULATION / 100_000 * scale))
        first, last = date(year, 4, 1), min(date(year + 1, 3, 31), LAST_DAY)
        for _ in range(count):
            index = _day(rng, first, last)
            age = age_in_band(rng, YOUTH_AGES)
            details = _person(maker, sex=weighted(rng, YOUTH_SEX), age=age, on=index)
            offender = Offender(details, ids.pnc(index.year))
            offender.details = _with_identifiers(details, offender.pnc, "")
            born = details.date_of_birth
            assert born is not None

            def youth(day: date, born: date = born) -> bool:
                return (day - born).days < 18 * 365.25

            disposal = weighted(rng, FIRST_DISPOSAL)
            committed = _any_time(rng, index - timedelta(days=offences.lag(disposal)))
            offender.offences.append(
                offences.proven_at(committed, index, disposal, _youth_group(rng), youth(index))
            )
            for _ in range(rng.choice((0, 0, 1))):  # suspected before, never proven
                day = _day(rng, index - timedelta(days=300), committed.date() - timedelta(days=1))
                offence = offences.make(_any_time(rng, day), "nfa", group=_youth_group(rng))
                if offence is not None:
                    offender.offences.append(offence)
            follow_up_end = index + FOLLOW_UP
            if rng.random() < YOUTH_REOFFENDING:
                for _ in range(weighted(rng, {1: 60, 2: 28, 3: 12})):
                    day = _day(rng, index + timedelta(days=7), follow_up_end - timedelta(days=20))
                    disposal = weighted(rng, YOUTH_REOFFENCE)
                    dealt = min(day + timedelta(offences.lag(disposal)), follow_up_end + WAITING)
                    if day <= LAST_DAY:
                        offender.offences.append(
                            offences.proven_at(
                                _any_time(rng, day),
                                dealt,
                                disposal,
                                _youth_group(rng),
                                youth(dealt),
                            )
                        )
            for _ in range(rng.choice((0, 0, 1, 2))):  # suspected since, not proven
                day = _day(rng, index + timedelta(days=7), follow_up_end + FOLLOW_UP)
                offence = offences.make(
                    _any_time(rng, day),
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


# --- the women's whole-system pathway ------------------------------------------------------


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
            referred_on = _day(rng, first, last)
            while referred_on.weekday() >= 5:
                referred_on -= timedelta(days=1)
            age = age_in_band(rng, WOMEN_AGES)
            route = weighted(rng, ROUTES)
            woman = PlannedWoman(
                _person(maker, sex=Person.Sex.FEMALE, age=age, on=referred_on),
                weighted(rng, WOMEN_REFERRERS),
                _moment(rng, referred_on),
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
        woman.moves.append(Move(_moment(rng, day), "not_engaged", outcome, REASONS[outcome]))
        return
    accepted = min(referred + timedelta(days=rng.randint(1, 10)), LAST_DAY)
    woman.accepted_at = _moment(rng, accepted)
    woman.moves.append(Move(woman.accepted_at, "accept"))
    close = accepted + timedelta(days=rng.randint(90, 270))
    outcome = weighted(rng, CLOSED)
    last = min(close, LAST_DAY)
    if close <= LAST_DAY:
        woman.moves.append(Move(_moment(rng, close), "close", outcome, REASONS[outcome]))
    if woman.route == "awaiting":
        court = accepted + timedelta(days=rng.randint(20, 70))
        if court <= last:
            offence = next(c.offence_on for c in woman.justice if c.stage == "charge")
            sentence = weighted(rng, {"community_order": 50, "suspended_sentence": 35, "fine": 15})
            woman.justice.append(PlannedJusticeContact("court", court, "convicted", offence))
            woman.justice.append(PlannedJusticeContact("sentence", court, sentence, offence))
            woman.activities.append(
                (_moment(rng, court), "court_support", "Went with her to court.")
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
            (_moment(rng, day), "support_plan", "Support plan agreed with her.")
        )
    while True:
        day += timedelta(days=rng.randint(7, 14))
        if day >= last:
            break
        woman.activities.append((_moment(rng, day), "contact", "Key-worker session."))


# --- the whole plan ------------------------------------------------------------------------


@lru_cache(maxsize=4)
def plan_offending(seed: int, scale: float) -> OffendingPlan:
    """The same people and offences for the same seed and scale: the replay writes the cases,
    and the extracts imported at the end name the same people."""
    rng = random.Random(f"{seed}:offending")
    maker = PersonMaker(rng, load_pools(), IdentifierAllocator(rng))
    # One run of crime references and PNC IDs for everyone.
    planner = CohortPlanner(rng, maker, Offences(rng), Identities(rng))
    members = plan_cohort(planner, scale)
    young_people = plan_young_people(planner, scale)
    women = plan_women(rng, maker, scale)
    return OffendingPlan(members, young_people, women)
