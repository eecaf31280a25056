"""Replaying two years of the GP programme and of domestic-abuse training through the services.

The borough's 51 GP surgeries are listed on the first day with their history in the programme
since it was commissioned (2018): each engaged, was trained (partly, then fully) or withdrew on
the dates recorded, some before the period and some during it, so that at its end 25 are fully
trained, 8 partially trained, 8 engaged, 9 not engaged and 1 has withdrawn (the source report,
2.6.2, counts 25, 8, 8 and 9 of 51, leaving one unaccounted for). Surgeries in the programme refer
about 51 patients a year to its advocates (counts, no names). The partnership runs
about four training sessions a month across its courses, attended by staff of the demo agencies.

Everything is planned here, from ``random.Random(f"{seed}:training")``, and written by steps added
to the replay, each run with the clock set to its moment.
"""

import calendar
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.demo.calendar import (
    LONDON,
    PERIOD_END,
    PERIOD_START,
    at_office_time,
    next_weekday,
)
from casebridge.demo.organisation import USERS, coordinator
from casebridge.training.models import Course, Engagement, GPSurgery, TrainingSession
from casebridge.training.services import (
    attendance_record,
    course_create,
    referral_record,
    session_record,
    surgery_register,
    surgery_status_change,
)

if TYPE_CHECKING:
    from casebridge.demo.history import Replay

# Each surgery's status at the end of the period: the source's counts, and its one surgery
# unaccounted for taken to have withdrawn.
FINAL_STATUSES: dict[str, int] = {
    Engagement.FULLY_TRAINED: 25,
    Engagement.PARTIALLY_TRAINED: 8,
    Engagement.ENGAGED: 8,
    Engagement.NOT_ENGAGED: 9,
    Engagement.WITHDRAWN: 1,
}
SURGERIES = sum(FINAL_STATUSES.values())
PROGRAMME_FROM = date(2018, 4, 1)  # commissioned then; surgeries are counted from that day
DAYS_BETWEEN_STEPS = (45, 200)
SESSIONS_A_MONTH = (3, 5)
REFERRALS_A_MONTH = (3, 5)  # with now and then two on one day: about 51 a year
TWO_ON_A_DAY = 0.07

PLACES = (
    "Station Road", "Church Lane", "Oakleigh", "Millbrook", "High Street", "Parkview", "Westgate",
    "Riverside", "Hillcrest", "Green Lanes", "Brookfield", "Elm Grove", "Northbridge Central",
    "Kingsway", "Cedar House", "Fernhill", "Willow Tree", "Market Square", "Beacon", "Hollybush",
    "Ashcombe", "Larkspur", "Meadowside", "Old Town", "Priory", "Southfields", "Victoria Park",
    "Woodside", "Chapel End", "Queens Road", "Orchard", "Harbour", "Ashford Lane", "Bridge Street",
    "Canal Side", "Deansgate", "East Barnfield", "Fairway", "Glebe", "Hartley Road", "Ivy Lodge",
    "Juniper", "Kestrel", "Lime Tree", "Mill Lane", "Newlands", "Oak Tree", "Pembroke",
    "Quarry Hill", "Rosehill", "Stonegate", "Tudor", "Upper Green", "Vale", "Wharf Road",
)  # fmt: skip
KINDS = ("Surgery", "Medical Centre", "Health Centre", "Medical Practice", "Family Practice")

# Courses (title, level, trainer, how often it runs relative to the others), from the kinds of
# course a partnership board report lists. The strangulation course starts for White Ribbon 2022.
COURSES: tuple[tuple[str, str, str, int], ...] = (
    ("Domestic Abuse Awareness Level 1", Course.Level.AWARENESS, "VAWG team", 6),
    (
        "Domestic Abuse: Recognising and Responding Level 2",
        Course.Level.PRACTITIONER,
        "Northbridge Domestic Abuse Advocacy Service",
        4,
    ),
    (
        "Understanding coercive control and economic abuse",
        Course.Level.PRACTITIONER,
        "Northbridge Domestic Abuse Advocacy Service",
        3,
    ),
    (
        "MARAC: identifying high-risk victims and preventing repeat victimisation",
        Course.Level.PRACTITIONER,
        "MARAC coordinator",
        3,
    ),
    ("Level 3 Certificate in Domestic Abuse", Course.Level.SPECIALIST, "SafeLives", 1),
    ("Reducing Parental Conflict", Course.Level.AWARENESS, "0-19 Early Help Service", 2),
)
LATE_COURSE = ("Non-fatal strangulation and suffocation", Course.Level.AWARENESS, "VAWG team", 3)
LATE_COURSE_FROM = date(2022, 11, 25)


@dataclass
class PlannedSurgery:
    name: str
    code: str
    changes: list[tuple[date, str]] = field(default_factory=list)

    def in_programme_after(self, day: date) -> bool:
        """In the programme on ``day`` by a change made on an earlier day (so already recorded)."""
        status = Engagement.NOT_ENGAGED.value
        for changed_on, changed_to in self.changes:
            if changed_on < day:
                status = changed_to
            elif changed_on == day:
                return False  # changing that day: referrals wait for a settled status
        return status in (
            Engagement.ENGAGED,
            Engagement.PARTIALLY_TRAINED,
            Engagement.FULLY_TRAINED,
        )


@dataclass
class Written:
    """What the steps have written so far, for the steps that build on it."""

    surgeries: dict[int, GPSurgery] = field(default_factory=dict)
    courses: dict[str, Course] = field(default_factory=dict)
    sessions: dict[int, TrainingSession] = field(default_factory=dict)


def _analyst(replay: "Replay") -> User:
    return replay.user(next(u.username for u in USERS if "analyst" in u.roles))


def _weekday_in(rng: random.Random, year: int, month: int) -> date:
    days = calendar.monthrange(year, month)[1]
    while True:
        day = date(year, month, rng.randint(1, days))
        if day.weekday() < 5 and PERIOD_START <= day <= PERIOD_END:
            return day


def _months() -> list[tuple[int, int]]:
    months, year, month = [], PERIOD_START.year, PERIOD_START.month
    while date(year, month, 1) <= PERIOD_END:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _steps_to(rng: random.Random, final: str) -> list[str]:
    """The statuses a surgery went through, from not engaged, to end ``final``."""
    if final == Engagement.NOT_ENGAGED:
        return []
    if final == Engagement.ENGAGED:
        return [Engagement.ENGAGED]
    if final == Engagement.PARTIALLY_TRAINED:
        return [Engagement.ENGAGED, Engagement.PARTIALLY_TRAINED]
    if final == Engagement.WITHDRAWN:  # staff who were trained left
        return [Engagement.ENGAGED, Engagement.PARTIALLY_TRAINED, Engagement.WITHDRAWN]
    # Now and then a practice trains everyone at once.
    if rng.random() < 0.2:
        return [Engagement.ENGAGED, Engagement.FULLY_TRAINED]
    return [Engagement.ENGAGED, Engagement.PARTIALLY_TRAINED, Engagement.FULLY_TRAINED]


def _plan_surgeries(rng: random.Random) -> list[PlannedSurgery]:
    """Each surgery's dated history, ending in its share of ``FINAL_STATUSES`` on the last day.

    A surgery's first step falls anywhere from the programme's start to the latest day that
    leaves room for the rest, so some histories are over before the period and some run in it.
    """
    names = rng.sample(PLACES, SURGERIES)
    codes = rng.sample(range(100, 1000), SURGERIES)
    finals = [status for status, count in FINAL_STATUSES.items() for _ in range(count)]
    rng.shuffle(finals)
    surgeries = []
    for place, code, final in zip(names, codes, finals, strict=True):
        surgery = PlannedSurgery(name=f"{place} {rng.choice(KINDS)}", code=f"N81{code:03d}")
        steps = _steps_to(rng, final)
        gaps = [rng.randint(*DAYS_BETWEEN_STEPS) for _ in steps[1:]]
        # Leave a few days for the weekend moves, so the last step stays in the period.
        latest = PERIOD_END - timedelta(days=sum(gaps) + 3 * len(steps) + 7)
        day = PROGRAMME_FROM + timedelta(days=rng.randint(20, (latest - PROGRAMME_FROM).days))
        for number, status in enumerate(steps):
            day = next_weekday(day + timedelta(days=gaps[number - 1] if number else 0))
            surgery.changes.append((day, status))
        surgeries.append(surgery)
    return surgeries


def _schedule_surgeries(replay: "Replay", rng: random.Random, written: Written) -> None:
    analyst = _analyst(replay)
    planned = _plan_surgeries(rng)
    listed_at = at_office_time(rng, PERIOD_START, earliest=9, latest=10)
    for index, surgery in enumerate(planned):

        def register(index: int = index, surgery: PlannedSurgery = surgery) -> None:
            written.surgeries[index] = surgery_register(
                actor=analyst,
                name=surgery.name,
                practice_code=surgery.code,
                known_from=PROGRAMME_FROM,
            )

        listed = listed_at + timedelta(minutes=index)
        replay.at(listed, register)
        for number, (day, status) in enumerate(surgery.changes, start=1):

            def change(index: int = index, day: date = day, status: str = status) -> None:
                surgery_status_change(
                    actor=analyst, surgery=written.surgeries[index], status=status, effective_on=day
                )

            # Changes before the period are entered when the surgery is listed, in order.
            at = at_office_time(rng, day) if day >= PERIOD_START else listed
            replay.at(at + timedelta(seconds=number), change)
    for year, month in _months():
        for _ in range(rng.randint(*REFERRALS_A_MONTH)):
            day = _weekday_in(rng, year, month)
            referring = [i for i, s in enumerate(planned) if s.in_programme_after(day)]
            if not referring:
                continue
            index = rng.choice(referring)
            count = 2 if rng.random() < TWO_ON_A_DAY else 1

            def refer(index: int = index, day: date = day, count: int = count) -> None:
                referral_record(
                    actor=analyst, surgery=written.surgeries[index], referred_on=day, count=count
                )

            replay.at(at_office_time(rng, day), refer)


def _schedule_sessions(replay: "Replay", rng: random.Random, written: Written) -> None:
    recorder = replay.user(coordinator().username)
    agencies = list(replay.org.agencies.values())
    first_morning = at_office_time(rng, PERIOD_START, earliest=8, latest=9)
    for number, (title, level, _, _) in enumerate((*COURSES, LATE_COURSE)):
        moment = first_morning + timedelta(minutes=number)
        if title == LATE_COURSE[0]:
            moment = at_office_time(rng, LATE_COURSE_FROM - timedelta(days=14))

        def add(title: str = title, level: str = level) -> None:
            written.courses[title] = course_create(actor=recorder, title=title, level=level)

        replay.at(moment, add)
    number = 0
    for year, month in _months():
        days = sorted(
            {_weekday_in(rng, year, month) for _ in range(rng.randint(*SESSIONS_A_MONTH))}
        )
        for day in days:
            offered = list(COURSES)
            if day >= LATE_COURSE_FROM:
                offered.append(LATE_COURSE)
            title, _, trainer, _ = rng.choices(offered, weights=[c[3] for c in offered])[0]
            attending = rng.sample(agencies, rng.randint(2, 6))
            counts = {agency: rng.randint(1, 8) for agency in attending}
            # A sign-in sheet or two arrives after the session is recorded.
            late = attending[-1] if rng.random() < 0.25 else None
            if late is not None:
                del counts[late]

            def record(
                number: int = number,
                title: str = title,
                trainer: str = trainer,
                day: date = day,
                counts: dict[Agency, int] = counts,
            ) -> None:
                written.sessions[number] = session_record(
                    actor=recorder,
                    course=written.courses[title],
                    delivered_on=day,
                    trainer=trainer,
                    attendance=counts,
                )

            # Recorded when the session ends, mid-afternoon.
            end = datetime_at(day, 15, rng.randint(0, 59))
            replay.at(end, record)
            if late is not None:
                attendees = rng.randint(1, 6)

                def add_late(
                    number: int = number, late: Agency = late, attendees: int = attendees
                ) -> None:
                    attendance_record(
                        actor=recorder,
                        session=written.sessions[number],
                        agency=late,
                        attendees=attendees,
                    )

                replay.at(end + timedelta(hours=1), add_late)
            number += 1


def datetime_at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def schedule_training(replay: "Replay") -> None:
    """Add the GP programme's and the training's steps to ``replay`` (run by ``replay_history``).

    Args:
        replay: the history being replayed; its organisation must hold the demo agencies and
            users (an analyst records the GP programme, the coordinator the training).
    """
    rng = random.Random(f"{replay.seed}:training")  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    written = Written()
    _schedule_surgeries(replay, rng, written)
    _schedule_sessions(replay, rng, written)
