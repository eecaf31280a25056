"""Hard rules: what keeps two records apart whatever the model scores them
(``definitions/hard_rules.yaml``).

A rule looks at every record of each side (the surviving record and those merged into it), so
linking never makes one person of a cluster that a rule would split: if a victim's record was
merged with A, and A is named as the perpetrator in the victim's case, A's record is kept
apart from the victim's too.
"""

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

import yaml

from casebridge.core.dates import age_on
from casebridge.incidents.models import Incident
from casebridge.linkage.models import MatchReview
from casebridge.pathways.models import Case, CasePerson
from casebridge.people.models import Identifier, Person, Relationship
from casebridge.people.selectors import survivors

HARD_RULES_FILE = Path(__file__).parent / "definitions" / "hard_rules.yaml"
# Ids per query: within every database's limit on parameters.
_CHUNK = 2000
_SEXES = {Person.Sex.FEMALE, Person.Sex.MALE}


# The import batches each person was brought by, as (person id, batch id) pairs for the ids given.
# The imports app registers its reader in AppConfig.ready, so linkage knows no app above it.
BatchReader = Callable[[list[str]], Iterable[tuple[Any, int]]]
_batch_readers: list[BatchReader] = []


def register_batch_reader(reader: BatchReader) -> None:
    _batch_readers.append(reader)


# What the extracts each person came from say of their age: (person id, the event's day, the
# youngest and oldest age its extract holds, the extract's name). Registered by the imports app.
AgeReader = Callable[[list[str]], Iterable[tuple[Any, date, int | None, int | None, str]]]
_age_readers: list[AgeReader] = []


def register_age_reader(reader: AgeReader) -> None:
    _age_readers.append(reader)


@dataclass(frozen=True)
class AgeEvidence:
    """A record's extract holds only people aged ``youngest`` to ``oldest`` on ``day``."""

    day: date
    youngest: int | None
    oldest: int | None
    extract: str


@cache
def hard_rule_definitions() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(HARD_RULES_FILE.read_text(encoding="utf-8"))
    return data


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


@dataclass
class _Facts:
    """What the rules read about one record."""

    sex: str = ""
    born: date | None = None
    ages: list[AgeEvidence] = field(default_factory=list)
    identifiers: dict[str, str] = field(default_factory=dict)
    batches: set[int] = field(default_factory=set)
    cases: set[str] = field(default_factory=set)
    incidents: set[str] = field(default_factory=set)
    related: set[str] = field(default_factory=set)


@dataclass
class HardRules:
    """The facts around some surviving records, kept up to date as a run merges them."""

    members: dict[str, set[str]] = field(default_factory=dict)
    facts: dict[str, _Facts] = field(default_factory=lambda: defaultdict(_Facts))

    @classmethod
    def load(cls, *, person_ids: Iterable[str]) -> "HardRules":
        """The rules' view of these records (each a surviving record) and everything merged
        into them."""
        rules = cls()
        rules.members = {str(pk): {str(pk)} for pk in person_ids}
        root_of = {pk: pk for pk in rules.members}
        frontier = list(root_of)
        while frontier:
            found = []
            for chunk in _chunks(frontier):
                for pk, parent in Person.objects.filter(merged_into__in=chunk).values_list(
                    "pk", "merged_into_id"
                ):
                    root = root_of[str(parent)]
                    if str(pk) not in root_of:
                        root_of[str(pk)] = root
                        rules.members[root].add(str(pk))
                        found.append(str(pk))
            frontier = found
        rules._read_facts(list(root_of))
        return rules

    def _read_facts(self, ids: list[str]) -> None:
        named_together = set(hard_rule_definitions().get("named_together", ()))
        facts = self.facts
        for chunk in _chunks(ids):
            for pk, sex, born in Person.objects.filter(pk__in=chunk).values_list(
                "pk", "sex", "date_of_birth"
            ):
                facts[str(pk)].sex = sex if sex in _SEXES else ""
                facts[str(pk)].born = born
            if hard_rule_definitions().get("age_from_source"):
                for age_reader in _age_readers:
                    for pk, day, youngest, oldest, extract in age_reader(chunk):
                        facts[str(pk)].ages.append(AgeEvidence(day, youngest, oldest, extract))
            for pk, scheme, value in Identifier.objects.filter(person_id__in=chunk).values_list(
                "person_id", "scheme", "value"
            ):
                facts[str(pk)].identifiers[scheme] = value
            for reader in _batch_readers:
                for pk, batch in reader(chunk):
                    facts[str(pk)].batches.add(batch)
            if "case" in named_together:
                for pk, case in Case.objects.filter(subject_id__in=chunk).values_list(
                    "subject_id", "pk"
                ):
                    facts[str(pk)].cases.add(str(case))
                for pk, case in CasePerson.objects.filter(person_id__in=chunk).values_list(
                    "person_id", "case_id"
                ):
                    facts[str(pk)].cases.add(str(case))
            if "incident" in named_together:
                for side in ("victim_id", "suspect_id"):
                    rows = Incident.objects.filter(**{f"{side}__in": chunk})
                    for pk, incident in rows.values_list(side, "pk"):
                        facts[str(pk)].incidents.add(str(incident))
            if "relationship" in named_together:
                for one, other in Relationship.objects.filter(person_id__in=chunk).values_list(
                    "person_id", "related_person_id"
                ):
                    facts[str(one)].related.add(str(other))
                for one, other in Relationship.objects.filter(
                    related_person_id__in=chunk
                ).values_list("related_person_id", "person_id"):
                    facts[str(one)].related.add(str(other))

    def merged(self, *, duplicate: str, survivor: str) -> None:
        self.members[survivor] = self.members.get(survivor, {survivor}) | self.members.pop(
            duplicate, {duplicate}
        )

    def reason(self, a: str, b: str) -> str | None:
        """Why the records of surviving records ``a`` and ``b`` must stay apart, or None."""
        mine, theirs = self.members.get(a, {a}), self.members.get(b, {b})
        rules = hard_rule_definitions()
        reason = keep_apart_reason(
            [self.facts[pk] for pk in mine], [self.facts[pk] for pk in theirs], rules
        )
        related = "relationship" in rules.get("named_together", ())
        if reason is None and related and any(self.facts[pk].related & theirs for pk in mine):
            reason = "A relationship is recorded between them (partner, parent, sibling...)."
        return reason


_SCHEME_NAMES = dict(Identifier.Scheme.choices)


def keep_apart_reason(ones: list[_Facts], others: list[_Facts], rules: dict) -> str | None:
    """The first rule that keeps two groups of records apart, in words, or None."""
    for scheme in rules.get("distinct_identifiers", ()):
        mine = {f.identifiers[scheme] for f in ones if scheme in f.identifiers}
        theirs = {f.identifiers[scheme] for f in others if scheme in f.identifiers}
        if mine and theirs and mine.isdisjoint(theirs):
            return f"They have different {_SCHEME_NAMES.get(scheme, scheme)}s."
    if rules.get("same_extract_different_reference"):
        for one in ones:
            for other in others:
                shared_schemes = one.identifiers.keys() & other.identifiers.keys()
                if one.batches & other.batches and any(
                    one.identifiers[s] != other.identifiers[s] for s in shared_schemes
                ):
                    return "One partner extract records them as two people, each with a reference."
    my_sexes, their_sexes = {f.sex for f in ones} - {""}, {f.sex for f in others} - {""}
    if rules.get("different_sex") and my_sexes and their_sexes and my_sexes | their_sexes >= _SEXES:
        return "One is recorded as female and the other as male."
    if age_rule := rules.get("age_from_source"):
        margin = int(age_rule.get("margin_years", 0))
        reason = _age_reason(ones, others, margin) or _age_reason(others, ones, margin)
        if reason is not None:
            return reason
    named = set(rules.get("named_together", ()))

    def union(attribute: str, facts: list[_Facts]) -> set[str]:
        return set().union(*(getattr(f, attribute) for f in facts))

    if "case" in named and union("cases", ones) & union("cases", others):
        return "They are named together in one case (a victim and the alleged perpetrator, say)."
    if "incident" in named and union("incidents", ones) & union("incidents", others):
        return "They are the victim and the suspect of one incident."
    return None


def _age_reason(undated: list[_Facts], dated: list[_Facts], margin: int) -> str | None:
    """Why a record of ``undated`` without a date of birth, whose extract bounds its age, is
    not of anyone in ``dated``, whose date of birth puts them outside those ages that day."""
    for one in undated:
        if one.born is not None:
            # Its own date says its age; the extract's bounds stand in only for a missing one.
            continue
        for evidence in one.ages:
            youngest = -math.inf if evidence.youngest is None else evidence.youngest - margin
            oldest = math.inf if evidence.oldest is None else evidence.oldest + margin
            for other in dated:
                age = age_on(other.born, evidence.day)
                if age is not None and not youngest <= age <= oldest:
                    return (
                        f"One has no date of birth but comes from {evidence.extract}, which "
                        f"holds people aged {_ages(evidence)}; the other's date of birth makes "
                        f"them {age} on {evidence.day:%-d %b %Y}."
                    )
    return None


def _ages(evidence: AgeEvidence) -> str:
    if evidence.youngest is None:
        return f"up to {evidence.oldest}"
    if evidence.oldest is None:
        return f"{evidence.youngest} or over"
    return f"{evidence.youngest} to {evidence.oldest}"


def kept_apart_reasons(*, reviews: Sequence[MatchReview]) -> dict[UUID, str]:
    """The reviews (a page of the queue, say) a hard rule now stops, with the rule's reason:
    the queue shows why rather than offering them. A rule may apply after the pair was queued
    (a case naming both was opened since)."""
    ends = {pk for review in reviews for pk in (review.incoming_id, review.existing_id)}
    survivor_of = survivors(person_ids=ends)
    rules = HardRules.load(person_ids={str(pk) for pk in survivor_of.values()})
    reasons = {}
    for review in reviews:
        one, other = survivor_of[review.incoming_id], survivor_of[review.existing_id]
        reason = rules.reason(str(one), str(other)) if one != other else None
        if reason is not None:
            reasons[review.pk] = reason
    return reasons
