"""The identity review queue: the pending pairs worth an analyst's time, each once, in the order
a decision changes most (``definitions/review_priority.yaml``), then strongest first.

A pending pair is left out, though still pending, when its two records have become one person
since it was queued (each was linked to the same person, by the rest of its batch, a later
import or an analyst), and when its two people are a pair an analyst has said are different
(through other records of theirs). It is left out rather than closed because nobody decided it:
if a merge behind it is undone, the pair is a question again and comes back. Pairs whose records
resolve to the same two people are one question, shown once (the strongest).

The queue is worked out whole for each page, in a fixed number of queries whatever its length
(``bench/review_queue.py`` measures it with 50,000 pending pairs).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, overload
from uuid import UUID

import yaml
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from casebridge.linkage.clusters import as_uuid, merged_survivors_text, text_id
from casebridge.linkage.models import MatchReview
from casebridge.pathways.models import Case, CasePerson, Pathway
from casebridge.people.models import Person

PRIORITY_FILE = Path(__file__).parent / "definitions" / "review_priority.yaml"


@dataclass(frozen=True)
class PriorityRule:
    label: str
    pathways: tuple[str, ...] | None  # None: every pathway
    open_only: bool
    case_people: bool


@cache
def priority_rules() -> tuple[PriorityRule, ...]:
    data = yaml.safe_load(PRIORITY_FILE.read_text(encoding="utf-8"))
    return tuple(
        PriorityRule(
            label=rule["label"],
            pathways=None if rule["pathways"] == "all" else tuple(rule["pathways"]),
            open_only=bool(rule.get("open_only", False)),
            case_people=bool(rule.get("case_people", False)),
        )
        for rule in data["rules"]
    )


@dataclass(frozen=True)
class QueuedPair:
    """One question for an analyst: a pending review, and the priority rule that ranks it."""

    review_id: UUID
    match_weight: float
    priority: str | None  # the label of the first priority rule its people meet


# (rank, -match weight, review id as text): the queue's order, cheap to sort.
_Entry = tuple[int, float, Any]


class ReviewQueue(Sequence[QueuedPair]):
    """The queue in order, built in bulk from ids as text; a page of it (a slice)
    becomes ``QueuedPair``s only when asked for, so a long queue costs one sort per page."""

    def __init__(self, entries: list[_Entry], labels: Sequence[str]) -> None:
        self._entries = entries
        self._labels = labels

    def _pair(self, entry: _Entry) -> QueuedPair:
        rank, weight, review_id = entry
        label = self._labels[rank] if rank < len(self._labels) else None
        return QueuedPair(as_uuid(review_id), -weight, label)

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> QueuedPair: ...

    @overload
    def __getitem__(self, index: slice) -> list[QueuedPair]: ...

    def __getitem__(self, index: int | slice) -> QueuedPair | list[QueuedPair]:
        if isinstance(index, slice):
            return [self._pair(entry) for entry in self._entries[index]]
        return self._pair(self._entries[index])


def _cases(rule: PriorityRule, terminal: dict[int, list[str]]) -> QuerySet[Case]:
    cases = Case.objects.all()
    if rule.pathways is not None:
        cases = cases.filter(pathway__code__in=rule.pathways)
    if rule.open_only:
        closed = Q()
        for pathway_id, states in terminal.items():
            closed |= Q(pathway_id=pathway_id, state__in=states)
        cases = cases.exclude(closed) if closed else cases
    return cases


def _terminal_states() -> dict[int, list[str]]:
    return {
        pk: [state["code"] for state in definition["states"] if state.get("terminal")]
        for pk, definition in Pathway.objects.values_list("pk", "definition")
    }


def _ranks() -> dict[Any, int]:
    """The people (surviving records, ids as text) each priority rule picks out, with its rank."""
    terminal = _terminal_states()
    ranks: dict[Any, int] = {}
    for rank, rule in enumerate(priority_rules()):
        cases = _cases(rule, terminal)
        # (queryset, its person column): the subjects, and the others in the cases if asked.
        people: list[tuple[QuerySet[Any], str]] = [(cases, "subject")]
        if rule.case_people:
            people.append((CasePerson.objects.filter(case__in=cases), "person"))
        # A few thousand people at most: looked up by id (``Exists`` suits the long queue).
        in_cases = Q()
        for rows, column in people:
            in_cases |= Q(pk__in=rows.values(column))
        survivor = merged_survivors_text(Person.objects.filter(in_cases))
        for rows, column in people:
            for (person,) in _text_rows(rows.values_list(text_id(column))):
                ranks.setdefault(survivor.get(person, person), rank)
    return ranks


def _people_pair(a: Any, b: Any) -> tuple[Any, Any]:
    return (a, b) if a < b else (b, a)


def _rejected_pairs() -> set[tuple[Any, Any]]:
    """The pairs of people (surviving records) an analyst has said are different."""
    rejected = MatchReview.objects.filter(status=MatchReview.Status.REJECTED)
    rows = _text_rows(rejected.values_list(text_id("incoming"), text_id("existing")))
    if not rows:
        return set()
    survivor = merged_survivors_text(_people_of(rejected))
    return {_people_pair(survivor.get(a, a), survivor.get(b, b)) for a, b in rows}


def _text_rows(rows: QuerySet[Any]) -> list[tuple[Any, ...]]:
    # Tens of thousands of rows, ids as text: no UUID made (and hashed, in Python) per id.
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _people_of(reviews: QuerySet[MatchReview]) -> QuerySet[Person]:
    return Person.objects.filter(
        Exists(reviews.filter(incoming=OuterRef("pk")))
        | Exists(reviews.filter(existing=OuterRef("pk")))
    )


def _pending(source: str | None) -> QuerySet[MatchReview]:
    pending = MatchReview.objects.filter(status=MatchReview.Status.PENDING)
    return pending.filter(source=source) if source else pending


def _question(
    incoming: Any, existing: Any, survivor: dict[Any, Any], rejected: set[tuple[Any, Any]]
) -> tuple[Any, Any] | None:
    """The two people a pending pair of records asks about, or None when it is no longer a
    question: its records are one person now, or an analyst said its people are different."""
    people = _people_pair(survivor.get(incoming, incoming), survivor.get(existing, existing))
    if people[0] == people[1] or people in rejected:
        return None
    return people


def is_queued(*, review_id: Any) -> bool:
    """Whether the queue asks this review's question: it is pending and still a question, as
    ``queued_pairs`` judges it. The one question may be asked through more than one pair of
    records (the queue shows the strongest; a batch's own queue, its own strongest), so any of
    them counts."""
    pending = _pending(None).filter(pk=review_id)
    rows = _text_rows(pending.values_list(text_id("incoming"), text_id("existing")))
    if not rows:
        return False
    (incoming, existing), survivor = rows[0], merged_survivors_text(_people_of(pending))
    return _question(incoming, existing, survivor, _rejected_pairs()) is not None


def queued_pairs(
    *, source: str | None = None, lower: float | None = None, upper: float | None = None
) -> ReviewQueue:
    """The queue in order: from one batch (``source``, "import batch 12") or all, and with a
    match weight from ``lower`` up to (not including) ``upper`` when given."""
    pending = _pending(source)
    if lower is not None:
        pending = pending.filter(match_weight__gte=lower)
    if upper is not None:
        pending = pending.filter(match_weight__lt=upper)
    labels = [rule.label for rule in priority_rules()]
    rows = _text_rows(
        pending.values_list(text_id("pk"), text_id("incoming"), text_id("existing"), "match_weight")
    )
    if not rows:
        return ReviewQueue([], labels)
    survivor = merged_survivors_text(_people_of(pending))
    rejected = _rejected_pairs()
    ranks = _ranks()
    unranked = len(labels)
    candidates: list[tuple[_Entry, tuple[Any, Any]]] = []
    for pk, incoming, existing, weight in rows:
        people = _question(incoming, existing, survivor, rejected)
        if people is None:
            continue
        rank = min(ranks.get(people[0], unranked), ranks.get(people[1], unranked))
        candidates.append(((rank, -weight, pk), people))
    candidates.sort(key=lambda candidate: candidate[0])
    shown: set[tuple[Any, Any]] = set()
    entries = []
    for entry, people in candidates:
        if people not in shown:
            shown.add(people)
            entries.append(entry)
    return ReviewQueue(entries, labels)


def queue_sources() -> list[str]:
    """Where pending pairs came from ("import batch 12"), for the queue's filter."""
    sources: Iterable[Any] = (
        _pending(None).values_list("source", flat=True).distinct().order_by("source")
    )
    return sorted(sources, key=_natural)


def _natural(source: str) -> tuple[str, int]:
    # "import batch 9" before "import batch 10".
    head, _, tail = source.rpartition(" ")
    return (head, int(tail)) if tail.isdigit() else (source, -1)
