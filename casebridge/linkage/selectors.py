"""Identity resolution reads: the review queue, one review, merge history, the model, and the
"is this the same person?" lookup a practitioner sees when recording someone.

The queue, reviews, history and model are the analysts' (the ``identity`` permission): they show
people held by any agency. The lookup is everyone's, and shows only people the user may see.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from math import floor
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.db.models.fields.json import KT

from casebridge.access.policy import AccessDenied, Action, Resource, permitted, visible
from casebridge.accounts.models import User
from casebridge.linkage.candidates import CANDIDATE_LIMIT, candidate_ids
from casebridge.linkage.models import LinkageModel, MatchReview, PersonMerge
from casebridge.linkage.queue import (
    QueuedPair,
    ReviewQueue,
    is_queued,
    queue_sources,
    queued_pairs,
)
from casebridge.linkage.records import (
    LinkageRecord,
    current_people,
    linkage_record,
    linkage_records,
)
from casebridge.people.models import Person, PersonName
from casebridge.people.names import name_key
from casebridge.people.services import PersonDetails


def may_review_identities(*, user: User) -> bool:
    return permitted(user=user, action=Action.VIEW, resource=Resource.IDENTITY)


def _require_view(user: User) -> None:
    if not may_review_identities(user=user):
        raise AccessDenied(Action.VIEW, Resource.IDENTITY)


def current_linkage_model() -> LinkageModel | None:
    """The model in use (for services and the lookup; pages use ``linkage_model_current``)."""
    return LinkageModel.objects.filter(is_current=True).first()


def linkage_model_current(*, user: User) -> LinkageModel | None:
    _require_view(user)
    return LinkageModel.objects.filter(is_current=True).select_related("trained_by").first()


def linkage_models_previous(*, user: User) -> QuerySet[LinkageModel]:
    _require_view(user)
    return LinkageModel.objects.filter(is_current=False).select_related("trained_by")


def pending_review_count() -> int:
    """How many questions the queue holds (each pair of people once)."""
    return len(queued_pairs())


# --- the analysts' pages ---------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSummary:
    """One side of a pair, as an analyst compares it: what the engine compared, and no more
    (never a confidential address)."""

    id: UUID
    record: LinkageRecord
    other_names: list[str]
    recorded_by: str
    merged_into: UUID | None

    @property
    def name(self) -> str:
        given, family = self.record["given_name"], self.record["family_name"]
        return " ".join(part for part in (given, family) if part) or "(no name)"

    @property
    def date_of_birth(self) -> date | None:
        born = self.record["date_of_birth"]
        return date.fromisoformat(born) if born else None


def _summaries(person_ids: set[Any]) -> dict[UUID, PersonSummary]:
    people = Person.objects.filter(pk__in=person_ids)
    records = {record["unique_id"]: record for record in linkage_records(people=people)}
    other_names: dict[UUID, list[str]] = {}
    for person_id, given, family in (
        PersonName.objects.filter(person_id__in=person_ids)
        .exclude(kind=PersonName.Kind.PRIMARY)
        .values_list("person_id", "given_name", "family_name")
    ):
        other_names.setdefault(person_id, []).append(f"{given} {family}")
    return {
        pk: PersonSummary(pk, records[str(pk)], other_names.get(pk, []), agency, merged_into)
        for pk, agency, merged_into in people.values_list(
            "pk", "recorded_by_agency__name", "merged_into_id"
        )
    }


@dataclass(frozen=True)
class ReviewRow:
    review: MatchReview
    incoming: PersonSummary
    existing: PersonSummary
    priority: str | None = None


def review_queue(*, user: User, source: str | None = None) -> ReviewQueue:
    """The questions waiting for an analyst, in the order a decision changes most, each pair
    of people once (``queue.py``); from one batch when ``source`` says which."""
    _require_view(user)
    return queued_pairs(source=source)


def review_band(
    *, user: User, lower: float, upper: float, source: str | None = None
) -> ReviewQueue:
    """The queue's pairs with a match weight from ``lower`` up to ``upper``, in queue order."""
    _require_view(user)
    return queued_pairs(source=source, lower=lower, upper=upper)


def review_sources(*, user: User) -> list[str]:
    _require_view(user)
    return queue_sources()


def review_rows(*, reviews: Sequence[MatchReview]) -> list[ReviewRow]:
    """The reviews of one page with both people, read in a few queries for the whole page."""
    people = _summaries({pk for r in reviews for pk in (r.incoming_id, r.existing_id)})
    return [ReviewRow(r, people[r.incoming_id], people[r.existing_id]) for r in reviews]


def queue_rows(*, pairs: Sequence[QueuedPair]) -> list[ReviewRow]:
    """One page of the queue with both people of each pair and why it is where it is."""
    reviews = MatchReview.objects.in_bulk([pair.review_id for pair in pairs])
    people = _summaries({pk for r in reviews.values() for pk in (r.incoming_id, r.existing_id)})
    return [
        ReviewRow(review, people[review.incoming_id], people[review.existing_id], pair.priority)
        for pair in pairs
        if (review := reviews.get(pair.review_id))
    ]


def _get(queryset: QuerySet[Any], object_id: UUID | str, object_type: str) -> Any:
    try:
        found = queryset.filter(pk=object_id).first()
    except ValidationError:  # not an id at all
        found = None
    if found is None:
        raise AccessDenied(Action.VIEW, object_type, object_id)
    return found


@dataclass(frozen=True)
class EvidenceRow:
    field: str
    level: str
    match_weight: float


@dataclass(frozen=True)
class Evidence:
    """Why the model scored a pair as it did: each field's comparison level and weight, added to
    the starting weight (how likely any two records are one person before comparing them)."""

    rows: list[EvidenceRow]
    starting_weight: float
    match_weight: float
    probability: str


FIELD_NAMES = {
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "postcode": "Postcode",
    "sex": "Sex",
}


def probability_label(probability: float) -> str:
    # Past 99.99% more decimals say nothing an analyst can use, and rounding would say 100%.
    return "over 99.99%" if probability > 0.9999 else f"{probability:.2%}"


def precision_label(precision: float) -> str:
    # Truncated, not rounded: 0.9996 shown as 1.000 would promise no wrong merges at all.
    return f"{floor(precision * 1000) / 1000:.3f}"


def pair_evidence(*, match_weight: float, probability: float, evidence: list[dict]) -> Evidence:
    rows = [
        EvidenceRow(
            FIELD_NAMES.get(item["field"], item["field"]), item["label"], item["match_weight"]
        )
        for item in evidence
    ]
    return Evidence(
        rows=rows,
        starting_weight=match_weight - sum(row.match_weight for row in rows),
        match_weight=match_weight,
        probability=probability_label(probability),
    )


def review_get(*, user: User, review_id: UUID | str) -> ReviewRow:
    """One review with both people: a pending pair the queue asks (``is_queued``), or a decided
    one, which shows what was decided. ``AccessDenied`` (a 404) for anyone else, a wrong id, or
    a pending pair the queue leaves out: deciding that by its id would merge the people an
    analyst said are different, or decide again what is one person already."""
    _require_view(user)
    review = _get(MatchReview.objects.select_related("decided_by"), review_id, "match_review")
    if review.status == MatchReview.Status.PENDING and not is_queued(review_id=review.pk):
        raise AccessDenied(Action.VIEW, "match_review", review_id)
    return review_rows(reviews=[review])[0]


@dataclass(frozen=True)
class MergeRow:
    merge: PersonMerge
    duplicate: PersonSummary
    survivor: PersonSummary


def merge_history(*, user: User) -> QuerySet[PersonMerge]:
    """Every merge linkage made, the newest first, undone ones included."""
    _require_view(user)
    return PersonMerge.objects.select_related("merged_by", "undone_by").order_by("-merged_at", "pk")


def merge_rows(*, merges: Sequence[PersonMerge]) -> list[MergeRow]:
    people = _summaries({pk for m in merges for pk in (m.duplicate_id, m.survivor_id)})
    return [MergeRow(m, people[m.duplicate_id], people[m.survivor_id]) for m in merges]


def merge_get(*, user: User, merge_id: UUID | str) -> PersonMerge:
    _require_view(user)
    merge: PersonMerge = _get(PersonMerge.objects.all(), merge_id, "person_merge")
    return merge


# --- "is this the same person?" ----------------------------------------------------------------


@dataclass(frozen=True)
class SamePersonCandidate:
    """Someone already held who may be the person being recorded.

    ``match_weight`` is None when there is no trained model and the exact-name fallback found
    them.
    """

    id: UUID
    name: str
    date_of_birth: date | None
    postcode: str | None
    match_weight: float | None


def lookup_record(details: PersonDetails) -> LinkageRecord:
    """The typed details as a linkage record. A confidential address typed in is left out,
    as it is left out of every stored record."""
    postcode = next((a.postcode for a in details.addresses if not a.is_confidential), None)
    return linkage_record(
        given_name=details.given_name,
        family_name=details.family_name,
        date_of_birth=details.date_of_birth,
        sex=details.sex,
        postcode=postcode,
    )


def same_person_candidates(*, user: User, details: PersonDetails) -> list[SamePersonCandidate]:
    """People the user may see who are likely the person described, the likeliest first.

    Candidates come from indexed queries (see ``candidates.py``) run on what the user may see,
    so a person hidden from them is never scored, shown or counted. With a trained model they
    are scored and kept above its lower threshold. Without one (a new installation), only
    people with exactly the same names, and the same date of birth when one is typed, are
    offered: a wrong "maybe" costs a click, a missed duplicate a split history.
    """
    record = lookup_record(details)
    visible_people = visible(user=user, action=Action.VIEW, queryset=current_people())
    current = (
        LinkageModel.objects.filter(is_current=True)
        .values("pk", "lower_threshold", fingerprint=KT("settings__casebridge__fingerprint"))
        .first()
    )
    if current is None:
        return _exact_name_candidates(people=visible_people, details=details)
    ids = candidate_ids(people=visible_people, record=record)
    if not ids:
        return []
    candidates = linkage_records(people=Person.objects.filter(pk__in=ids))
    by_id = {candidate["unique_id"]: candidate for candidate in candidates}
    settings = _stored_settings(current["pk"], current["fingerprint"])
    # Imported here: the engine loads Splink, DuckDB and Arrow (about a second of CPU), which
    # only scoring needs, not every process that loads the person pages.
    from casebridge.linkage import engine

    scored = engine.score_candidates(model=settings, record=record, candidates=candidates)
    return [
        _candidate(by_id[pair.right_id], pair.match_weight)
        for pair in scored
        if pair.match_weight >= current["lower_threshold"]
    ]


@lru_cache(maxsize=4)
def _stored_settings(model_id: int, fingerprint: str | None) -> dict[str, Any]:
    """A stored model's settings, read and parsed once per process rather than per lookup (it
    takes milliseconds). A model never changes once stored: retraining stores a new one. The
    engine's fingerprint of it is in the key too, so an id used again (a test database rolled
    back) never gets another model's settings."""
    settings: dict[str, Any] = LinkageModel.objects.values_list("settings", flat=True).get(
        pk=model_id
    )
    return settings


def _candidate(record: LinkageRecord, weight: float | None) -> SamePersonCandidate:
    born = record["date_of_birth"]
    return SamePersonCandidate(
        id=UUID(record["unique_id"]),
        name=" ".join(p for p in (record["given_name"], record["family_name"]) if p),
        date_of_birth=date.fromisoformat(born) if born else None,
        postcode=record["postcode"],
        match_weight=weight,
    )


def _exact_name_candidates(
    *, people: QuerySet[Person], details: PersonDetails
) -> list[SamePersonCandidate]:
    names = PersonName.objects.filter(
        family_name_key=name_key(details.family_name),
        given_name_key=name_key(details.given_name),
    )
    matches = people.filter(pk__in=names.values("person_id"))
    if details.date_of_birth:
        matches = matches.filter(date_of_birth=details.date_of_birth)
    ids = list(matches.order_by("date_of_birth", "pk").values_list("pk", flat=True))
    found = linkage_records(people=Person.objects.filter(pk__in=ids[:CANDIDATE_LIMIT]))
    return sorted(
        (_candidate(record, None) for record in found),
        key=lambda c: (c.date_of_birth or date.min, str(c.id)),
    )
