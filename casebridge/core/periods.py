"""Calendar arithmetic the figures and rules share."""

import calendar
from datetime import date
from typing import TypeVar

Day = TypeVar("Day", bound=date)  # a date, or a datetime (which keeps its time)


def months_before(moment: Day, months: int) -> Day:
    """The same day and time ``months`` calendar months earlier, clamped to the month's end.

    31 March minus one month is 28 (or 29) February; 29 February 2024 minus twelve months is
    28 February 2023.
    """
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def months_after(moment: Day, months: int) -> Day:
    """The same day ``months`` calendar months later, clamped to the month's end (31 August
    plus six months is 28 or 29 February), as DuckDB and Spark add months."""
    return months_before(moment, -months)


def quarter_start(day: date) -> date:
    """The first day of the quarter ``day`` is in: financial quarters (Q1 = April-June) begin
    where calendar quarters do."""
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def financial_quarter_label(day: date) -> str:
    """The UK financial quarter ``day`` is in, as the figures name it: "Q3 26/27"."""
    year = day.year if day.month >= 4 else day.year - 1
    return f"Q{(day.month - 4) % 12 // 3 + 1} {year % 100:02d}/{(year + 1) % 100:02d}"
