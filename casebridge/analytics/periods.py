"""Reporting periods: UK financial quarters ("Q1 22/23" is April to June 2022), financial years
("22/23") and rolling twelve months ("12m to 2022-09"). Every period is whole days, end included.

An indicator is reported for the quarters, or for the twelve months ending with each quarter,
moved back some quarters where a cohort's follow-up must end first (``Basis``): the board report
and the dashboard take the same periods from it, so one figure prints one value wherever it is.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from casebridge.core.errors import ApplicationError

QUARTER = re.compile(r"^Q([1-4]) (\d{2})/(\d{2})$")
YEAR = re.compile(r"^(\d{2})/(\d{2})$")
ROLLING = re.compile(r"^12m to (\d{4})-(\d{2})$")
QUARTERS, TWELVE_MONTHS = "quarters", "rolling-12-months"
# Which year's mid-year population estimate a rate for a period divides by.
FINANCIAL_YEAR_START, CALENDAR_YEAR_END = "financial-year-start", "calendar-year-end"
# The proven reoffending measure's follow-up, and the wait after it for an offence to be proven
# (months, unless a measure says otherwise): how long a cohort's figure waits to be known.
FOLLOW_UP_MONTHS, WAITING_MONTHS = 12, 6


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # the last day in the period
    label: str

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous_quarters(self, count: int) -> list["Period"]:
        """This quarter and the ``count - 1`` before it, oldest first (a board report's columns)."""
        quarters, quarter = [], self
        for _ in range(count):
            quarters.append(quarter)
            quarter = quarter_containing(quarter.start - timedelta(days=1))
        return quarters[::-1]


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def financial_year_start(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def quarter_containing(day: date) -> Period:
    year = financial_year_start(day)
    number = ((day.month - 4) % 12) // 3 + 1
    first_month = 4 + (number - 1) * 3
    start_year = year + (first_month - 1) // 12
    start_month = (first_month - 1) % 12 + 1
    end_month = start_month + 2
    return Period(
        date(start_year, start_month, 1),
        _month_end(start_year, end_month),
        f"Q{number} {year % 100:02d}/{(year + 1) % 100:02d}",
    )


def parse_period(text: str) -> Period:
    """A period from its label, as a board report names it."""
    text = " ".join(text.split())
    if match := QUARTER.match(text):
        number, first, second = (int(group) for group in match.groups())
        if (first + 1) % 100 != second:
            raise ApplicationError(f"{text!r}: the years of a financial year follow each other.")
        start = date(2000 + first, 4, 1)
        month = 4 + (number - 1) * 3
        return quarter_containing(date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1))
    if match := YEAR.match(text):
        first, second = (int(group) for group in match.groups())
        if (first + 1) % 100 != second:
            raise ApplicationError(f"{text!r}: the years of a financial year follow each other.")
        return Period(date(2000 + first, 4, 1), date(2001 + first, 3, 31), text)
    if match := ROLLING.match(text):
        year, month = (int(group) for group in match.groups())
        if not 1 <= month <= 12:
            raise ApplicationError(f"{text!r}: there is no month {month}.")
        end = _month_end(year, month)
        start_index = year * 12 + month - 12
        start = date(start_index // 12, start_index % 12 + 1, 1)
        return Period(start, end, text)
    raise ApplicationError(
        f'{text!r} is not a period: use a financial quarter such as "Q2 22/23", a financial '
        'year such as "22/23", or rolling twelve months such as "12m to 2022-09".'
    )


def is_quarter(period: Period) -> bool:
    return QUARTER.match(period.label) is not None


def twelve_months_to(quarter: Period) -> Period:
    """The twelve months ending with this quarter's last day."""
    return parse_period(f"12m to {quarter.end:%Y-%m}")


@dataclass(frozen=True)
class Basis:
    """The periods an indicator is reported for: each quarter, or the twelve months ending with
    it; moved back ``lag_quarters`` so that a cohort's follow-up has ended by the quarter's end
    (proven reoffending: 12 months and 6 more for the proof, six quarters)."""

    periods: str = QUARTERS
    lag_quarters: int = 0

    def columns(self, quarter: Period, count: int) -> list[Period]:
        """The periods shown for the ``count`` quarters to ``quarter``, oldest first."""
        quarters = quarter.previous_quarters(count + self.lag_quarters)[:count]
        if self.periods == QUARTERS:
            return quarters
        return [twelve_months_to(each) for each in quarters]

    def describe(self) -> str:
        """What each column is, said to the reader ("" for plain quarters)."""
        if self.periods == QUARTERS and not self.lag_quarters:
            return ""
        each = "quarter" if self.periods == QUARTERS else "twelve months"
        if not self.lag_quarters:
            return f"Each column is the {each} ending with the quarter."
        return (
            f"Each column is a cohort: the {each} ending {self.lag_quarters} quarters before the "
            "quarter, so that its follow-up ends by the quarter's end (until the records reach "
            "that day, it is not yet known)."
        )


def mid_year_estimate_year(period: Period, rule: str = FINANCIAL_YEAR_START) -> int:
    """The year whose mid-year population estimate a rate for ``period`` divides by.

    ``financial-year-start``: the year in which the financial year holding the period's last day
    starts, so every quarter of 22/23 (Q4 too, January to March 2023) and the twelve months to
    any month of it use mid-2022, and a year's quarters share one denominator.
    ``calendar-year-end``: the year in which the period ends, as figures published for calendar
    years are (the twelve months to December 2022 use mid-2022, to March 2023 mid-2023).
    """
    if rule == CALENDAR_YEAR_END:
        return period.end.year
    return financial_year_start(period.end)


def mid_year_estimate_note(rule: str | None) -> str:
    """Which mid-year estimate a rate divides by, said to the reader ("" for no population)."""
    if rule is None:
        return ""
    if rule == CALENDAR_YEAR_END:
        return "The mid-year population estimate for the calendar year in which the period ends."
    return (
        "The mid-year population estimate for the year in which the financial year starts: every "
        "quarter of 2022/23, Q4 (January to March 2023) too, and the twelve months to any month "
        "of it divide by the estimate for mid-2022."
    )
