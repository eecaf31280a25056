"""Planning a monthly panel's cases (no database): the Serious Adult Violence panel and the
exploitation risk panel take referrals, accept them, discuss each first at the next meeting whose
agenda is built after the acceptance, review the open ones every few meetings and close them.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from casebridge.demo.calendar import AS_OF, LONDON, add_working_days, at_office_time
from casebridge.demo.population import weighted


@dataclass(frozen=True)
class MonthlyPanel:
    """When a monthly panel sits: the ``nth`` ``weekday`` (Monday 0) of each month."""

    weekday: int
    nth: int
    starts: time
    length: timedelta

    def days(self, first_month: date) -> list[date]:
        found, month = [], first_month.replace(day=1)
        while True:
            day = month + timedelta(days=(self.weekday - month.weekday()) % 7 + 7 * (self.nth - 1))
            if self.ends(day) > AS_OF:
                return found
            found.append(day)
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)

    def start(self, day: date) -> datetime:
        return datetime.combine(day, self.starts, tzinfo=LONDON)

    def ends(self, day: date) -> datetime:
        return self.start(day) + self.length


def agenda_built_at(day: date) -> datetime:
    """The day before the meeting, before office hours."""
    return datetime.combine(day - timedelta(days=1), time(8, 30), tzinfo=LONDON)


@dataclass
class PanelCase:
    referred_at: datetime
    decided_at: datetime | None = None  # accepted or declined; None: still to decide
    decline_reason: str = ""
    meetings: list[date] = field(default_factory=list)  # the first, then its reviews
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: str = ""
    close_reason: str = ""

    @property
    def accepted(self) -> bool:
        return self.decided_at is not None and not self.decline_reason


@dataclass(frozen=True)
class PanelRules:
    panel: MonthlyPanel
    days: tuple[date, ...]
    decline_share: float
    decline_reason: str
    review_every: int  # an open case is discussed again every this many meetings
    months_open: tuple[int, int]
    outcomes: dict[str, float]
    reasons: dict[str, str]


def plan_panel_case(rng: random.Random, rules: PanelRules, referred_at: datetime) -> PanelCase:
    case = PanelCase(referred_at)
    decided = at_office_time(rng, add_working_days(referred_at.date(), rng.randint(1, 4)))
    if decided > AS_OF:
        return case
    case.decided_at = decided
    if rng.random() < rules.decline_share:
        case.decline_reason = rules.decline_reason
        return case
    later = [day for day in rules.days if agenda_built_at(day) > decided]
    if not later:
        return case
    first = later[0]
    case.opened_at = rules.panel.ends(first) + timedelta(minutes=rng.randint(15, 60))
    low, high = rules.months_open
    closing = first + timedelta(days=rng.randint(low * 30, high * 30))
    case.meetings = [
        day
        for number, day in enumerate(later)
        if number % rules.review_every == 0 and day < closing
    ]
    close_at = at_office_time(rng, add_working_days(closing, 1))
    if close_at <= AS_OF and close_at > rules.panel.ends(case.meetings[-1]):
        case.closed_at = close_at
        case.outcome = weighted(rng, rules.outcomes)
        case.close_reason = rules.reasons[case.outcome]
    return case
