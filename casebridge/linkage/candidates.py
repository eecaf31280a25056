"""Finding the few people worth scoring against a newly typed person, with indexed queries.

Each query survives a different mistake in what was typed or recorded, as the engine's
blocking rules do: the date of birth (names misspelt, shortened or changed, a move), then
names (a wrong or missing date of birth), then the postcode (a different family name). Each
uses an index: ``Person.date_of_birth``, ``PersonName(family_name_key, given_name_key)`` and
``Address.postcode``. Most telling first, and a cap on each, so a common name cannot crowd out
the people born on the same day.

The queries read ids only, and what the user may see is applied once to all they found: the
access rules are the costly part of a query (planning them takes longer than the index probe),
so five plain probes and one visibility check take a third of the time of five checked probes.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from casebridge.linkage.comparisons import NICKNAMES, formal_names
from casebridge.linkage.records import LinkageRecord, current_people
from casebridge.people.models import Address, Person, PersonName
from casebridge.people.names import name_key

CANDIDATE_LIMIT = 50
# Each query reads at most this many ids before the access rules narrow them: enough that people
# hidden from the user rarely crowd out those they may see, few enough to stay an index probe.
IDS_PER_QUERY = 200


def _given_name_forms(given: str) -> set[str]:
    """The name and every short or formal form it may be recorded as ("bill": william, will...)."""
    forms = {given}
    for formal in formal_names(given):
        forms |= {formal, *NICKNAMES.get(formal, ())}
    return forms


def _birth_dates(born: date) -> set[date]:
    """The date and its usual slips: day and month transposed, the year out by one."""
    dates = {born}
    for year, month, day in (
        (born.year, born.day, born.month),
        (born.year - 1, born.month, born.day),
        (born.year + 1, born.month, born.day),
    ):
        try:
            dates.add(date(year, month, day))
        except ValueError:  # no 13th month; no 29 February that year
            continue
    return dates


def _postcode_forms(postcode: str) -> set[str]:
    packed = "".join(ch for ch in postcode.upper() if ch.isalnum())
    return {packed, f"{packed[:-3]} {packed[-3:]}"} if len(packed) > 3 else {packed}


def _names(**conditions: Any) -> QuerySet[PersonName, Any]:
    return PersonName.objects.filter(**conditions).values("person_id")


def _initial(initial: str) -> Q:
    # A range rather than LIKE 'x%', so the B-tree index serves it on every database.
    return Q(given_name_key__gte=initial, given_name_key__lt=initial + "\x7f")


def _blocks(people: QuerySet[Person], record: LinkageRecord) -> Iterable[tuple[QuerySet, int]]:
    given = name_key(record.get("given_name") or "")
    family = name_key(record.get("family_name") or "")
    born = date.fromisoformat(record["date_of_birth"]) if record.get("date_of_birth") else None
    postcode = record.get("postcode")
    if born:
        yield people.filter(date_of_birth__in=_birth_dates(born)), 20
    if family and given:
        forms = _given_name_forms(given)
        yield people.filter(pk__in=_names(family_name_key=family, given_name_key__in=forms)), 15
        initial = PersonName.objects.filter(_initial(given[0]), family_name_key=family)
        yield people.filter(pk__in=initial.values("person_id")), 10
    if postcode and given:
        addresses = Address.objects.filter(
            postcode__in=_postcode_forms(postcode), is_confidential=False
        )
        initial = PersonName.objects.filter(_initial(given[0]))
        yield (
            people.filter(pk__in=addresses.values("person_id")).filter(
                pk__in=initial.values("person_id")
            ),
            10,
        )
    if family and born:
        yield (
            people.filter(pk__in=_names(family_name_key=family), date_of_birth__year=born.year),
            10,
        )


def candidate_ids(*, people: QuerySet[Person], record: LinkageRecord) -> list[UUID]:
    """Up to ``CANDIDATE_LIMIT`` ids of ``people`` (those the user may see) worth scoring
    against ``record``, the most telling queries' first."""
    found = [
        (list(query.values_list("pk", flat=True)[:IDS_PER_QUERY]), limit)
        for query, limit in _blocks(current_people(), record)
    ]
    everyone = {pk for ids, _ in found for pk in ids}
    allowed = (
        set(people.filter(pk__in=everyone).values_list("pk", flat=True)) if everyone else set()
    )
    chosen: dict[UUID, None] = {}
    for ids, limit in found:
        for pk in [pk for pk in ids if pk in allowed][:limit]:
            chosen.setdefault(pk)
    return list(chosen)[:CANDIDATE_LIMIT]
