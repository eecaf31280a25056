"""One merge: the duplicate record points at the survivor, and the history row says why."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.core.bulk import insert_rows, update_rows
from casebridge.core.errors import ApplicationError
from casebridge.linkage.clusters import survivor_of
from casebridge.linkage.models import MatchReview, PersonMerge
from casebridge.linkage.scores import ScoredPair
from casebridge.people.models import Person


def evidence_json(pair: ScoredPair) -> list[dict[str, Any]]:
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


def merge_row(
    *,
    actor: User,
    duplicate_id: Any,
    survivor_id: Any,
    weight: float,
    probability: float,
    evidence: list[dict[str, Any]],
    source: str,
    merged_at: datetime,
) -> dict[str, Any]:
    """An automatic merge as a row for ``merges_write``: ``survivor_id`` must already be the end
    of its chain (the caller keeps the run's merges, as ``Identities`` does)."""
    return {
        "id": uuid.uuid4(),
        "duplicate_id": uuid.UUID(str(duplicate_id)),
        "survivor_id": uuid.UUID(str(survivor_id)),
        "how": PersonMerge.How.AUTOMATIC,
        "source": source,
        "match_weight": weight,
        "match_probability": probability,
        "evidence": evidence,
        "merged_by_id": actor.pk,
        "merged_at": merged_at,
    }


def merges_write(merges: Sequence[dict[str, Any]]) -> None:
    """Write many merges at once (a batch's automatic links), set-based: each duplicate is
    pointed at its survivor only if it is still unmerged, and if any was merged meanwhile
    nothing is (the caller's transaction rolls back), as ``merge_records`` refuses one."""
    pointed = update_rows(
        Person,
        [
            {
                "id": m["duplicate_id"],
                "merged_into_id": m["survivor_id"],
                "updated_at": m["merged_at"],
            }
            for m in merges
        ],
        where_null="merged_into_id",
    )
    if pointed != len(merges):
        raise ApplicationError("A record has been merged meanwhile; match the batch again.")
    insert_rows(PersonMerge, merges)
