"""Two years of the support services around MARAC, replayed as clicks.

Modelled on a London borough's safeguarding report (Barnet, 2022/23, sections 2.4.10-2.4.17 and
2.6.1):

* the domestic-abuse advocacy service receives 310-380 referrals a quarter, about 29% of them
  declining support; 112-147 become new service users, most of whom get a risk assessment and
  safety advice, and 103-131 leave the service a quarter. MARAC sends about 79 of those referrals
  a quarter (``casework.py``); the rest, planned here, come from police incidents, hospitals,
  children's services, housing, the women's centre and self-referrals;
* the housing provider's Sanctuary scheme receives 28-38 referrals a quarter: a survey within
  three weeks, then the installation (about three in four) or a withdrawal;
* 147 homelessness approaches because of domestic abuse a half-year, 29 of them placed in
  temporary accommodation, ending with a housing option taken or closed;
* the One Stop Shop receives 209 referrals a half-year, more than half from the advocacy service,
  and victims attend its weekly drop-in or do not.

Victims are new people, recorded by the referring agency so the referrer may see them (each
agency records a week's new victims in one go, to keep the replay quick). Advocacy clients are
now and then referred on by their advocate to the Sanctuary scheme, housing options or the One
Stop Shop. Everything is planned first, as data, from ``random.Random(f"{seed}:support")``
(``plan_support``); then each referral and each later move is added to the replay as a step,
run with the clock set to its moment (``schedule_support``).
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Literal

from casebridge.assessments.models import Instrument
from casebridge.assessments.services import assessment_complete
from casebridge.demo.calendar import (
    AS_OF,
    LONDON,
    PERIOD_END,
    PERIOD_START,
    add_working_days,
    at_office_time,
    next_weekday,
)
from casebridge.demo.casework import ACTIVITY_TEXT, ADVOCATES
from casebridge.demo.identifiers import IdentifierAllocator
from casebridge.demo.names import load_pools
from casebridge.demo.organisation import practitioners
from casebridge.demo.population import PersonMaker, age_in_band, weighted
from casebridge.pathways.models import Case, Pathway
from casebridge.pathways.services import case_activity_record, case_transition, referral_create
from casebridge.people.models import Person
from casebridge.people.services import PersonDetails, people_bulk_create

if TYPE_CHECKING:
    from casebridge.demo.history import Replay

SOURCE = "support referrals"
RECORDED_AT = time(8, 30)  # before the office day's referrals
CHECKLIST = "da-risk-checklist"
ADVOCACY = "nb-da-advocacy"
HOUSING = "nb-homes"
HOUSING_WORKER = "dan.kowalski"
IDVA, SANCTUARY, DA_HOUSING, OSS = "idva", "sanctuary", "da-housing", "one-stop-shop"
RECEIVING = {IDVA: ADVOCACY, SANCTUARY: HOUSING, DA_HOUSING: HOUSING, OSS: HOUSING}

# Per quarter, Q1 2021/22 to Q4 2022/23, for the borough (times ``Replay.scale``).
# Advocacy referrals outside MARAC: the source's totals (347, 380, 319, 310 from Q3 2021/22 to
# Q2 2022/23) less the 75-90 a quarter MARAC sends; the other quarters in between.
IDVA_REFERRALS = (255, 262, 268, 301, 240, 231, 245, 258)
# New service users among them: the source's 147, 140, 112, 124 less about 67 MARAC victims.
IDVA_NEW_USERS = (70, 75, 80, 73, 45, 57, 60, 62)
SANCTUARY_REFERRALS = (30, 33, 29, 35, 28, 38, 32, 34)
HOUSING_APPROACHES = (72, 75, 70, 77, 74, 73, 76, 71)  # 147 a half-year
# About 35 a month; more once face-to-face drop-ins resume in November 2022.
OSS_REFERRALS = (100, 104, 105, 104, 102, 107, 112, 118)

# With MARAC's few declines, about 29% of all the service's referrals decline support.
DECLINED_SUPPORT_SHARE = 0.35
CHECKED_WHEN_DECLINED = 0.6  # risk assessment and safety advice at the first contact
BANDS = {"standard": 50.0, "medium": 38.0, "high": 12.0}
YES_ANSWERS = {"standard": (3, 9), "medium": (10, 13), "high": (14, 17)}
SANCTUARY_WITHDRAWN_BEFORE_SURVEY = 0.07
SANCTUARY_INSTALLED = 0.75
TEMPORARY_ACCOMMODATION = 29 / 147
HOUSED_FROM_TA = 0.85
HOUSED_WITHOUT_TA = 0.72
OSS_ATTENDED = 0.78
OSS_DROP_IN_WEEKDAY = 2  # Wednesday
CLIENT_REFERRED_ON = 0.8  # an advocacy referral elsewhere is for a client, when one fits

MALE_SHARE = 0.05
VICTIM_AGES: tuple[tuple[int, int, float], ...] = (
    (16, 20, 4),
    (21, 30, 27),
    (31, 40, 38),
    (41, 50, 22),
    (51, 64, 7),
    (65, 80, 2),
)

# Who refers (agency, weight): police most often; the advocacy service refers itself (helpline
# self-referrals) and refers its clients on; the housing officer records direct approaches.
IDVA_REFERRERS: dict[str, float] = {
    "nb-police": 52,
    "nb-childrens-services": 12,
    "nb-hospital": 10,
    ADVOCACY: 8,
    "nb-womens-centre": 7,
    HOUSING: 5,
    "nb-adult-social-care": 4,
    "nb-probation": 2,
}
SANCTUARY_REFERRERS: dict[str, float] = {
    ADVOCACY: 35,
    "nb-police": 27,
    "nb-childrens-services": 11,
    "nb-womens-centre": 10,
    HOUSING: 9,
    "nb-hospital": 5,
    "nb-adult-social-care": 3,
}
HOUSING_REFERRERS: dict[str, float] = {
    HOUSING: 45,
    ADVOCACY: 25,
    "nb-police": 10,
    "nb-childrens-services": 8,
    "nb-womens-centre": 7,
    "nb-hospital": 5,
}
OSS_REFERRERS: dict[str, float] = {
    ADVOCACY: 56,
    "nb-police": 10,
    "nb-womens-centre": 10,
    HOUSING: 10,
    "nb-childrens-services": 8,
    "nb-hospital": 6,
}

REASONS: dict[str, tuple[str, ...]] = {
    "nb-police": (
        "Police attended a domestic incident, assessed as standard risk; she agreed to a referral.",
        "Domestic incident attended by police, assessed as medium risk; asks for safety advice.",
        "Reported coercive control at the front counter; wants support to leave safely.",
    ),
    "nb-childrens-services": (
        "Disclosed domestic abuse during a child and family assessment.",
        "Early Help worker: mother disclosed controlling behaviour by her ex-partner.",
    ),
    "nb-hospital": (
        "Disclosed domestic abuse in the Emergency Department; consented to a referral.",
        "Disclosed to the midwife at a maternity appointment.",
        "Disclosed at the sexual health clinic.",
    ),
    ADVOCACY: (
        "Self-referral through the helpline.",
        "Self-referral by e-mail after an awareness session.",
    ),
    "nb-womens-centre": (
        "Disclosed at a women's centre group session; asks for an advocate.",
        "Key worker referral: economic abuse and threats from her ex-partner.",
    ),
    HOUSING: (
        "Tenancy officer referral: disclosed abuse at a tenancy visit.",
        "Disclosed domestic abuse when reporting damage to the property.",
    ),
    "nb-adult-social-care": ("Safeguarding enquiry: abuse by an adult family member.",),
    "nb-probation": ("Victim liaison: concerns about contact from a partner on licence.",),
}
CLIENT_REASONS = {
    SANCTUARY: "Advocacy client who wants to stay at home safely: please survey for Sanctuary.",
    DA_HOUSING: "Advocacy client who cannot stay at home: homelessness approach.",
    OSS: "Advocacy client: for advice from housing and legal services at the drop-in.",
}
SERVICE_REASONS = {
    SANCTUARY: "Victim wants to remain at home; the perpetrator knows the address.",
    DA_HOUSING: "Homelessness approach: fleeing domestic abuse.",
    OSS: "For advice at the One Stop Shop drop-in.",
}
DIRECT_REASONS = {
    SANCTUARY: "Tenant disclosed abuse to her housing officer and wants to remain at home.",
    DA_HOUSING: "Approached housing options directly: fleeing domestic abuse.",
    OSS: "Walked in to the One Stop Shop drop-in.",
}

# What happens to a referral to the advocacy service that does not become support.
DECLINED_SUPPORT = (
    "Victim declined support after the first contact",
    "Victim declined support: safety advice given and feels safe now",
    "Victim declined support: already has support from family",
)
NOT_SUPPORTED: dict[str, float] = {
    "Could not make safe contact after three attempts": 60,
    "Already supported by another service": 12,
    "Lives outside the borough; referred to the local service": 12,
    "Signposted to a more suitable service": 10,
    "Referral withdrawn by the referrer: the details were wrong": 6,
}
LEAVING: dict[str, float] = {
    "Support completed: risk reduced and safety plan in place": 40,
    "Support completed: non-molestation order granted": 10,
    "Support completed: rehoused safely": 8,
    "Support completed: referred on for counselling and recovery work": 9,
    "Service user disengaged after repeated attempts to contact": 25,
    "Moved out of the borough; referred to the local service": 8,
}
SANCTUARY_WITHDRAWN_EARLY: dict[str, float] = {
    "victim_moved": 40,
    "victim_declined": 35,
    "not_safe_to_remain": 25,
}
SANCTUARY_WITHDRAWN_AFTER_SURVEY: dict[str, float] = {
    "not_safe_to_remain": 35,
    "landlord_refused": 25,
    "victim_moved": 25,
    "victim_declined": 15,
}
WITHDRAWAL_REASON = {
    "not_safe_to_remain": "The survey found it is not safe for her to remain in the home.",
    "victim_moved": "She has moved, or is moving, away from the address.",
    "victim_declined": "She no longer wants the measures fitted.",
    "landlord_refused": "The private landlord refused consent for the works.",
}
HOUSING_OPTIONS: dict[str, float] = {
    "refuge": 14,
    "sanctuary": 16,
    "social_housing": 14,
    "reciprocal": 10,
    "private_rented": 26,
    "friends_family": 20,
}
HOUSING_CLOSED = (
    "Withdrew the homelessness application",
    "No longer in contact with the service",
    "Moved out of the borough",
    "Made her own arrangements",
)
OSS_OUTCOMES: dict[str, float] = {
    "advice_only": 40,
    "referred_housing": 25,
    "referred_idva": 20,
    "referred_legal": 15,
}


# --- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One thing done on a case after the referral, by a worker of the receiving service."""

    at: datetime
    worker: str
    kind: Literal["transition", "activity", "checklist"]
    code: str = ""  # the transition's or the activity's code
    text: str = ""  # the reason given, or what the casework was
    outcome: str = ""  # for transitions that ask for one
    yes: int = 0  # for the checklist: how many "Yes" answers


@dataclass(frozen=True)
class PlannedCase:
    pathway: str
    victim: int  # index into ``SupportPlan.people``
    new_victim: bool  # recorded by this referral (else an earlier one's client)
    agency: str  # the referring agency
    referrer: str
    referred_at: datetime
    reason: str
    consent: str
    lawful_basis: str
    moves: tuple[Move, ...]  # in time order, none after ``AS_OF``

    def transitions(self) -> list[Move]:
        return [move for move in self.moves if move.kind == "transition"]


@dataclass(frozen=True)
class SupportPerson:
    details: PersonDetails
    agency: str  # recorded by this agency's generator account


@dataclass
class Client:
    """An advocacy service user, who may be referred on while supported."""

    victim: int
    advocate: str
    supported_from: date
    supported_until: date  # the period's last day if still supported then
    referred_to: set[str] = field(default_factory=set)


@dataclass
class SupportPlan:
    people: list[SupportPerson] = field(default_factory=list)
    cases: list[PlannedCase] = field(default_factory=list)
    clients: list[Client] = field(default_factory=list)

    def of(self, pathway: str) -> list[PlannedCase]:
        return [case for case in self.cases if case.pathway == pathway]


def quarters() -> list[tuple[date, date]]:
    """The period's eight financial quarters, first and last day."""
    spans, start = [], PERIOD_START
    while start <= PERIOD_END:
        year, month = (start.year + 1, 1) if start.month >= 10 else (start.year, start.month + 3)
        following = date(year, month, 1)
        spans.append((start, following - timedelta(days=1)))
        start = following
    return spans


def _scaled(rng: random.Random, volume: float, scale: float) -> int:
    """``volume * scale``, rounded at random so small scales keep the right mean; at least one."""
    exact = volume * scale
    return max(1, int(exact) + (rng.random() < exact - int(exact)))


def _weekday_between(rng: random.Random, start: date, end: date) -> date:
    while True:
        day = next_weekday(start + timedelta(days=rng.randint(0, (end - start).days)))
        if day <= end:
            return day


def _after(rng: random.Random, moment: datetime, low: int, high: int) -> datetime:
    """An office-hours moment ``low`` to ``high`` days after ``moment``, always later than it."""
    day = next_weekday(moment.date() + timedelta(days=rng.randint(low, high)))
    later = at_office_time(rng, day)
    return later if later > moment else moment + timedelta(minutes=rng.randint(15, 90))


def _next_drop_in(day: date) -> date:
    return day + timedelta(days=(OSS_DROP_IN_WEEKDAY - day.weekday() - 1) % 7 + 1)


class SupportPlanner:
    def __init__(self, rng: random.Random, maker: PersonMaker, scale: float) -> None:
        self.rng = rng
        self.maker = maker
        self.scale = scale
        self.plan = SupportPlan()

    def build(self) -> SupportPlan:
        spans = quarters()
        # Advocacy first: its clients are referred on to the other services.
        for number, (start, end) in enumerate(spans):
            days = self._days(IDVA_REFERRALS[number], start, end)
            # So many accepted and so many declining support each quarter, in a random order.
            accepted = round(len(days) * IDVA_NEW_USERS[number] / IDVA_REFERRALS[number])
            declining = round(len(days) * DECLINED_SUPPORT_SHARE)
            endings = ["accept"] * accepted + ["declined"] * declining
            endings += ["other"] * (len(days) - len(endings))
            self.rng.shuffle(endings)
            for day, ending in zip(days, endings, strict=True):
                self._advocacy(day, ending)
        for volumes, plan_one in (
            (SANCTUARY_REFERRALS, self._sanctuary),
            (HOUSING_APPROACHES, self._housing),
            (OSS_REFERRALS, self._one_stop_shop),
        ):
            for number, (start, end) in enumerate(spans):
                for day in self._days(volumes[number], start, end):
                    plan_one(day)
        return self.plan

    def _days(self, volume: int, start: date, end: date) -> list[date]:
        count = _scaled(self.rng, volume, self.scale)
        return sorted(_weekday_between(self.rng, start, end) for _ in range(count))

    # --- people and referrers

    def _new_victim(self, agency: str, on: date) -> int:
        rng = self.rng
        sex = Person.Sex.MALE if rng.random() < MALE_SHARE else Person.Sex.FEMALE
        details = self.maker.make(
            sex=sex,
            age=age_in_band(rng, VICTIM_AGES),
            on=on,
            nhs_chance=0.0,  # a second allocator could repeat the population's numbers
            police_chance=0.0,
        )
        self.plan.people.append(SupportPerson(details, agency))
        return len(self.plan.people) - 1

    def _practitioner(self, agency: str) -> str:
        if agency == HOUSING:
            return HOUSING_WORKER
        return self.rng.choice(practitioners(agency)).username

    def _consent(self, agency: str) -> tuple[str, str]:
        rng = self.rng
        if rng.random() < 0.9:
            basis = Case.LawfulBasis.CONSENT if rng.random() < 0.7 else Case.LawfulBasis.PUBLIC_TASK
            return Case.Consent.GIVEN, basis
        if agency == "nb-police":
            return Case.Consent.NOT_ASKED, Case.LawfulBasis.LAW_ENFORCEMENT
        return Case.Consent.NOT_ASKED, Case.LawfulBasis.SAFEGUARDING

    def _client(self, day: date, pathway: str) -> Client | None:
        """An advocacy client supported on ``day`` (from an earlier day) not yet referred there."""
        fits = [
            client
            for client in self.plan.clients
            if client.supported_from < day <= client.supported_until
            and pathway not in client.referred_to
        ]
        return self.rng.choice(fits) if fits else None

    def _add(
        self,
        pathway: str,
        *,
        victim: int,
        new_victim: bool,
        agency: str,
        referrer: str,
        referred_at: datetime,
        reason: str,
        moves: Sequence[Move],
    ) -> None:
        kept: list[Move] = []
        for move in moves:  # what would happen after the period has not happened yet
            if move.at > AS_OF:
                break
            kept.append(move)
        consent, basis = self._consent(agency)
        self.plan.cases.append(
            PlannedCase(
                pathway=pathway,
                victim=victim,
                new_victim=new_victim,
                agency=agency,
                referrer=referrer,
                referred_at=referred_at,
                reason=reason,
                consent=consent,
                lawful_basis=basis,
                moves=tuple(kept),
            )
        )

    def _referral(
        self, pathway: str, day: date, referrers: dict[str, float]
    ) -> tuple[int, bool, str, str, str]:
        """Who is referred, by whom: (victim, new victim, agency, referrer, reason)."""
        rng = self.rng
        agency = weighted(rng, referrers)
        if agency == ADVOCACY:
            client = self._client(day, pathway) if rng.random() < CLIENT_REFERRED_ON else None
            if client is not None:
                client.referred_to.add(pathway)
                return client.victim, False, agency, client.advocate, CLIENT_REASONS[pathway]
            victim, advocate = self._new_victim(agency, day), rng.choice(ADVOCATES)
            return victim, True, agency, advocate, SERVICE_REASONS[pathway]
        reason = DIRECT_REASONS[pathway] if agency == HOUSING else SERVICE_REASONS[pathway]
        return self._new_victim(agency, day), True, agency, self._practitioner(agency), reason

    # --- the services

    def _checklist(self, at: datetime, advocate: str) -> Move:
        band = weighted(self.rng, BANDS)
        return Move(at, advocate, "checklist", yes=self.rng.randint(*YES_ANSWERS[band]))

    def _advocacy(self, day: date, ending: str) -> None:
        rng = self.rng
        agency = weighted(rng, IDVA_REFERRERS)
        advocate = rng.choice(ADVOCATES)
        referrer = advocate if agency == ADVOCACY else self._practitioner(agency)
        victim = self._new_victim(agency, day)
        referred_at = at_office_time(rng, day)
        moves: list[Move] = []
        if ending == "accept":
            decided = at_office_time(rng, add_working_days(day, rng.randint(1, 5)))
            moves.append(Move(decided, advocate, "transition", "accept"))
            first = _after(rng, decided, 0, 4)
            moves.append(self._checklist(first, advocate))
            plan = rng.choice(ACTIVITY_TEXT["safety_plan"])
            moves.append(
                Move(first + timedelta(minutes=30), advocate, "activity", "safety_plan", plan)
            )
            ends = first + timedelta(weeks=rng.triangular(3, 30, 8))
            last = moves[-1].at
            while (following := _after(rng, last, 21, 42)) < ends:
                text = rng.choice(ACTIVITY_TEXT["contact"])
                moves.append(Move(following, advocate, "activity", "contact", text))
                last = following
            if (last - first).days >= 56:
                last = _after(rng, last, 1, 5)
                text = rng.choice(ACTIVITY_TEXT["risk_review"])
                moves.append(Move(last, advocate, "activity", "risk_review", text))
            closed = _after(rng, last, 1, 7)
            moves.append(Move(closed, advocate, "transition", "close", weighted(rng, LEAVING)))
            until = closed.date() if closed <= AS_OF else PERIOD_END
            self.plan.clients.append(Client(victim, advocate, decided.date(), until))
        else:
            declined = ending == "declined"
            decided = at_office_time(rng, add_working_days(day, rng.randint(1, 8)))
            if declined and rng.random() < CHECKED_WHEN_DECLINED:
                moves.append(self._checklist(decided, advocate))
                decided += timedelta(minutes=rng.randint(20, 45))
                reason = DECLINED_SUPPORT[1]
            elif declined:
                reason = rng.choice((DECLINED_SUPPORT[0], DECLINED_SUPPORT[2]))
            else:
                reason = weighted(rng, NOT_SUPPORTED)
            moves.append(Move(decided, advocate, "transition", "decline", reason))
        self._add(
            IDVA,
            victim=victim,
            new_victim=True,
            agency=agency,
            referrer=referrer,
            referred_at=referred_at,
            reason=rng.choice(REASONS[agency]),
            moves=moves,
        )

    def _sanctuary(self, day: date) -> None:
        rng = self.rng
        victim, new, agency, referrer, reason = self._referral(SANCTUARY, day, SANCTUARY_REFERRERS)
        referred_at = at_office_time(rng, day)
        surveyed = _after(rng, referred_at, 5, 20)  # within one to three weeks
        draw, moves = rng.random(), []
        if draw < SANCTUARY_WITHDRAWN_BEFORE_SURVEY:
            outcome = weighted(rng, SANCTUARY_WITHDRAWN_EARLY)
            moves.append(self._withdrawal(surveyed, outcome))
        else:
            moves.append(Move(surveyed, HOUSING_WORKER, "transition", "survey"))
            if draw < SANCTUARY_WITHDRAWN_BEFORE_SURVEY + SANCTUARY_INSTALLED:
                installed = _after(rng, surveyed, 14, 56)  # two to eight weeks
                moves.append(Move(installed, HOUSING_WORKER, "transition", "install"))
            else:
                outcome = weighted(rng, SANCTUARY_WITHDRAWN_AFTER_SURVEY)
                moves.append(self._withdrawal(_after(rng, surveyed, 7, 42), outcome))
        self._add(
            SANCTUARY,
            victim=victim,
            new_victim=new,
            agency=agency,
            referrer=referrer,
            referred_at=referred_at,
            reason=reason,
            moves=moves,
        )

    @staticmethod
    def _withdrawal(at: datetime, outcome: str) -> Move:
        return Move(
            at, HOUSING_WORKER, "transition", "withdraw", WITHDRAWAL_REASON[outcome], outcome
        )

    def _housing(self, day: date) -> None:
        rng = self.rng
        victim, new, agency, referrer, reason = self._referral(DA_HOUSING, day, HOUSING_REFERRERS)
        approached = at_office_time(rng, day)
        moves: list[Move] = []
        last, housed_share, weeks = approached, HOUSED_WITHOUT_TA, (7, 70)
        if rng.random() < TEMPORARY_ACCOMMODATION:
            last = _after(rng, approached, 0, 2)
            moves.append(Move(last, HOUSING_WORKER, "transition", "place_in_ta"))
            housed_share, weeks = HOUSED_FROM_TA, (28, 182)
        if rng.random() < housed_share:
            option = weighted(rng, HOUSING_OPTIONS)
            housed = _after(rng, last, *weeks)
            moves.append(
                Move(
                    housed, HOUSING_WORKER, "transition", "house", "Housing option agreed.", option
                )
            )
        else:
            closed = _after(rng, last, 7, weeks[1] // 2)
            moves.append(
                Move(closed, HOUSING_WORKER, "transition", "close", rng.choice(HOUSING_CLOSED))
            )
        self._add(
            DA_HOUSING,
            victim=victim,
            new_victim=new,
            agency=agency,
            referrer=referrer,
            referred_at=approached,
            reason=reason,
            moves=moves,
        )

    def _one_stop_shop(self, day: date) -> None:
        rng = self.rng
        victim, new, agency, referrer, reason = self._referral(OSS, day, OSS_REFERRERS)
        referred_at = at_office_time(rng, day)
        drop_in = _next_drop_in(day)
        if rng.random() < OSS_ATTENDED:
            seen = at_office_time(rng, drop_in, earliest=10, latest=13)
            outcome = weighted(rng, OSS_OUTCOMES)
            move = Move(seen, HOUSING_WORKER, "transition", "attend", outcome=outcome)
        else:
            move = Move(
                at_office_time(rng, drop_in, earliest=14, latest=15),
                HOUSING_WORKER,
                "transition",
                "no_show",
            )
        self._add(
            OSS,
            victim=victim,
            new_victim=new,
            agency=agency,
            referrer=referrer,
            referred_at=referred_at,
            reason=reason,
            moves=[move],
        )


def plan_support(rng: random.Random, *, scale: float) -> SupportPlan:
    """The four services' referrals and what happened to each, as data (no database)."""
    maker = PersonMaker(rng, load_pools(), IdentifierAllocator(rng))
    return SupportPlanner(rng, maker, scale).build()


# --- the replay ------------------------------------------------------------------------------


@dataclass
class Written:
    """What the steps have written so far, for the steps that build on it."""

    people: dict[int, Person] = field(default_factory=dict)
    cases: dict[int, Case] = field(default_factory=dict)
    pathways: dict[str, Pathway] = field(default_factory=dict)
    questions: list[str] = field(default_factory=list)

    def pathway(self, code: str) -> Pathway:
        if code not in self.pathways:
            self.pathways[code] = Pathway.objects.get(code=code)
        return self.pathways[code]

    def answers(self, rng: random.Random, yes: int) -> dict[str, str]:
        """``yes`` questions answered "Yes", the rest "No" or now and then "Not known"."""
        if not self.questions:
            instrument = Instrument.objects.filter(code=CHECKLIST, is_current=True).get()
            self.questions = [q["code"] for q in instrument.definition["questions"]]
        answered_yes = set(rng.sample(self.questions, yes))
        return {
            code: "yes" if code in answered_yes else rng.choice(("no", "no", "no", "not_known"))
            for code in self.questions
        }


def schedule_support(replay: "Replay") -> None:
    """Add the advocacy, Sanctuary, housing and One Stop Shop steps to ``replay``.

    Args:
        replay: the history being replayed; its organisation must hold the demo agencies, their
            generator accounts and users (the advocates and the housing officer work the cases).
    """
    plan = plan_support(random.Random(f"{replay.seed}:support"), scale=replay.scale)  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    written = Written()
    _schedule_people(replay, plan, written)
    for index, planned in enumerate(plan.cases):
        _schedule_case(replay, written, index, planned)


def _schedule_people(replay: "Replay", plan: SupportPlan, written: Written) -> None:
    """Each agency records the week's new victims in one go, early on the day of the week's
    first referral (one service call a week, not one a person: the replay stays quick)."""
    weeks: dict[tuple[str, date], list[PlannedCase]] = {}
    for planned in plan.cases:
        if planned.new_victim:
            day = planned.referred_at.date()
            agency = plan.people[planned.victim].agency
            weeks.setdefault((agency, day - timedelta(days=day.weekday())), []).append(planned)
    for (agency, _), cases in weeks.items():
        victims = [planned.victim for planned in cases]

        def record(agency: str = agency, victims: list[int] = victims) -> None:
            people = people_bulk_create(
                actor=replay.org.generators[agency],
                people=[plan.people[victim].details for victim in victims],
                source=SOURCE,
            )
            written.people.update(zip(victims, people, strict=True))

        first = min(planned.referred_at for planned in cases)
        replay.at(datetime.combine(first.date(), RECORDED_AT, tzinfo=LONDON), record)


def _schedule_case(replay: "Replay", written: Written, index: int, planned: PlannedCase) -> None:
    def refer() -> None:
        written.cases[index] = referral_create(
            actor=replay.user(planned.referrer),
            pathway=written.pathway(planned.pathway),
            subject=written.people[planned.victim],
            referral_reason=planned.reason,
            consent=planned.consent,
            lawful_basis=planned.lawful_basis,
            owner_agency=replay.org.agencies[RECEIVING[planned.pathway]],
            referred_at=planned.referred_at,
        )

    replay.at(planned.referred_at, refer)
    for number, move in enumerate(planned.moves):
        replay.at(move.at, _move_step(replay, written, index, planned, number, move))


def _move_step(
    replay: "Replay", written: Written, index: int, planned: PlannedCase, number: int, move: Move
) -> Callable[[], None]:
    def run() -> None:
        worker = replay.user(move.worker)
        if move.kind == "transition":
            written.cases[index] = case_transition(
                actor=worker,
                case=written.cases[index],
                transition=move.code,
                reason=move.text,
                outcome=move.outcome,
                at=move.at,
            )
        elif move.kind == "activity":
            case_activity_record(
                actor=worker,
                case=written.cases[index],
                activity=move.code,
                text=move.text,
                occurred_at=move.at,
            )
        else:
            rng = random.Random(f"{replay.seed}:support:checklist:{index}:{number}")  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
            assessment_complete(
                actor=worker,
                person=written.people[planned.victim],
                instrument_code=CHECKLIST,
                answers=written.answers(rng, move.yes),
                case=written.cases[index],
                assessed_at=move.at,
            )

    return run
