"""What the offending plans share (no database): offenders with the PNC ID and CRN partners know
them by, their offences from commission to police and court outcome, and the moves, needs and
services recorded on the IOM and women's pathway cases.

The IOM cohort (``iom_plan``) and the young people (``youth_plan``) draw on one ``Offences`` and
one ``Identities``, so crime references and PNC IDs never repeat between them.
"""

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from casebridge.demo.calendar import LONDON, PERIOD_END, at_office_time
from casebridge.demo.population import PersonMaker
from casebridge.people.models import Identifier
from casebridge.people.services import PersonDetails

# The last day an extract imported on the period's last day can report (its cells are "past").
LAST_DAY = PERIOD_END - timedelta(days=1)
# Proven reoffending: offences committed within a year of the index event and proven within
# the waiting period after it.
FOLLOW_UP = timedelta(days=365)
WAITING = timedelta(days=182)
# The outcomes of needs (and so of the services for them) that count as achieved.
POSITIVE = {"housed", "in_treatment", "employment_training", "education", "benefits_in_place"}
POSITIVE |= {"programme_completed", "improved", "safer"}


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


def day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def office_moment(rng: random.Random, day: date) -> datetime:
    """A time in office hours; on the period's last day, before the demo's "now"."""
    return at_office_time(rng, day, latest=17 if day < PERIOD_END else 16)


def any_time(rng: random.Random, day: date) -> datetime:
    """Offences happen at any hour, not in office hours."""
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


class Identities:
    """PNC IDs and probation case reference numbers (CRNs), numbered on from a random start."""

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


def offender_details(
    maker: PersonMaker, *, sex: str, age: int, on: date, ethnicity: str | None = None
) -> PersonDetails:
    identity = maker.identity(ethnicity)
    # A second allocator could repeat the population's NHS numbers and police references.
    return maker.make(sex=sex, age=age, on=on, identity=identity, nhs_chance=0.0, police_chance=0.0)


def with_identifiers(details: PersonDetails, pnc: str, crn: str) -> PersonDetails:
    held = [(Identifier.Scheme.PNC, pnc)]
    if crn:
        held.append((Identifier.Scheme.PROBATION, crn))
    return replace(details, identifiers=tuple(held))
