"""Dates users record."""

from datetime import date

from django.utils import timezone

from casebridge.core.errors import ApplicationError


def refuse_future(day: date, *, field: str, message: str) -> None:
    """What is recorded has happened: refuse a day after today, today being the UK's whatever
    the server's clock zone."""
    if day > timezone.localdate():
        raise ApplicationError(message, field=field)


def age_on(born: date | None, day: date) -> int | None:
    """Age in whole years on ``day`` (a birthday counts on the day itself); None if not known."""
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
