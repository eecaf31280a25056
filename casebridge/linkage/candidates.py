"""Finding the few people worth scoring against a newly typed person, with indexed queries.

Each query survives a different mistake in what was typed or recorded, as the engine's
blocking rules do: the date of birth (names misspelt, shortened or changed, a move), its usual
slips, names (a wrong or missing date of birth), the postcode (a different family name). Each
uses an index: ``Person.date_of_birth``, ``PersonName(family_name_key, given_name_key)`` and
``Address.postcode``. The true person usually turns up in several of them and a stranger who
shares a birthday or a common name in one, so the people found by the most queries are the
ones scored (the first query's first on a tie).

The queries read ids only, and what the user may see is applied once to all they found: the
access rules are the costly part of a query (planning them takes longer than the index probe),
so plain probes and one visibility check take a third of the time of checked probes.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from casebridge.linkage.nicknames import NICKNAMES, formal_names
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


def _birth_date_slips(born: date) -> set[date]:
    """The usual slips in a date: day and month transposed, the year out by one."""
    dates = set()
    for year, month, day in (
        (born.year, born.day, born.month),
        (born.year - 1, born.month, born.day),
        (born.year + 1, born.month, born.day),
    ):
        try:
            dates.add(date(year, month, day))
        except ValueError:  # no 13th month; no 29 February that year
            continue
    return dates - {born}


def _postcode_forms(postcode: str) -> set[str]:
    packed = "".join(ch for ch in postcode.upper() if ch.isalnum())
    return {packed, f"{packed[:-3]} {packed[-3:]}"} if len(packed) > 3 else {packed}


def _names(**conditions: Any) -> QuerySet[PersonName, Any]:
    return PersonName.objects.filter(**conditions).values("person_id")


def _initial(initial: str) -> Q:
    # A range rather than LIKE 'x%', so the B-tree index serves it on every database.
    return Q(given_name_key__gte=initial, given_name_key__lt=initial + "\x7f")


def _blocks(people: QuerySet[Person], record: LinkageRecord) -> Iterable[QuerySet[Person]]:
    given = name_key(record.get("given_name") or "")
    family = name_key(record.get("family_name") or "")
    born = date.fromisoformat(record["date_of_birth"]) if record.get("date_of_birth") else None
    postcode = record.get("postcode")
    if born:
        yield people.filter(date_of_birth=born)
        yield people.filter(date_of_birth__in=_birth_date_slips(born))
    if family and given:
        forms = _given_name_forms(given)
        yield people.filter(pk__in=_names(family_name_key=family, given_name_key__in=forms))
        initial = PersonName.objects.filter(_initial(given[0]), family_name_key=family)
        yield people.filter(pk__in=initial.values("person_id"))
    if postcode and given:
        addresses = Address.objects.filter(
            postcode__in=_postcode_forms(postcode), is_confidential=False
        )
        initial = PersonName.objects.filter(_initial(given[0]))
        yield people.filter(pk__in=addresses.values("person_id")).filter(
            pk__in=initial.values("person_id")
        )
    if family and born:
        yield people.filter(pk__in=_names(family_name_key=family), date_of_birth__year=born.year)


def candidate_ids(*, people: QuerySet[Person], record: LinkageRecord) -> list[UUID]:
    """Up to ``CANDIDATE_LIMIT`` ids of ``people`` (those the user may see) worth scoring
    against ``record``: those the most queries found first."""
    found: Counter[UUID] = Counter()  # keeps first-found order among equal counts
    for query in _blocks(current_people(), record):
        found.update(query.values_list("pk", flat=True)[:IDS_PER_QUERY])
    if not found:
        return []
    allowed = set(people.filter(pk__in=list(found)).values_list("pk", flat=True))
    ranked = sorted((pk for pk in found if pk in allowed), key=lambda pk: -found[pk])
    return ranked[:CANDIDATE_LIMIT]
