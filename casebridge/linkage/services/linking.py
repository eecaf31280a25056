"""Linking a batch of newly recorded people to the people already held."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from casebridge.access.policy import Action, Resource, require_permission
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.linkage import engine
from casebridge.linkage.identities import Identities
from casebridge.linkage.models import LinkageModel, MatchReview, PersonMerge
from casebridge.linkage.records import current_people, linkage_records, records_table
from casebridge.linkage.selectors import current_linkage_model
from casebridge.linkage.services.merging import evidence_json, merge_records
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
                merge_records(
                    actor=actor,
                    duplicate_id=duplicate,
                    survivor_id=survivor,
                    how=PersonMerge.How.AUTOMATIC,
                    weight=pair.match_weight,
                    probability=pair.match_probability,
                    evidence=evidence_json(pair),
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
                    evidence=evidence_json(pair),
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
