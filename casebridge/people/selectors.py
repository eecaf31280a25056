"""Reading people records, narrowed to what the user may see inside the query."""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Exists, Field, Model, Q, QuerySet, prefetch_related_objects
from django.db.models.sql import Query
from django.db.models.sql.datastructures import BaseTable

from casebridge.access.policy import (
    AccessDenied,
    Action,
    allows,
    allows_in_memory,
    visible,
    visible_key,
)
from casebridge.accounts.models import User
from casebridge.core.errors import ApplicationError
from casebridge.core.kept import Kept
from casebridge.core.prepared import Prepared
from casebridge.people.models import Address, Person, PersonName, Relationship
from casebridge.people.names import name_key

K = TypeVar("K", bound=Hashable)
M = TypeVar("M", bound=Model)
T = TypeVar("T")
# Ids named in one query: within every database's limit on a statement's parameters.
IDS_PER_QUERY = 2_000

SEARCH_LIMIT = 50
# More name matches than this and the search is too broad to be useful (or fast): the user is
# asked to add a given name or a date of birth instead of being shown an arbitrary subset.
MAX_NAME_MATCHES = 5000


def _prefix_bounds(prefix: str) -> tuple[str, str]:
    # A range rather than LIKE 'x%', so the plain B-tree index serves it on every database.
    return prefix, prefix + "\x7f"


# The search's statement, compiled once per permission filter (``visible_key``: equal for users
# with the same rules and facts' keys) and per shape of search: building the filter into the
# query and compiling it (a police officer's is a dozen nested EXISTS) cost about 4 ms of CPU a
# search, several times what the rest of the search costs.
_searches: Kept[tuple[object, ...], Prepared[PersonName]] = Kept(500)
_NAME_KEY = PersonName._meta.get_field("family_name_key")
_SEARCH_SAMPLES = {
    "family_from": "family-from",
    "family_to": "family-to",
    "given_from": "given-from",
    "given_to": "given-to",
    "date_of_birth": date(1, 2, 3),
}


class _Rows(BaseTable):
    """A query's table read from a subquery of it (the same columns, under the same names), so
    the query's filters judge the subquery's rows in its order: PostgreSQL neither merges the
    two nor judges rows the outer query's LIMIT never reaches."""

    def __init__(self, table_name: str, alias: str | None, rows: Query) -> None:
        super().__init__(table_name, alias)
        self.rows = rows

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        sql, params = self.rows.get_compiler(connection=connection).as_sql()
        return f"({sql}) {compiler.quote_name_unless_alias(self.table_alias)}", list(params)

    def relabeled_clone(self, change_map: dict[str | None, str]) -> "_Rows":
        return _Rows(self.table_name, change_map.get(self.table_alias, self.table_alias), self.rows)


def _reading_from(queryset: QuerySet[M, T], rows: QuerySet[M, Any]) -> QuerySet[M, T]:
    """``queryset`` reading its table's rows from ``rows`` (a sliced query of the same table)."""
    query = queryset.query
    alias = query.get_initial_alias()
    query.alias_map[alias] = _Rows(queryset.model._meta.db_table, alias, rows.query)
    return queryset


def _search_statement(
    *, user: User, given_name: bool, date_of_birth: bool, limit: int, most: int
) -> Prepared[PersonName] | None:
    """``None`` when the user may see no one."""
    shown = visible_key(user=user, action=Action.VIEW, model=Person)
    if shown is None:
        return None
    return _searches.get(
        (shown, given_name, date_of_birth, limit, most),
        lambda: _search_prepared(
            user=user, given_name=given_name, date_of_birth=date_of_birth, limit=limit, most=most
        ),
    )


def _names_matching(
    terms: Mapping[str, Any], *, given_name: bool, prefix: str = ""
) -> QuerySet[PersonName]:
    """The names whose keys start as typed (``terms``' bounds, named with ``prefix``)."""
    names = PersonName.objects.filter(
        family_name_key__gte=terms[f"{prefix}family_from"],
        family_name_key__lt=terms[f"{prefix}family_to"],
    )
    if given_name:
        names = names.filter(
            given_name_key__gte=terms[f"{prefix}given_from"],
            given_name_key__lt=terms[f"{prefix}given_to"],
        )
    return names


def _the_name_past(names: QuerySet[PersonName], *, most: int) -> QuerySet[PersonName, tuple[int]]:
    """The name past the ``most`` first of ``names``, if there is one: in any order, since only
    whether there is such a name matters."""
    return names.order_by().values_list("pk")[most : most + 1]


# The typed name's bounds again, for the search's own "too many names?" (each value of a kept
# statement is one parameter of it).
_BEYOND = "beyond_"


def _search_prepared(
    *, user: User, given_name: bool, date_of_birth: bool, limit: int, most: int
) -> Prepared[PersonName]:
    """The search's statement for ``user``'s permission filter and this shape of search: no
    rows when more than ``most`` names match the typed name (whatever the date of birth)."""

    def build(**terms: Any) -> QuerySet[PersonName, tuple[UUID, date | None, str, str, str]]:
        names = _names_matching(terms, given_name=given_name)
        if date_of_birth:
            names = names.filter(date_of_birth=terms["date_of_birth"])
        # Names only, judged and ordered by the agency and date of birth they copy from
        # their person: a common surname's thousands of matches are read from the name index
        # alone (on PostgreSQL, which INCLUDEs the copies), never each person looked up nor
        # everyone walked in birth order hoping to meet fifty the user may see. They are
        # judged in that order, the earliest born first, until the fifty are found: the cases
        # and SIRM proposals that show a person to users of other agencies are probed by
        # index for those names only, not worked out for every case the user may see.
        candidates = names.order_by("date_of_birth", "person_id").values_list(
            "person_id", *PersonName.COPIED_FROM["person"]
        )[: most + 1]  # more is refused; and a LIMITed subquery is sorted first,
        # not folded into the outer query, whose filters then judge its rows in that order.
        shown = visible(
            user=user,
            action=Action.VIEW,
            queryset=PersonName.objects.all(),
            copied_from="person",
            one_by_one=True,
        )
        found = _reading_from(
            shown.order_by("date_of_birth", "person_id")
            .values_list("person_id", "date_of_birth")
            .distinct()[:limit],
            candidates,
        )
        # Every name of the people found, in the same statement (a second one, naming the
        # people, was built, compiled, planned and sent for every search): by index, for the
        # fifty at most, in the order they were found. Each has a name: it was found by one.
        people = _reading_from(PersonName.objects.order_by().values_list("person_id"), found)
        # Nothing when too many names match, judged first and once (a condition of no row:
        # PostgreSQL runs nothing else when it fails), in the search's round trip rather
        # than a statement of its own before it; which of the two an empty result means is
        # asked only then (``person_search``).
        beyond = _names_matching(terms, given_name=given_name, prefix=_BEYOND)
        return (
            PersonName.objects.filter(person_id__in=people)
            .filter(~Exists(_the_name_past(beyond, most=most)))
            .order_by("date_of_birth", "person_id", "pk")
            .values_list("person_id", "date_of_birth", "kind", "given_name", "family_name")
        )

    bounds = ["family_from", "family_to"] + (["given_from", "given_to"] if given_name else [])
    fields: dict[str, Field[Any, Any]] = {name: _NAME_KEY for name in bounds}
    fields |= {f"{_BEYOND}{name}": _NAME_KEY for name in bounds}
    samples = {name: _SEARCH_SAMPLES[name] for name in bounds}
    samples |= {f"{_BEYOND}{name}": f"beyond-{_SEARCH_SAMPLES[name]}" for name in bounds}
    if date_of_birth:
        fields["date_of_birth"] = PersonName._meta.get_field("date_of_birth")
        samples["date_of_birth"] = _SEARCH_SAMPLES["date_of_birth"]
    return Prepared(build, fields=fields, samples=samples)


def _name_beyond_the_most(*, given_name: bool, most: int) -> Prepared[PersonName]:
    """Whether more than ``most`` names match: the one past the most, if any. A
    statement compiled once (and kept prepared on PostgreSQL), where counting them was compiled
    by the ORM and planned by the server on every search."""

    def build(**terms: Any) -> QuerySet[PersonName, tuple[int]]:
        return _the_name_past(_names_matching(terms, given_name=given_name), most=most)

    wanted = ["family_from", "family_to"] + (["given_from", "given_to"] if given_name else [])
    return Prepared(
        build,
        fields={name: _NAME_KEY for name in wanted},
        samples={name: _SEARCH_SAMPLES[name] for name in wanted},
    )


_names_beyond: Kept[tuple[bool, int], Prepared[PersonName]] = Kept(8)


@dataclass(frozen=True)
class PersonMatch:
    """One search result: enough to recognise the person, no more."""

    id: UUID
    name: str
    other_names: list[str]
    date_of_birth: date | None


def person_search(
    *,
    user: User,
    family_name: str,
    given_name: str = "",
    date_of_birth: date | None = None,
    limit: int = SEARCH_LIMIT,
) -> list[PersonMatch]:
    """People the user may see whose (any) family name starts with ``family_name``.

    Returns plain rows rather than model instances: a search page shows many people and
    needs only their names and dates of birth.
    """
    family_key = name_key(family_name)
    if not family_key:
        return []
    given_key = name_key(given_name)
    family_from, family_to = _prefix_bounds(family_key)
    given_from, given_to = _prefix_bounds(given_key)
    terms: dict[str, object] = {"family_from": family_from, "family_to": family_to}
    if given_key:
        terms |= {"given_from": given_from, "given_to": given_to}
    most = MAX_NAME_MATCHES
    statement = _search_statement(
        user=user,
        given_name=bool(given_key),
        date_of_birth=date_of_birth is not None,
        limit=limit,
        most=most,
    )
    rows: list[tuple[Any, ...]] = []
    if statement is not None:
        values = terms | {f"{_BEYOND}{name}": value for name, value in terms.items()}
        if date_of_birth:
            values["date_of_birth"] = date_of_birth
        rows = statement.rows(**values)
    # No one found, or too many names to look: the search's statement gives nothing for both.
    if not rows:
        too_many = _names_beyond.get(
            (bool(given_key), most),
            lambda: _name_beyond_the_most(given_name=bool(given_key), most=most),
        )
        if too_many.rows(**terms):
            raise ApplicationError(
                f"More than {most:,} names match. Add more of the family name, a given name "
                "or a date of birth.",
                field="family_name",
            )
    # Each person's names together, the people in the order found.
    by_person: dict[UUID, tuple[date | None, list[str], list[str]]] = {}
    for pk, born, kind, given, family in rows:
        person = by_person.get(pk)
        if person is None:
            person = by_person[pk] = (born, [], [])
        # The primary name first, then aliases and previous names as they were recorded.
        _, primary, others = person
        (primary if kind == PersonName.Kind.PRIMARY else others).append(f"{given} {family}")
    matches = []
    for pk, (born, primary, others) in by_person.items():
        labels = primary + others
        matches.append(PersonMatch(pk, labels[0], labels[1:], born))
    return matches


def person_get(*, user: User, person_id: UUID | str) -> Person:
    """The person, if the user may see them; ``AccessDenied`` otherwise (shown as 404).

    Loaded by id, then checked by the policy on the record as loaded (see ``case_get``)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not allows(user=user, action=Action.VIEW, obj=person):
        raise AccessDenied(Action.VIEW, "person", person_id)
    prefetch_related_objects([person], "names", "identifiers")
    return person


def person_addresses(*, user: User, person: Person) -> QuerySet[Address]:
    """The person's addresses, leaving out confidential ones the user is not entitled to."""
    return visible(user=user, action=Action.VIEW, queryset=person.addresses.all())


def person_has_hidden_addresses(*, user: User, person: Person) -> bool:
    shown = person_addresses(user=user, person=person)
    return person.addresses.exclude(pk__in=shown.values("pk")).exists()


@dataclass(frozen=True)
class RelatedPerson:
    label: str
    person: Person
    valid_from: date | None
    valid_to: date | None


def person_relationships(*, user: User, person: Person) -> list[RelatedPerson]:
    """Relationships to people the user may also see; the others are left out entirely.

    Three queries however many: the relationships both ways, the people at their other ends
    whom the user may see, and those people's names."""
    relationships = list(
        Relationship.objects.filter(Q(person=person) | Q(related_person=person)).order_by("pk")
    )
    ends = {r.person_id for r in relationships} | {r.related_person_id for r in relationships}
    shown = Person.objects.filter(pk__in=ends).prefetch_related("names")
    seen = {other.pk: other for other in visible(user=user, action=Action.VIEW, queryset=shown)}
    # "A is parent of B": on A's page B shows as their child; on B's page A as their parent.
    related = [
        RelatedPerson(
            Relationship.INVERSE_LABELS.get(r.kind, r.get_kind_display()),
            seen[r.related_person_id],
            r.valid_from,
            r.valid_to,
        )
        for r in relationships
        if r.person_id == person.pk and r.related_person_id in seen
    ]
    related += [
        RelatedPerson(r.get_kind_display(), seen[r.person_id], r.valid_from, r.valid_to)
        for r in relationships
        if r.related_person_id == person.pk and r.person_id in seen
    ]
    return related


def merge_links(*, person_ids: Iterable[UUID]) -> dict[UUID, UUID | None]:
    """Each person's ``merged_into``, and theirs in turn, up to the surviving records."""
    links: dict[UUID, UUID | None] = {}
    wanted = list(set(person_ids))
    while wanted:
        # A chunk at a time: an import's people are hundreds of thousands, more than a query
        # may name.
        for start in range(0, len(wanted), IDS_PER_QUERY):
            chunk = wanted[start : start + IDS_PER_QUERY]
            links.update(Person.objects.filter(pk__in=chunk).values_list("pk", "merged_into_id"))
        wanted = list({parent for parent in links.values() if parent and parent not in links})
    return links


def surviving_record(links: Mapping[K, K | None], person_id: K) -> K:
    """The record ``person_id`` is merged into, following merges of merges through ``links``
    (``merge_links``, or a copy kept up to date as merges are made)."""
    seen = {person_id}
    while (parent := links.get(person_id)) and parent not in seen:
        seen.add(parent)
        person_id = parent
    return person_id


def survivors(*, person_ids: Iterable[UUID]) -> dict[UUID, UUID]:
    """Each person's surviving record: itself, or the one it was merged into."""
    wanted = list(person_ids)
    links = merge_links(person_ids=wanted)
    return {person_id: surviving_record(links, person_id) for person_id in wanted}


def identity_ids(*, person: Person) -> list[UUID]:
    """Every record of this person: the surviving record and those merged into it.

    Rules about a person's history (repeat referrals, incident counts) use all of them, so a
    duplicate record created by mistake does not hide an earlier referral.
    """
    root = person
    seen = {root.pk}
    while root.merged_into_id is not None and root.merged_into_id not in seen:
        seen.add(root.merged_into_id)
        root = Person.objects.only("id", "merged_into_id").get(pk=root.merged_into_id)
    ids = {root.pk}
    frontier = [root.pk]
    while frontier:
        children = list(
            Person.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True)
        )
        frontier = [pk for pk in children if pk not in ids]
        ids.update(frontier)
    return sorted(ids)


def person_other_records(*, user: User, person: Person) -> list[Person]:
    """The other records of the same person the user may see, the surviving record first:
    identity resolution merged them, and each agency keeps its own record."""
    others = Person.objects.filter(pk__in=identity_ids(person=person)).exclude(pk=person.pk)
    shown = (
        visible(user=user, action=Action.VIEW, queryset=others)
        .select_related("recorded_by_agency")
        .prefetch_related("names")
    )
    return sorted(shown, key=lambda other: (other.merged_into_id is not None, str(other.pk)))


def may_change_person(*, user: User, person: Person) -> bool:
    """Whether the services will let the user change the person's records, so that pages offer
    the forms only to them: judged on the person as loaded (the services check again)."""
    return allows_in_memory(user=user, action=Action.CHANGE, obj=person)
