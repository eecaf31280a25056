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

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

import yaml
from django.db.models import Q, QuerySet

from casebridge.linkage.clusters import survivors_of
from casebridge.linkage.models import MatchReview
from casebridge.pathways.models import Case, CasePerson, Pathway

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
    """One question for an analyst: a pending review, ranked."""

    review_id: UUID
    match_weight: float
    priority: str | None  # the label of the first priority rule its people meet
    rank: int  # the rule's position, len(rules) for none: lower is sooner
    created_at: datetime

    @property
    def order(self) -> tuple[int, float, datetime, str]:
        return (self.rank, -self.match_weight, self.created_at, str(self.review_id))


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


def _ranks() -> dict[UUID, int]:
    """The people (surviving records) each priority rule picks out, with the rule's rank."""
    terminal = _terminal_states()
    ranks: dict[UUID, int] = {}
    for rank, rule in enumerate(priority_rules()):
        cases = _cases(rule, terminal)
        people = [cases.values("subject")]
        if rule.case_people:
            people.append(CasePerson.objects.filter(case__in=cases).values("person"))
        for survivor in set(survivors_of(*people).values()):
            ranks.setdefault(survivor, rank)
    return ranks


def _people_pair(a: UUID, b: UUID) -> tuple[UUID, UUID]:
    return (a, b) if a < b else (b, a)


def _rejected_pairs() -> set[tuple[UUID, UUID]]:
    """The pairs of people (surviving records) an analyst has said are different."""
    rejected = MatchReview.objects.filter(status=MatchReview.Status.REJECTED)
    rows = list(rejected.values_list("incoming_id", "existing_id"))
    if not rows:
        return set()
    survivor = survivors_of(rejected.values("incoming"), rejected.values("existing"))
    return {_people_pair(survivor.get(a, a), survivor.get(b, b)) for a, b in rows}


def _pending(source: str | None) -> QuerySet[MatchReview]:
    pending = MatchReview.objects.filter(status=MatchReview.Status.PENDING)
    return pending.filter(source=source) if source else pending


def queued_pairs(
    *, source: str | None = None, lower: float | None = None, upper: float | None = None
) -> list[QueuedPair]:
    """The queue in order: from one batch (``source``, "import batch 12") or all, and with a
    match weight from ``lower`` up to (not including) ``upper`` when given."""
    pending = _pending(source)
    if lower is not None:
        pending = pending.filter(match_weight__gte=lower)
    if upper is not None:
        pending = pending.filter(match_weight__lt=upper)
    rows = list(
        pending.values_list("pk", "incoming_id", "existing_id", "match_weight", "created_at")
    )
    if not rows:
        return []
    survivor = survivors_of(pending.values("incoming"), pending.values("existing"))
    rejected = _rejected_pairs()
    ranks = _ranks()
    unranked = len(priority_rules())
    labels = [rule.label for rule in priority_rules()]
    candidates: list[tuple[QueuedPair, tuple[UUID, UUID]]] = []
    for pk, incoming, existing, weight, created_at in rows:
        people = _people_pair(survivor.get(incoming, incoming), survivor.get(existing, existing))
        if people[0] == people[1] or people in rejected:
            continue
        rank = min(ranks.get(people[0], unranked), ranks.get(people[1], unranked))
        label = labels[rank] if rank < unranked else None
        candidates.append((QueuedPair(pk, weight, label, rank, created_at), people))
    candidates.sort(key=lambda candidate: candidate[0].order)
    shown: set[tuple[UUID, UUID]] = set()
    queue = []
    for pair, people in candidates:
        if people not in shown:
            shown.add(people)
            queue.append(pair)
    return queue


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
