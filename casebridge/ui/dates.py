"""Dates written exactly as Django's ``date`` filter writes them, for pages that list many.

Django's filter reads its format afresh each time (a regular expression behind a lazy
object, then a method looked up by name for each letter): about 60 µs a date, which was the
largest part of a case page's timeline and a search's results. Here each format is read once
and its letters written by plain functions; a format with a letter not among them, or a time
asked of a date, is left to Django's filter.
"""

from collections.abc import Callable
from datetime import date, datetime
from functools import cache

from django.template.defaultfilters import date as django_date
from django.utils import dateformat, timezone

Writer = Callable[[date], str]


@cache
def _month_names() -> tuple[dict[int, str], dict[int, str]]:
    """Django's own month names, short ("M") and long ("F"), as its filter writes them."""
    months = [date(2000, month, 1) for month in range(1, 13)]
    return (
        {day.month: dateformat.format(day, "M") for day in months},
        {day.month: dateformat.format(day, "F") for day in months},
    )


_DATE_LETTERS: dict[str, Writer] = {
    "j": lambda day: str(day.day),
    "d": lambda day: f"{day.day:02d}",
    "n": lambda day: str(day.month),
    "m": lambda day: f"{day.month:02d}",
    "M": lambda day: _month_names()[0][day.month],
    "F": lambda day: _month_names()[1][day.month],
    "y": lambda day: f"{day.year % 100:02d}",
    "Y": lambda day: f"{day.year:04d}",
}
_TIME_LETTERS: dict[str, Writer] = {
    "H": lambda moment: f"{moment.hour:02d}",  # type: ignore[attr-defined]
    "i": lambda moment: f"{moment.minute:02d}",  # type: ignore[attr-defined]
}


@cache
def _writers(format_string: str) -> tuple[list[str | Writer], bool] | None:
    """The format's pieces (text, or a letter's writer) and whether it asks for the time;
    None if it has a letter written here by no writer."""
    pieces: list[str | Writer] = []
    asks_time = False
    for position, piece in enumerate(dateformat.re_formatchars.split(format_string)):
        if position % 2:
            writer = _DATE_LETTERS.get(piece) or _TIME_LETTERS.get(piece)
            if writer is None:
                return None
            asks_time = asks_time or piece in _TIME_LETTERS
            pieces.append(writer)
        elif piece:
            pieces.append(dateformat.re_escaped.sub(r"\1", piece))
    return pieces, asks_time


def date_text(value: date | datetime | str | None, format_string: str) -> str:
    """``value|date:format_string`` as a template writes it: an aware time in the current
    time zone, nothing for no value."""
    if value is None or value == "":  # "": a template's variable that was not found
        return ""
    if not isinstance(value, date):  # what Django's filter makes of anything else
        return django_date(value, format_string)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    compiled = _writers(format_string)
    if compiled is None or (compiled[1] and not isinstance(value, datetime)):
        return django_date(value, format_string)
    pieces, _ = compiled
    return "".join(piece if isinstance(piece, str) else piece(value) for piece in pieces)
