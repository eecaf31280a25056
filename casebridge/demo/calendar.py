"""The demo period and the working calendar its events fall on."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
# Two UK financial years: 1 April 2021 to 31 March 2023. "Now", for the demo, is the last day.
PERIOD_START = date(2021, 4, 1)
PERIOD_END = date(2023, 3, 31)
AS_OF = datetime.combine(PERIOD_END, time(17, 30), tzinfo=LONDON)
FIRST_MARAC_MEETING = date(2021, 4, 6)  # a Tuesday; the panel meets every other week
MARAC_EVERY_DAYS = 14


def financial_year(day: date) -> str:
    """The UK financial year a day falls in, as "21/22"."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start % 100:02d}/{(start + 1) % 100:02d}"


def financial_years() -> list[tuple[date, date]]:
    years, start = [], PERIOD_START
    while start <= PERIOD_END:
        end = date(start.year + 1, 3, 31)
        years.append((start, end))
        start = end + timedelta(days=1)
    return years


def at_office_time(
    rng: random.Random, day: date, *, earliest: int = 9, latest: int = 17
) -> datetime:
    minute = rng.randrange(earliest * 60, latest * 60)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=LONDON)


def add_working_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def next_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def next_marac_meeting(on_or_after: date) -> date:
    elapsed = (on_or_after - FIRST_MARAC_MEETING).days
    meetings = max(0, -(-elapsed // MARAC_EVERY_DAYS))
    return FIRST_MARAC_MEETING + timedelta(days=meetings * MARAC_EVERY_DAYS)
