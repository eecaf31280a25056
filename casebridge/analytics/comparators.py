"""Other areas' published figures to set ours beside: reference data, entered with where each
came from, when it was published and the days it covers (the youth justice family's reoffending
rates). Ours are always computed; theirs are only ever read from this file.

Set beside ours, they are compared like for like: ``comparable`` picks the period of ours they
were published for, or says which periods are compared when none of ours is.
"""

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings

from casebridge.analytics.periods import Period
from casebridge.core.errors import ApplicationError

DEFAULT_COMPARATORS = Path(__file__).parent / "reference" / "comparators.csv"
COLUMNS = (
    "indicator",
    "family",
    "area",
    "period",
    "starts_on",
    "ends_on",
    "value",
    "source",
    "published_on",
)


@dataclass(frozen=True)
class PublishedFigure:
    indicator: str
    family: str  # the group of similar areas, e.g. "Youth justice family"
    area: str
    period: str  # as the publisher names it
    value: float
    source: str
    published_on: date
    starts_on: date  # the first and last days the figure covers
    ends_on: date

    def covers(self, period: Period) -> bool:
        """Whether the figure is for exactly this period of ours."""
        return (self.starts_on, self.ends_on) == (period.start, period.end)


def comparators_file() -> Path:
    return Path(settings.CASEBRIDGE_COMPARATORS_FILE or DEFAULT_COMPARATORS)


def read_comparators(path: Path, *, known_indicators: set[str]) -> list[PublishedFigure]:
    """Every published figure in the file; a file that is wrong anywhere is refused whole,
    naming the line, so a figure the board sees is never one half-read."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise ApplicationError(f"{path.name}: the columns {', '.join(missing)} are missing.")
        return [
            _figure(row, path.name, line, known_indicators) for line, row in enumerate(reader, 2)
        ]


def _figure(row: dict[str, str], name: str, line: int, known: set[str]) -> PublishedFigure:
    def refuse(problem: str) -> ApplicationError:
        return ApplicationError(f"{name} line {line}: {problem}")

    if row["indicator"] not in known:
        raise refuse(f"there is no indicator {row['indicator']!r}.")
    for column in ("family", "area", "period", "source"):
        if not row[column].strip():
            raise refuse(f"{column} is empty (every published figure says where it came from).")
    try:
        value = float(row["value"])
    except ValueError:
        raise refuse(f"the value {row['value']!r} is not a number.") from None
    published_on, starts_on, ends_on = (
        _day(row, column, refuse) for column in ("published_on", "starts_on", "ends_on")
    )
    if ends_on < starts_on:
        raise refuse(f"the period ends ({ends_on}) before it starts ({starts_on}).")
    return PublishedFigure(
        row["indicator"],
        row["family"].strip(),
        row["area"].strip(),
        row["period"].strip(),
        value,
        row["source"].strip(),
        published_on,
        starts_on,
        ends_on,
    )


def _day(row: dict[str, str], column: str, refuse: Callable[[str], ApplicationError]) -> date:
    try:
        return date.fromisoformat(row[column])
    except ValueError:
        raise refuse(f"{column} {row[column]!r} is not a date (YYYY-MM-DD).") from None


@dataclass(frozen=True)
class Comparable:
    """Other areas' figures to set beside ours, and the period of ours they are set beside."""

    period: Period  # ours
    others: list[PublishedFigure]  # lowest value first
    note: str  # "" when every figure is for our period; else which periods are compared


def comparable(
    figures: Sequence[PublishedFigure], *, indicator: str, family: str, ours: Sequence[Period]
) -> Comparable:
    """The family's published figures for the indicator, like for like with ours.

    Args:
        figures: every published figure (``read_comparators``).
        indicator: our indicator's id.
        family: the group of similar areas.
        ours: the periods our figure is known for, oldest first (a report's columns, less any
            "not yet known").

    Returns:
        The latest of ``ours`` that the family published figures for, with those figures (an
        area that published none for it is named in the note). When none of ``ours`` has any:
        our latest, beside each area's latest figure, and a note saying which periods are
        compared, so nobody reads two different periods as one.

    Raises:
        ValueError: ``ours`` is empty (there is no figure of ours to compare).
    """
    if not ours:
        raise ValueError("There is no figure of ours to compare.")
    family_figures = [f for f in figures if f.indicator == indicator and f.family == family]
    areas = sorted({f.area for f in family_figures})
    for period in reversed(ours):
        matching = [f for f in family_figures if f.covers(period)]
        if matching:
            missing = [area for area in areas if area not in {f.area for f in matching}]
            note = (
                f"Not shown: {_names(missing)}, which published no figure for {span(period)}."
                if missing
                else ""
            )
            return Comparable(period, _lowest_first(matching), note)
    latest = {}
    for figure in sorted(family_figures, key=lambda f: (f.ends_on, f.published_on)):
        latest[figure.area] = figure  # each area's latest
    others = _lowest_first(list(latest.values()))
    if not others:
        return Comparable(ours[-1], [], "")
    theirs = sorted({f.period for f in others})
    note = (
        f"Not like for like: our figure is for {span(ours[-1])}, the other areas' for "
        f"{_names(theirs)} (the latest they published)."
    )
    return Comparable(ours[-1], others, note)


def span(period: Period) -> str:
    """A period in words a reader of another area's figures recognises ("Jul 2020 to Jun
    2021"), whatever our label for it."""
    return f"{period.start:%b %Y} to {period.end:%b %Y}"


def _names(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _lowest_first(figures: list[PublishedFigure]) -> list[PublishedFigure]:
    return sorted(figures, key=lambda f: (f.value, f.area))
