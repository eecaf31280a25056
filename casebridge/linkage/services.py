"""Identity resolution writes: train the model, link imported people, decide reviews, undo merges.

Every write is authorised by the ``identity`` permission (analysts) and audited. Audit entries
carry ids, counts and weights, never a name or an address: the audit log is read by people who
may not see either.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from casebridge.access.policy import Action, Resource, require_permission
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.linkage import engine
from casebridge.linkage.identities import Identities
from casebridge.linkage.models import LinkageModel, MatchReview, PersonMerge
from casebridge.linkage.records import current_people, linkage_records, records_table
from casebridge.linkage.selectors import current_linkage_model
from casebridge.linkage.thresholds import checked_thresholds, default_thresholds
from casebridge.people.models import Person

NO_MODEL_MESSAGE = (
    "There is no trained linkage model yet. An analyst trains one from Identity review, "
    "Linkage model, or run `casebridge linkage train`."
)


@dataclass(frozen=True)
class LinkageSummary:
    """What linking a batch of people did: merges made, pairs queued, people left as new."""

    automatic: int
    queued: int
    new: int


def _evidence_json(pair: engine.ScoredPair) -> list[dict[str, Any]]:
    return [
        {"field": item.field, "label": item.label, "match_weight": item.match_weight}
        for item in pair.evidence
    ]


def linkage_model_train(
    *,
    actor: User | None,
    upper_threshold: float | None = None,
    lower_threshold: float | None = None,
) -> LinkageModel:
    """Train a model on the current people and make it the one in use.

    ``actor`` None is the system (the ``linkage train`` command). Thresholds left out come from
    ``definitions/thresholds.yaml``. Training runs outside the transaction, so the database is
    not held for its minutes on a large population; the model and its audit entry are written
    together.

    Raises:
        AccessDenied: the actor may not resolve identities.
        ApplicationError: the thresholds are the wrong way round.
    """
    if actor is not None:
        require_permission(user=actor, action=Action.CHANGE, resource=Resource.IDENTITY)
    defaults = default_thresholds()
    thresholds = checked_thresholds(
        upper=defaults.upper if upper_threshold is None else upper_threshold,
        lower=defaults.lower if lower_threshold is None else lower_threshold,
    )
    records = linkage_records(people=current_people())
    backend = engine.backend_from_settings()
    settings = engine.train_model(records=records_table(records), backend=backend)
    with transaction.atomic():
        LinkageModel.objects.select_for_update().filter(is_current=True).update(is_current=False)
        latest = LinkageModel.objects.aggregate(latest=Max("version"))["latest"] or 0
        model = LinkageModel.objects.create(
            version=latest + 1,
            settings=settings,
            trained_at=timezone.now(),
            trained_by=actor,
            record_count=len(records),
            backend=backend,
            upper_threshold=thresholds.upper,
            lower_threshold=thresholds.lower,
            is_current=True,
        )
        audit_record(
            actor=actor,
            actor_username="" if actor else "system",
            action="create",
            object_type="linkage_model",
            object_id=model.pk,
            summary=f"Trained linkage model {model.version} on {len(records):,} people",
            changes={
                "version": model.version,
                "records": len(records),
                "backend": backend,
                "upper_threshold": thresholds.upper,
                "lower_threshold": thresholds.lower,
            },
        )
    return model


def _merge(
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
    # Only an unmerged record merges, and only into an unmerged one: a merge never hangs off
    # a record that is itself a duplicate.
    if Person.objects.filter(pk=survivor_id, merged_into__isnull=False).exists():
        raise ApplicationError("Merge into the surviving record, not into a merged one.")
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


def people_link(*, actor: User, people: Sequence[Person], source: str) -> LinkageSummary:
    """Match newly recorded people against everyone held, and each other.

    At or above the model's upper threshold an incoming record is merged into the surviving
    record of the person it matches; between the thresholds the pair waits for an analyst;
    below, the person is new. A pair already reviewed is left alone, and a rejected pair (or
    one whose merge was undone) is never linked.

    Automatic links only ever fold an incoming record into another: two records that were
    both held before this run are merged by an analyst or not at all.

    Args:
        people: the people the import just recorded.
        source: where they came from, shown to analysts ("import batch 12").

    Raises:
        AccessDenied: the actor may not resolve identities.
        ApplicationError: there is no trained model yet.
    """
    require_permission(user=actor, action=Action.CHANGE, resource=Resource.IDENTITY)
    model = current_linkage_model()
    if model is None:
        raise ApplicationError(NO_MODEL_MESSAGE)
    incoming_ids = [p.pk for p in people]
    incoming_people = current_people().filter(pk__in=incoming_ids)
    # Scored before the transaction (the slow part, a read); the decisions below re-read the
    # state they depend on inside it.
    pairs = engine.link_incoming(
        model=model.settings,
        existing=records_table(
            linkage_records(people=current_people().exclude(pk__in=incoming_ids))
        ),
        incoming=records_table(linkage_records(people=incoming_people)),
        threshold_weight=model.lower_threshold,
        backend=engine.backend_from_settings(),
    )
    with transaction.atomic():
        return _apply_links(
            actor=actor, model=model, pairs=pairs, incoming_ids=incoming_ids, source=source
        )


def _apply_links(
    *,
    actor: User,
    model: LinkageModel,
    pairs: list[engine.ScoredPair],
    incoming_ids: list[Any],
    source: str,
) -> LinkageSummary:
    order = {str(pk): position for position, pk in enumerate(incoming_ids)}
    identities = Identities.load(
        person_ids={p for pair in pairs for p in (pair.left_id, pair.right_id)}
    )
    merges: list[PersonMerge] = []
    queued: list[MatchReview] = []
    for pair in sorted(pairs, key=lambda p: p.match_weight, reverse=True):
        if identities.decided(pair.left_id, pair.right_id):
            continue
        left, right = identities.survivor(pair.left_id), identities.survivor(pair.right_id)
        if left == right or identities.rejected(left, right):
            continue
        new = [side for side in (left, right) if side in order]
        if pair.match_weight >= model.upper_threshold and new:
            # The later of two incoming records, or the incoming one, is the duplicate.
            duplicate = max(new, key=order.__getitem__)
            survivor = right if duplicate == left else left
            merges.append(
                _merge(
                    actor=actor,
                    duplicate_id=duplicate,
                    survivor_id=survivor,
                    how=PersonMerge.How.AUTOMATIC,
                    weight=pair.match_weight,
                    probability=pair.match_probability,
                    evidence=_evidence_json(pair),
                    source=source,
                )
            )
            identities.merged(duplicate=duplicate, survivor=survivor)
        else:
            queued.append(
                MatchReview.objects.create(
                    incoming_id=pair.left_id,
                    existing_id=pair.right_id,
                    match_weight=pair.match_weight,
                    match_probability=pair.match_probability,
                    evidence=_evidence_json(pair),
                    source=source,
                )
            )
            identities.queued(pair.left_id, pair.right_id)
    touched = {str(m.duplicate_id) for m in merges}
    touched |= {str(pk) for r in queued for pk in (r.incoming_id, r.existing_id)}
    summary = LinkageSummary(
        automatic=len(merges),
        queued=len(queued),
        new=sum(1 for pk in order if pk not in touched),
    )
    audit_record(
        actor=actor,
        action="change",
        object_type="identity",
        summary=(
            f"Linked {len(order)} people from {source}: {summary.automatic} merged "
            f"automatically, {summary.queued} pairs for review, {summary.new} new"
        ),
        changes={
            "source": source,
            "model_version": model.version,
            "people": len(order),
            "automatic": summary.automatic,
            "queued": summary.queued,
            "new": summary.new,
            "merges": [str(m.pk) for m in merges],
            "reviews": [str(r.pk) for r in queued],
        },
    )
    return summary


def _pending(review: MatchReview) -> MatchReview:
    locked = MatchReview.objects.select_for_update().get(pk=review.pk)
    if locked.status != MatchReview.Status.PENDING:
        raise ApplicationError("This pair has been decided already.")
    return locked


@transaction.atomic
def match_confirm(*, actor: User, review: MatchReview) -> PersonMerge | None:
    """The analyst says the pair is one person: the incoming record's surviving record is
    merged into the existing one's. None when they are already the same record."""
    require_permission(user=actor, action=Action.CHANGE, resource=Resource.IDENTITY)
    review = _pending(review)
    identities = Identities.load(person_ids={str(review.incoming_id), str(review.existing_id)})
    duplicate = identities.survivor(str(review.incoming_id))
    survivor = identities.survivor(str(review.existing_id))
    merge = None
    if duplicate != survivor:
        merge = _merge(
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
    review.save(update_fields=["status", "decided_by", "decided_at"])
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
