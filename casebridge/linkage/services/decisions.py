"""An analyst's decisions: the pair is one person, or two; and a merge undone."""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from casebridge.access.policy import Action, Resource, require_permission
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.linkage.clusters import survivors
from casebridge.linkage.models import MatchReview, PersonMerge
from casebridge.linkage.rules import HardRules
from casebridge.linkage.services.merging import merge_records
from casebridge.people.models import Person


def _pending(review: MatchReview) -> MatchReview:
    locked = MatchReview.objects.select_for_update().get(pk=review.pk)
    if locked.status != MatchReview.Status.PENDING:
        raise ApplicationError("This pair has been decided already.")
    return locked


@transaction.atomic
def match_confirm(
    *, actor: User, review: MatchReview, band: dict[str, Any] | None = None
) -> PersonMerge | None:
    """The analyst says the pair is one person: the incoming record's surviving record (the
    end of its chain of merges) is merged into the existing one's. None when they are already
    the same record.

    Args:
        band: when the analyst confirmed a band of pairs at once (``bulk.match_confirm_band``),
            the band and the precision shown for it, kept on the review.

    Raises:
        ApplicationError: the pair was decided already, or a hard rule keeps the two apart
            (the message says which).
    """
    require_permission(user=actor, action=Action.CHANGE, resource=Resource.IDENTITY)
    review = _pending(review)
    survivor_of = survivors(person_ids={review.incoming_id, review.existing_id})
    duplicate = str(survivor_of[review.incoming_id])
    survivor = str(survivor_of[review.existing_id])
    if duplicate != survivor:
        reason = HardRules.load(person_ids={duplicate, survivor}).reason(duplicate, survivor)
        if reason is not None:
            raise ApplicationError(f"These records cannot be merged. {reason}")
    merge = None
    if duplicate != survivor:
        merge = merge_records(
            actor=actor,
            duplicate_id=duplicate,
            survivor_id=survivor,
            how=PersonMerge.How.CONFIRMED,
            weight=review.match_weight,
            probability=review.match_probability,
            evidence=review.evidence,
            source=review.source,
            review=review,
        )
    review.status = MatchReview.Status.CONFIRMED
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.decided_in_band = band
    review.save(update_fields=["status", "decided_by", "decided_at", "decided_in_band"])
    audit_record(
        actor=actor,
        action="change",
        object_type="match_review",
        object_id=review.pk,
        summary="Confirmed two records are the same person",
        changes={
            "status": [MatchReview.Status.PENDING, MatchReview.Status.CONFIRMED],
            "duplicate": duplicate,
            "survivor": survivor,
            "merge": str(merge.pk) if merge else None,
            **({"band": band} if band else {}),
        },
    )
    return merge


@transaction.atomic
def match_reject(*, actor: User, review: MatchReview, reason: str = "") -> MatchReview:
    """The analyst says the pair are different people; they are never paired again."""
    require_permission(user=actor, action=Action.CHANGE, resource=Resource.IDENTITY)
    review = _pending(review)
    review.status = MatchReview.Status.REJECTED
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.decision_reason = reason.strip()
    review.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_record(
        actor=actor,
        action="change",
        object_type="match_review",
        object_id=review.pk,
        summary="Recorded that two records are different people",
        changes={"status": [MatchReview.Status.PENDING, MatchReview.Status.REJECTED]},
        reason=review.decision_reason,
    )
    return review


def _reject_pair(*, actor: User, merge: PersonMerge, reason: str) -> None:
    """Record the merged pair as different people, so linking never joins them again."""
    decided = {
        "status": MatchReview.Status.REJECTED,
        "decided_by": actor,
        "decided_at": timezone.now(),
        "decision_reason": f"Merge undone: {reason}",
    }
    pair = Q(incoming=merge.duplicate_id, existing=merge.survivor_id) | Q(
        incoming=merge.survivor_id, existing=merge.duplicate_id
    )
    if not MatchReview.objects.filter(pair).exists():
        MatchReview.objects.create(
            incoming_id=merge.duplicate_id,
            existing_id=merge.survivor_id,
            match_weight=merge.match_weight,
            match_probability=merge.match_probability,
            evidence=merge.evidence,
            source=merge.source,
            **decided,
        )
    # The pair the analyst confirmed, too, when it was not the merged records themselves.
    reviewed = (pair | Q(pk=merge.review_id)) if merge.review_id else pair
    MatchReview.objects.filter(reviewed).update(**decided)


@transaction.atomic
def merge_undo(*, actor: User, merge: PersonMerge, reason: str) -> PersonMerge:
    """Restore the duplicate as a person in their own right. The merge stays as history, and
    the pair counts as rejected from now on.

    Raises:
        ApplicationError: no reason given, or the merge was undone already.
    """
    require_permission(user=actor, action=Action.CHANGE, resource=Resource.IDENTITY)
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Enter why this merge is wrong", field="reason")
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.is_undone:
        raise ApplicationError("This merge has been undone already.")
    now = timezone.now()
    Person.objects.filter(pk=merge.duplicate_id, merged_into=merge.survivor_id).update(
        merged_into=None, updated_at=now
    )
    merge.undone_by = actor
    merge.undone_at = now
    merge.undo_reason = reason
    merge.save(update_fields=["undone_by", "undone_at", "undo_reason"])
    _reject_pair(actor=actor, merge=merge, reason=reason)
    audit_record(
        actor=actor,
        action="change",
        object_type="person_merge",
        object_id=merge.pk,
        summary="Undid a merge of two records",
        changes={
            "duplicate": str(merge.duplicate_id),
            "survivor": str(merge.survivor_id),
            "merged_into": [str(merge.survivor_id), None],
        },
        reason=reason,
    )
    return merge
