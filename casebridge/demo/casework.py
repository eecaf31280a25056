"""Planning IDVA casework for MARAC victims: referral into the advocacy service, the advocate's
decision, contacts, safety planning, risk reviews and closure with an outcome."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from casebridge.demo.calendar import AS_OF, add_working_days, at_office_time, next_weekday

ADVOCATES = ("priya.shah", "amara.osei")
REFERRAL_SHARE = 0.7  # of accepted MARAC referrals, when the victim is not already supported
DECLINE_SHARE = 0.12
DECLINE_REASONS = (
    "Victim declined support after the first contact",
    "Could not make safe contact after three attempts",
)
OUTCOMES = (
    "Support completed: risk reduced and safety plan in place",
    "Support completed: risk reduced and safety plan in place",
    "Support completed: non-molestation order granted",
    "Victim disengaged from the service after repeated attempts to contact",
    "Victim moved out of the borough; referred to the local IDVA service",
)
ACTIVITY_TEXT = {
    "contact": (
        "Telephone contact at an agreed safe time; victim feels safer.",
        "Face-to-face meeting at the women's centre; discussed options.",
        "Accompanied the victim to court for the hearing.",
        "Text message check-in; victim replied and is safe.",
    ),
    "safety_plan": ("Safety plan agreed: safe word, escape bag and a code with a neighbour.",),
    "risk_review": (
        "Risk reviewed with the victim: incidents have stopped since the MARAC.",
        "Risk reviewed: perpetrator still making contact; police informed.",
    ),
}


@dataclass(frozen=True)
class PlannedActivity:
    code: str
    at: datetime
    text: str


@dataclass(frozen=True)
class PlannedCasework:
    referred_at: datetime
    advocate: str
    decision: str  # the first transition: "accept" or "decline"
    decided_at: datetime
    decline_reason: str
    activities: tuple[PlannedActivity, ...]
    closed_at: datetime | None
    outcome: str

    @property
    def ends_at(self) -> datetime | None:
        """When the victim stops being supported (None: still supported at the period's end)."""
        return self.decided_at if self.decision == "decline" else self.closed_at


def plan_casework(rng: random.Random, *, referred_at: datetime) -> PlannedCasework | None:
    if referred_at > AS_OF:
        return None
    advocate = rng.choice(ADVOCATES)
    decided_at = at_office_time(rng, add_working_days(referred_at.date(), rng.randint(1, 3)))
    if rng.random() < DECLINE_SHARE:
        return PlannedCasework(
            referred_at, advocate, "decline", decided_at, rng.choice(DECLINE_REASONS), (), None, ""
        )
    activities = [_activity(rng, "safety_plan", decided_at, 1, 5)]
    weeks = rng.randint(4, 16)
    last = activities[0].at
    while (last - decided_at).days < weeks * 7:
        activities.append(_activity(rng, "contact", last, 4, 14))
        last = activities[-1].at
    if weeks >= 8:
        activities.append(_activity(rng, "risk_review", decided_at, 35, 45))
    activities.append(_activity(rng, "risk_review", last, 1, 5))
    finished = max(activity.at for activity in activities)
    closed_at = at_office_time(rng, add_working_days(finished.date(), rng.randint(1, 5)))
    happened = tuple(sorted((a for a in activities if a.at <= AS_OF), key=lambda a: a.at))
    closed = closed_at if closed_at <= AS_OF else None
    return PlannedCasework(
        referred_at,
        advocate,
        "accept",
        decided_at,
        "",
        happened,
        closed,
        rng.choice(OUTCOMES) if closed else "",
    )


def _activity(
    rng: random.Random, code: str, after: datetime, min_days: int, max_days: int
) -> PlannedActivity:
    day = next_weekday(after.date() + timedelta(days=rng.randint(min_days, max_days)))
    return PlannedActivity(code, at_office_time(rng, day), rng.choice(ACTIVITY_TEXT[code]))
