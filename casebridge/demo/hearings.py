"""Planning what the MARAC does with an accepted referral: the meeting that hears it, what the
agencies share beforehand, the minutes, the actions agreed and when their owners complete them.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from casebridge.demo.calendar import (
    AS_OF,
    LONDON,
    add_working_days,
    at_office_time,
    next_weekday,
)

MEETING_STARTS = time(10, 0)
MEETING_ENDS = time(15, 30)
# The agency's own research for the meeting: never an address or anything a reader must not see.
SHARES: dict[str, tuple[str, ...]] = {
    "nb-police": (
        "Four call-outs to the household in the last year; the latest led to an arrest. "
        "Perpetrator has a previous conviction for assault.",
        "Perpetrator on police bail with conditions not to contact the victim. Breach reported "
        "last week and under investigation.",
        "No previous police contact for this couple. Victim disclosed non-fatal strangulation "
        "to the attending officer.",
    ),
    "nb-da-advocacy": (
        "Victim known to the IDVA service and engaging; safety plan reviewed last month.",
        "Not known to the service. Victim has agreed to an IDVA contacting her.",
    ),
    "nb-childrens-services": (
        "Children known: a child and family assessment is open. Both children attend local "
        "primary schools.",
        "Children not currently known. Referral to the Multi-Agency Safeguarding Hub made.",
    ),
    "nb-hospital": (
        "Two emergency department attendances this year with injuries consistent with assault.",
        "Victim under the care of the maternity team; the midwife has been told of the risk.",
    ),
    "nb-homes": (
        "Joint tenancy. Rent arrears since the perpetrator left; the victim has asked about a "
        "move.",
        "Not a Northbridge Homes tenant.",
    ),
    "nb-probation": (
        "Perpetrator on licence until next year, supervised by the case management team.",
        "Perpetrator not known to probation.",
    ),
    "nb-adult-social-care": (
        "Victim has care and support needs; a care package is in place.",
        "Not known to adult social care.",
    ),
    "nb-womens-centre": ("Victim attended the women's centre drop-in twice this year.",),
    "nb-youth-justice": ("Not known to the youth justice service.",),
}
ACTIONS: dict[str, tuple[str, ...]] = {
    "nb-police": (
        "Place a marker on the victim's address for a priority response.",
        "Review the perpetrator's bail conditions and any outstanding warrants.",
    ),
    "nb-da-advocacy": (
        "IDVA to contact the victim within two working days and review the safety plan.",
        "IDVA to support the victim to apply for a non-molestation order.",
    ),
    "nb-childrens-services": (
        "Share the MARAC outcome with the children's schools' safeguarding leads.",
    ),
    "nb-hospital": ("Flag the victim's records so the emergency department and GP know the risk.",),
    "nb-homes": ("Assess the home for the Sanctuary scheme and fit extra security.",),
    "nb-probation": ("Share the perpetrator's licence conditions and agree joint supervision.",),
    "nb-adult-social-care": ("Review the victim's care and support needs.",),
    "nb-womens-centre": ("Offer the victim a place on the recovery programme.",),
}
ALWAYS_SHARING = ("nb-police", "nb-da-advocacy")
COMPLETION_NOTES = (
    "Done; confirmed with the coordinator.",
    "Completed as agreed.",
    "Done. Victim informed.",
)
LATE_SHARE = 0.12  # of actions, completed after their due date
NEVER_DONE_SHARE = 0.03  # of actions, still open at the end of the period


@dataclass(frozen=True)
class PlannedShare:
    agency: str
    at: datetime
    text: str


@dataclass(frozen=True)
class PlannedAction:
    agency: str
    description: str
    due: date
    completed_at: datetime | None
    note: str


@dataclass(frozen=True)
class Hearing:
    """The referral's discussion at one meeting, and what follows from it."""

    meeting: date
    shares: tuple[PlannedShare, ...]
    minutes: str
    actions: tuple[PlannedAction, ...]
    opened_at: datetime

    @property
    def all_actions_done(self) -> bool:
        return all(action.completed_at is not None for action in self.actions)

    @property
    def last_completed(self) -> datetime:
        done = [a.completed_at for a in self.actions if a.completed_at is not None]
        return max(done, default=self.opened_at)


def meeting_start(day: date) -> datetime:
    return datetime.combine(day, MEETING_STARTS, tzinfo=LONDON)


def meeting_end(day: date) -> datetime:
    return datetime.combine(day, MEETING_ENDS, tzinfo=LONDON)


def agenda_built_at(day: date) -> datetime:
    """The working day before the meeting, before office hours: referrals accepted up to then
    are on the agenda."""
    return datetime.combine(day - timedelta(days=1), time(8, 30), tzinfo=LONDON)


def plan_hearing(
    rng: random.Random, *, meeting: date, has_children: bool, perpetrator_known: bool
) -> Hearing:
    sharing = list(ALWAYS_SHARING)
    optional = [code for code in SHARES if code not in sharing]
    if has_children and "nb-childrens-services" in optional:
        sharing.append("nb-childrens-services")
        optional.remove("nb-childrens-services")
    sharing += rng.sample(optional, rng.randint(1, 3))
    day_before = meeting - timedelta(days=1)
    shares = tuple(
        PlannedShare(agency, at_office_time(rng, day_before), rng.choice(SHARES[agency]))
        for agency in sharing
    )
    owners = ["nb-police", "nb-da-advocacy"]
    if has_children:
        owners.append("nb-childrens-services")
    if perpetrator_known and rng.random() < 0.3:
        owners.append("nb-probation")
    owners += rng.sample(["nb-hospital", "nb-homes", "nb-adult-social-care", "nb-womens-centre"], 1)
    chosen = rng.sample(owners, rng.randint(1, min(3, len(owners))))
    actions = tuple(_action(rng, agency, meeting) for agency in chosen)
    minutes = (
        f"Referrer outlined the risk; {len(shares)} agencies shared information. "
        f"{len(actions)} action{'s' if len(actions) != 1 else ''} agreed. "
        "Risk to remain high until the actions are completed."
    )
    opened_at = datetime.combine(meeting, time(16, rng.randrange(60)), tzinfo=LONDON)
    return Hearing(meeting, shares, minutes, actions, opened_at)


def _action(rng: random.Random, agency: str, meeting: date) -> PlannedAction:
    due = add_working_days(meeting, rng.choice((5, 10, 15, 20, 30)))
    draw = rng.random()
    if draw < NEVER_DONE_SHARE:
        completed = None
    else:
        days_taken = (due - meeting).days
        if draw < NEVER_DONE_SHARE + LATE_SHARE:
            finished_on = add_working_days(due, rng.randint(1, 20))
        else:
            finished_on = meeting + timedelta(days=rng.randint(1, days_taken))
        finished = at_office_time(rng, next_weekday(finished_on))
        completed = finished if finished <= AS_OF else None
    return PlannedAction(
        agency, rng.choice(ACTIONS[agency]), due, completed, rng.choice(COMPLETION_NOTES)
    )
