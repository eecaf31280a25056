"""What every table module shares: a table's shape and rows, and the look-ups its rows need."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import pyarrow as pa
from django.db.models import QuerySet
from django.utils import timezone

from casebridge.people.models import Person
from casebridge.people.selectors import merge_links, surviving_record


def local_day(moment: datetime) -> date:
    """The calendar day of ``moment`` in the project's time zone (London).

    The zone is the configured one, never a request's: a snapshot counts London days whoever
    takes it. Converting with the zone at hand costs a fifth of ``timezone.localdate``, which
    looks up the active zone and checks the value on every call: a snapshot's tables convert
    every row's moments (16% of its time went there).
    """
    return moment.astimezone(timezone.get_default_timezone()).date()


def day(moment: datetime | None) -> date | None:
    return local_day(moment) if moment is not None else None


@dataclass(frozen=True)
class TableSpec:
    schema: pa.Schema
    rows: Iterable[tuple[Any, ...]]


def values(queryset: QuerySet, *fields: str) -> Iterator[tuple[Any, ...]]:
    return queryset.values_list(*fields).order_by().iterator(chunk_size=10_000)


class Survivors:
    """Each person's surviving record, with its date of birth and sex, from one look-up of the
    merged records (few) rather than one per row: a record never merged is its own survivor."""

    def __init__(self) -> None:
        merged = Person.objects.filter(merged_into__isnull=False).values_list("pk", flat=True)
        self.links = merge_links(person_ids=merged)
        survivors = {surviving_record(self.links, pk) for pk in self.links}
        self.details = {
            pk: (born, sex)
            for pk, born, sex in Person.objects.filter(pk__in=survivors).values_list(
                "pk", "date_of_birth", "sex"
            )
        }

    def id(self, person_id: UUID | None) -> str | None:
        return str(surviving_record(self.links, person_id)) if person_id else None

    def born_and_sex(self, person_id: UUID, born: date | None, sex: str) -> tuple[date | None, str]:
        """The survivor's date of birth and sex, given the (joined) record's own."""
        return self.details.get(surviving_record(self.links, person_id), (born, sex))


def age_band(years: int | None, bands: tuple[tuple[int, int], ...]) -> str | None:
    """``years`` as its band ("15-17"), "under 18" before the first band, "41+" past the last;
    None when the age is not known."""
    if years is None:
        return None
    if years < bands[0][0]:
        return f"under {bands[0][0]}"
    for low, high in bands:
        if low <= years <= high:
            return f"{low}-{high}"
    return f"{bands[-1][1] + 1}+"
