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

from django.db.models import Exists, Model, OuterRef, Q, Subquery, Value
from django.db.models.lookups import IsNull

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
    fields, see ``policy.visible``). ``one_by_one``: the rows will be judged one at a time in
    an order until enough are found (a search's fifty earliest born of thousands of names), so
    what is linked to each is probed by index as it comes, never worked out for all (``Linked``)."""

    def q(
        self, facts: "AccessFacts", prefix: str = "", *, key: str = "pk", one_by_one: bool = False
    ) -> Q: ...

    def holds(self, facts: "AccessFacts", state: State) -> bool: ...


@dataclass(frozen=True)
class _Always:
    def q(
        self, facts: "AccessFacts", prefix: str = "", *, key: str = "pk", one_by_one: bool = False
    ) -> Q:
        return Q(**{f"{prefix}{key}__isnull": False})

    def holds(self, facts: "AccessFacts", state: State) -> bool:
        return True


@dataclass(frozen=True)
class _Never:
    def q(
        self, facts: "AccessFacts", prefix: str = "", *, key: str = "pk", one_by_one: bool = False
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
        self, facts: "AccessFacts", prefix: str = "", *, key: str = "pk", one_by_one: bool = False
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
        self, facts: "AccessFacts", prefix: str = "", *, key: str = "pk", one_by_one: bool = False
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


@dataclass(frozen=True)
class Linked:
    """Some record linked to this one meets ``condition`` (a person is in a case the user may
    see). As a query: one correlated EXISTS per path, never ``IN <every visible case>``.
    ``one_by_one``: the first linked record the user may see, per path, as a correlated scalar
    subquery. PostgreSQL may turn an EXISTS into a hash of every linked record the user may see
    (a police officer's 3,321 visible cases, twice, for any search), which it judges cheaper by
    the candidates' count, unaware that a LIMIT stops the rows early; a scalar subquery it
    always runs per row, an index probe for the rows actually judged."""

    link: Link
    condition: Condition

    def q(
        self, facts: "AccessFacts", prefix: str = "", *, key: str = "pk", one_by_one: bool = False
    ) -> Q:
        linked = self.condition.q(facts)
        manager = self.link.model._default_manager
        granted = NOTHING_Q
        for path in self.link.paths:
            rows = manager.filter(**{path: OuterRef(f"{prefix}{key}")}).filter(linked)
            if one_by_one:
                first = Subquery(rows.values(found=Value(1))[:1])
                granted |= Q(IsNull(first, False))
            else:
                granted |= Q(Exists(rows))
        return granted

    def holds(self, facts: "AccessFacts", state: State) -> bool:
        rows = facts.linked(self.link, state["pk"])
        return any(self.condition.holds(facts, row) for row in rows)


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]

    def q(
        self, facts: "AccessFacts", prefix: str = "", *, key: str = "pk", one_by_one: bool = False
    ) -> Q:
        granted = NOTHING_Q
        for condition in self.conditions:
            granted |= condition.q(facts, prefix, key=key, one_by_one=one_by_one)
        return granted

    def holds(self, facts: "AccessFacts", state: State) -> bool:
        return any(condition.holds(facts, state) for condition in self.conditions)


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]

    def q(
        self, facts: "AccessFacts", prefix: str = "", *, key: str = "pk", one_by_one: bool = False
    ) -> Q:
        required = Q()
        for condition in self.conditions:
            required &= condition.q(facts, prefix, key=key, one_by_one=one_by_one)
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
