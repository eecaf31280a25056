"""Reporting periods: UK financial quarters ("Q1 22/23" is April to June 2022), financial years
("22/23") and rolling twelve months ("12m to 2022-09"). Every period is whole days, end included.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from casebridge.core.errors import ApplicationError

QUARTER = re.compile(r"^Q([1-4]) (\d{2})/(\d{2})$")
YEAR = re.compile(r"^(\d{2})/(\d{2})$")
ROLLING = re.compile(r"^12m to (\d{4})-(\d{2})$")


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
