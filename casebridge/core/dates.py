"""Dates users record."""

from datetime import date

from django.utils import timezone

from casebridge.core.errors import ApplicationError


def refuse_future(day: date, *, field: str, message: str) -> None:
    """What is recorded has happened: refuse a day after today, today being the UK's whatever
    the server's clock zone."""
    if day > timezone.localdate():
        raise ApplicationError(message, field=field)
