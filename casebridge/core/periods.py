"""Calendar arithmetic the figures and rules share."""

import calendar
from datetime import datetime


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier, clamped to the month's end.

    31 March minus one month is 28 (or 29) February; 29 February 2024 minus twelve months is
    28 February 2023.
    """
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
