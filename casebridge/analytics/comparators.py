"""Other areas' published figures to set ours beside: reference data, entered with where each
came from and when it was published (the youth justice family's reoffending rates). Ours are
always computed; theirs are only ever read from this file."""

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings

from casebridge.core.errors import ApplicationError

DEFAULT_COMPARATORS = Path(__file__).parent / "reference" / "comparators.csv"
COLUMNS = ("indicator", "family", "area", "period", "value", "source", "published_on")


@dataclass(frozen=True)
class PublishedFigure:
    indicator: str
    family: str  # the group of similar areas, e.g. "Youth justice family"
    area: str
    period: str  # as the publisher names it
    value: float
    source: str
    published_on: date


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
    try:
        published_on = date.fromisoformat(row["published_on"])
    except ValueError:
        raise refuse(f"published_on {row['published_on']!r} is not a date (YYYY-MM-DD).") from None
    return PublishedFigure(
        row["indicator"],
        row["family"].strip(),
        row["area"].strip(),
        row["period"].strip(),
        value,
        row["source"].strip(),
        published_on,
    )
