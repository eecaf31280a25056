"""Access conditions: one rule, read two ways.

A condition says which records a user may act on. The same condition object is rendered as a
query filter (``q``, for lists: the database does the work) and evaluated on one record already
loaded (``holds``, for a page or a service: no query once the user's facts are loaded), so a
list and a page can never disagree; tests/access/test_parity.py proves it for every resource,
role, scope and state.

A record's state is a mapping of the field names a condition reads (``pk``, ``owner_agency_id``)
to their values as stored.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.db import connection
from django.db.models import Exists, F, Func, Model, OuterRef, Q

if TYPE_CHECKING:
    from casebridge.access.facts import AccessFacts

State = Mapping[str, Any]
# Q() means "no condition" and vanishes when OR-ed, so "all rows" needs a real condition.
NOTHING_Q = Q(pk__in=[])
EVERYTHING_Q = Q(pk__isnull=False)


def _column(field: str, key: str) -> str:
    return key if field == "pk" else field


class Condition(Protocol):
    """``key``: the column holding the record's id (``person_id`` in rows that copy a person's
    fields, see ``policy.visible``). ``many``: the filter will judge many rows (a search's
    thousands of names), so what is linked to them is better worked out once (``Linked``)."""

    def q(
        self, facts: "AccessFacts", prefix: str = "", *, key: str = "pk", many: bool = False
    ) -> Q: ...

    def holds(self, facts: "AccessFacts", state: State) -> bool: ...


@dataclass(frozen=True)
class _Always:
    def q(
        self, facts: "AccessFacts", prefix: str = "", *, key: str = "pk", many: bool = False
    ) -> Q:
        return Q(**{f"{prefix}{key}__isnull": False})

    def holds(self, facts: "AccessFacts", state: State) -> bool:
        return True


@dataclass(frozen=True)
class _Never:
    def q(
        self, facts: "AccessFacts", prefix: str = "", *, key: str = "pk", many: bool = False
    ) -> Q:
        return Q(**{f"{prefix}{key}__in": []})

    def holds(self, facts: "AccessFacts", state: State) -> bool:
        return False


ALWAYS: Condition = _Always()
NEVER: Condition = _Never()


@dataclass(frozen=True)
class _Equals:
    field: str
    value: object

    def q(
        self, facts: "AccessFacts", prefix: str = "", *, key: str = "pk", many: bool = False
    ) -> Q:
        return Q(**{f"{prefix}{_column(self.field, key)}": self.value})

    def holds(self, facts: "AccessFacts", state: State) -> bool:
        return bool(state[self.field] == self.value)


def equals(field: str, value: object) -> Condition:
    """The record's ``field`` is ``value``; never true when the user has no such value (no
    team, no agency), rather than matching every record whose field is empty."""
    return NEVER if value is None else _Equals(field, value)


@dataclass(frozen=True)
class Among:
    """The record's ``field`` is one of the ids in the user's fact (entitled cases, people
    they broke the glass for, cases on the agendas their agency attends)."""

    field: str
    fact: str

    def q(
        self, facts: "AccessFacts", prefix: str = "", *, key: str = "pk", many: bool = False
    ) -> Q:
        return Q(**{f"{prefix}{_column(self.field, key)}__in": facts.subquery(self.fact)})

    def holds(self, facts: "AccessFacts", state: State) -> bool:
        return state[self.field] in facts.ids(self.fact)


@dataclass(frozen=True)
class Link:
    """Records of ``model`` that point at the checked one through any of ``paths`` (a person's
    cases: as subject, or named in one). ``fields`` are those the linked records' conditions read;
    ``sources`` ("app_label.Model") every model whose changes change which records are linked.
    """

    name: str
    model: type[Model]
    paths: tuple[str, ...]
    fields: tuple[str, ...]
    sources: tuple[str, ...]

    def rows(self, pk: object) -> list[dict[str, Any]]:
        # One indexed lookup per path, united: an OR across the paths' joins scans every record.
        manager = self.model._default_manager
        first, *others = (
            manager.filter(**{path: pk}).order_by().values(*self.fields) for path in self.paths
        )
        return list(first.union(*others) if others else first)


class _Each(Func):
    """Each of a row's values that is not NULL, as a row of its own (PostgreSQL)."""

    template = "unnest(array_remove(ARRAY[%(expressions)s], NULL))"


@dataclass(frozen=True)
class Linked:
    """Some record linked to this one meets ``condition`` (a person is in a case the user may
    see). As a query: one correlated EXISTS per path, never ``IN <every visible case>``; for
    ``many`` rows on PostgreSQL, ``IN`` the ids every visible case points at, found in one pass."""

    link: Link
    condition: Condition

    def q(
        self, facts: "AccessFacts", prefix: str = "", *, key: str = "pk", many: bool = False
    ) -> Q:
        linked = self.condition.q(facts)
        manager = self.link.model._default_manager
        if many and len(self.link.paths) > 1 and connection.vendor == "postgresql":
            # Every id the linked records the user may see point at, as one set: the linked
            # records are filtered once, however many paths, where an EXISTS per path filters
            # them once each (a police officer's 6,359 visible cases, twice a search).
            ids = manager.filter(linked).values_list(_Each(*(F(p) for p in self.link.paths)))
            return Q(**{f"{prefix}{key}__in": ids})
        granted = NOTHING_Q
        for path in self.link.paths:
            rows = manager.filter(**{path: OuterRef(f"{prefix}{key}")})
            granted |= Q(Exists(rows.filter(linked)))
        return granted

    def holds(self, facts: "AccessFacts", state: State) -> bool:
        rows = facts.linked(self.link, state["pk"])
        return any(self.condition.holds(facts, row) for row in rows)


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]

    def q(
        self, facts: "AccessFacts", prefix: str = "", *, key: str = "pk", many: bool = False
    ) -> Q:
        granted = NOTHING_Q
        for condition in self.conditions:
            granted |= condition.q(facts, prefix, key=key, many=many)
        return granted

    def holds(self, facts: "AccessFacts", state: State) -> bool:
        return any(condition.holds(facts, state) for condition in self.conditions)


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]

    def q(
        self, facts: "AccessFacts", prefix: str = "", *, key: str = "pk", many: bool = False
    ) -> Q:
        required = Q()
        for condition in self.conditions:
            required &= condition.q(facts, prefix, key=key, many=many)
        return required

    def holds(self, facts: "AccessFacts", state: State) -> bool:
        return all(condition.holds(facts, state) for condition in self.conditions)


def any_of(*conditions: Condition) -> Condition:
    """Any of the conditions; NEVER when none can hold, ALWAYS when one always does."""
    kept: list[Condition] = []
    for condition in _flattened(conditions, AnyOf):
        if condition is ALWAYS:
            return ALWAYS
        if condition is not NEVER and condition not in kept:
            kept.append(condition)
    if not kept:
        return NEVER
    return kept[0] if len(kept) == 1 else AnyOf(tuple(kept))


def all_of(*conditions: Condition) -> Condition:
    """Every one of the conditions; NEVER when one never holds."""
    kept: list[Condition] = []
    for condition in _flattened(conditions, AllOf):
        if condition is NEVER:
            return NEVER
        if condition is not ALWAYS and condition not in kept:
            kept.append(condition)
    if not kept:
        return ALWAYS
    return kept[0] if len(kept) == 1 else AllOf(tuple(kept))


def _flattened(conditions: Sequence[Condition], kind: type[AnyOf | AllOf]) -> list[Condition]:
    flat: list[Condition] = []
    for condition in conditions:
        if isinstance(condition, kind):
            flat.extend(condition.conditions)
        else:
            flat.append(condition)
    return flat
