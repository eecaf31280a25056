"""One merge: the duplicate record points at the survivor, and the history row says why."""

from typing import Any

from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.core.errors import ApplicationError
from casebridge.linkage import engine
from casebridge.linkage.clusters import survivor_of
from casebridge.linkage.models import MatchReview, PersonMerge
from casebridge.people.models import Person


def evidence_json(pair: engine.ScoredPair) -> list[dict[str, Any]]:
    return [
        {"field": item.field, "label": item.label, "match_weight": item.match_weight}
        for item in pair.evidence
    ]


def merge_records(
    *,
    actor: User,
    duplicate_id: Any,
    survivor_id: Any,
    how: str,
    weight: float,
    probability: float,
    evidence: list[dict[str, Any]],
    source: str,
    review: MatchReview | None = None,
) -> PersonMerge:
    now = timezone.now()
    # Only an unmerged record merges, and always into the end of the other's chain of merges
    # (it may have been merged since the caller looked): a merge never hangs off a duplicate.
    survivor_id = survivor_of(survivor_id)
    if str(survivor_id) == str(duplicate_id):
        raise ApplicationError("These records are one person already.")
    merged = Person.objects.filter(pk=duplicate_id, merged_into__isnull=True).update(
        merged_into_id=survivor_id, updated_at=now
    )
    if merged != 1:
        raise ApplicationError("That record has been merged already; reload and try again.")
    return PersonMerge.objects.create(
        duplicate_id=duplicate_id,
        survivor_id=survivor_id,
        how=how,
        review=review,
        source=source,
        match_weight=weight,
        match_probability=probability,
        evidence=evidence,
        merged_by=actor,
        merged_at=now,
    )
