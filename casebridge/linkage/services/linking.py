"""Linking a batch of newly recorded people to the people already held."""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from casebridge.access.policy import Action, Resource, require_permission
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.core.bulk import insert_rows
from casebridge.core.errors import ApplicationError
from casebridge.linkage.calibration import operating_thresholds
from casebridge.linkage.identities import Identities
from casebridge.linkage.models import LinkageModel, MatchReview
from casebridge.linkage.records import (
    LinkageRecord,
    current_people,
    linkage_records,
    records_table,
)
from casebridge.linkage.rules import HardRules
from casebridge.linkage.scores import MISSING_LABEL, MODEL_EXTRAS, ScoredPair
from casebridge.linkage.selectors import current_linkage_model
from casebridge.linkage.services.merging import evidence_json, merge_row, merges_write
from casebridge.linkage.thresholds import Thresholds, calibration_targets
from casebridge.people.models import Person
from casebridge.people.selectors import IDS_PER_QUERY

# How the reason of a pair a hard rule kept apart starts.
KEPT_APART = "Kept apart by a rule"
NO_MODEL_MESSAGE = (
    "There is no trained linkage model yet. An analyst trains one from Identity review, "
    "Linkage model, or run `casebridge linkage train`."
)


@dataclass(frozen=True)
class LinkageSummary:
    """What linking a batch of people did, counted in people so that the counts add up:
    ``automatic + queued + new`` is every person given. ``automatic`` counts the people now one
    identity with a record held (``already`` of them were before this run); ``queued`` those
    only in pairs waiting for an analyst, queued by this run (``pairs_queued`` pairs) or an
    earlier one; ``new`` the rest."""

    automatic: int
    queued: int
    new: int
    already: int = 0
    pairs_queued: int = 0
    kept_apart: int = 0

    @property
    def people(self) -> int:
        return self.automatic + self.queued + self.new

    def sentence(self) -> str:
        already = f" ({self.already:,} of them before this run)" if self.already else ""
        pairs = f"{self.pairs_queued:,} pair{pluralize(self.pairs_queued)}"
        return (
            f"{self.automatic:,} linked to people already held{already}, {self.queued:,} "
            f"waiting for an analyst to review ({pairs}), {self.new:,} new."
        )


def people_link(*, actor: User, person_ids: Iterable[uuid.UUID], source: str) -> LinkageSummary:
    """Match people (those an import recorded) against everyone held, and each other.

    At or above the operating upper threshold (``calibration.operating_thresholds``: where the
    estimated precision of automatic links reaches the target) the two records are merged,
    whether one is new or both were held: a merge can be undone. Between the thresholds the
    pair waits for an analyst; below, the person is new. A pair a hard rule keeps apart
    (``rules.py``) is neither merged nor queued: it is recorded as different people with the
    rule's reason. A pair already reviewed is left alone, and a rejected pair (or one whose
    merge was undone) is never linked.

    People already merged into another record are counted, not matched again: they are linked.

    Args:
        person_ids: the ids of the people the import recorded; read only once the actor and
            a trained model allow linking (a lazy queryset of an import's ids costs nothing
            when they don't).
        source: where they came from, shown to analysts ("import batch 12").

    Raises:
        AccessDenied: the actor may not resolve identities.
        ApplicationError: there is no trained model yet.
    """
    require_permission(user=actor, action=Action.CHANGE, resource=Resource.IDENTITY)
    model = current_linkage_model()
    if model is None:
        raise ApplicationError(NO_MODEL_MESSAGE)
    thresholds = operating_thresholds(model=model)
    incoming_ids = list(person_ids)
    # Everyone held is read once and split, rather than named in a query: an import's people
    # are hundreds of thousands, more than a query may name.
    given = {str(pk) for pk in incoming_ids}
    incoming: list[LinkageRecord] = []
    existing: list[LinkageRecord] = []
    for record in linkage_records(people=current_people()):
        (incoming if record["unique_id"] in given else existing).append(record)
    # Imported here: the engine loads Splink, DuckDB and Arrow (about a second of CPU), which
    # only linking needs, not every process that loads the linkage pages.
    from casebridge.linkage import engine

    # Scored before the transaction (the slow part, a read); the decisions below re-read the
    # state they depend on inside it.
    pairs = engine.link_incoming(
        model=model.settings,
        existing=records_table(existing),
        incoming=records_table(incoming),
        threshold_weight=thresholds.lower,
        backend=engine.backend_from_settings(),
    )
    paired = {record_id for pair in pairs for record_id in (pair.left_id, pair.right_id)}
    household = household_pairs(
        pairs=pairs,
        born={
            r["unique_id"]: r["date_of_birth"]
            for r in (*incoming, *existing)
            if r["unique_id"] in paired
        },
        weight=model.settings.get(MODEL_EXTRAS, {}).get(
            "household_weight", engine.HOUSEHOLD_WEIGHT
        ),
    )
    with transaction.atomic():
        return _apply_links(
            actor=actor,
            model=model,
            thresholds=thresholds,
            pairs=pairs,
            incoming_ids=incoming_ids,
            source=source,
            household=household,
        )


def household_pairs(
    *, pairs: Sequence[ScoredPair], born: dict[str, str | None], weight: float
) -> set[tuple[str, str]]:
    """The pairs (left id, right id) where a record lacks a date of birth and has another
    candidate among ``pairs``, scoring ``weight`` or more without dates of birth, whose date of
    birth is more than a year from the other record's: two people of its name are on file (a
    father and his son), and it may be either. As training counts it (``engine
    ._household_sides_sql``); only the candidates this run scored are seen."""
    candidates: dict[str, list[str]] = defaultdict(list)
    for pair in pairs:
        if pair.match_weight - _date_of_birth_weight(pair) >= weight:
            candidates[pair.left_id].append(pair.right_id)
            candidates[pair.right_id].append(pair.left_id)
    flagged = set()
    for pair in pairs:
        for undated_id, dated_id in ((pair.left_id, pair.right_id), (pair.right_id, pair.left_id)):
            dated = born.get(dated_id)
            if born.get(undated_id) is not None or dated is None:
                continue
            day = date.fromisoformat(dated)
            if any(
                other != dated_id
                and (other_born := born.get(other)) is not None
                and abs((date.fromisoformat(other_born) - day).days) > 365
                for other in candidates[undated_id]
            ):
                flagged.add((pair.left_id, pair.right_id))
    return flagged


def _date_of_birth_weight(pair: ScoredPair) -> float:
    return sum(item.match_weight for item in pair.evidence if item.field == "date_of_birth")


def _apply_links(
    *,
    actor: User,
    model: LinkageModel,
    thresholds: Thresholds,
    pairs: list[ScoredPair],
    incoming_ids: list[Any],
    source: str,
    household: set[tuple[str, str]],
) -> LinkageSummary:
    order = {str(pk): position for position, pk in enumerate(incoming_ids)}
    identities = Identities.load(
        person_ids={p for pair in pairs for p in (pair.left_id, pair.right_id)} | set(order)
    )
    rules = HardRules.load(
        person_ids={identities.survivor(p) for pair in pairs for p in (pair.left_id, pair.right_id)}
    )
    already = {pk for pk in order if identities.survivor(pk) != pk} | _with_merged_records(order)
    # Written set-based after the run has decided every pair: an import links thousands.
    merges: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    queued = 0
    kept_apart = 0
    now = timezone.now()
    needs = calibration_targets().automatic_link_needs
    for pair in sorted(pairs, key=lambda p: p.match_weight, reverse=True):
        if identities.decided(pair.left_id, pair.right_id):
            continue
        left, right = identities.survivor(pair.left_id), identities.survivor(pair.right_id)
        if left == right or identities.rejected(left, right) or identities.decided(left, right):
            continue
        reason = rules.reason(left, right)
        if reason is not None:
            reviews.append(_kept_apart(pair=pair, source=source, reason=reason, now=now))
            identities.kept_apart(pair.left_id, pair.right_id)
            kept_apart += 1
        elif _links_automatically(
            pair,
            thresholds=thresholds,
            needs=needs,
            household=(pair.left_id, pair.right_id) in household,
        ):
            duplicate, survivor = _duplicate_and_survivor(left, right, order)
            merges.append(
                merge_row(
                    actor=actor,
                    duplicate_id=duplicate,
                    survivor_id=survivor,
                    weight=pair.match_weight,
                    probability=pair.match_probability,
                    evidence=evidence_json(pair),
                    source=source,
                    merged_at=now,
                )
            )
            identities.merged(duplicate=duplicate, survivor=survivor)
            rules.merged(duplicate=duplicate, survivor=survivor)
        else:
            reviews.append(_review(pair=pair, source=source, now=now))
            queued += 1
            identities.queued(pair.left_id, pair.right_id)
            # One question per two people, however many of their records paired.
            identities.queued(left, right)
    merges_write(merges)
    insert_rows(MatchReview, reviews)
    summary = _summary(
        order=order, identities=identities, already=already, queued=queued, kept_apart=kept_apart
    )
    audit_record(
        actor=actor,
        action="change",
        object_type="identity",
        summary=f"Linked {len(order)} people from {source}: {summary.sentence()}",
        changes={
            "source": source,
            "model_version": model.version,
            "upper_threshold": thresholds.upper,
            "lower_threshold": thresholds.lower,
            "people": len(order),
            "automatic": summary.automatic,
            "already": summary.already,
            "queued": summary.queued,
            "pairs_queued": summary.pairs_queued,
            "kept_apart": kept_apart,
            "new": summary.new,
            "merges": [str(m["id"]) for m in merges],
            "reviews": [str(r["id"]) for r in reviews if r["status"] == MatchReview.Status.PENDING],
        },
    )
    return summary


def _links_automatically(
    pair: ScoredPair, *, thresholds: Thresholds, needs: tuple[str, ...], household: bool
) -> bool:
    """Whether the pair clears its class's automatic threshold: that of pairs with dates of
    birth, or of undated pairs with the household flag or without (``calibration.py``); never
    when a record lacks a field an automatic link needs."""
    missing = {item.field for item in pair.evidence if item.label == MISSING_LABEL}
    if missing & set(needs):
        return False
    if "date_of_birth" not in missing:
        return pair.match_weight >= thresholds.upper
    upper = thresholds.household_upper if household else thresholds.undated_upper
    return upper is not None and pair.match_weight >= upper


def _with_merged_records(ids: dict[str, int]) -> set[str]:
    """Which of these people have another record merged into them already."""
    wanted = list(ids)
    merged: set[str] = set()
    for start in range(0, len(wanted), IDS_PER_QUERY):
        people = Person.objects.filter(merged_into__in=wanted[start : start + IDS_PER_QUERY])
        merged |= {str(pk) for pk in people.values_list("merged_into", flat=True)}
    return merged


def _duplicate_and_survivor(left: str, right: str, order: dict[str, int]) -> tuple[str, str]:
    """The later of two incoming records, or the incoming one, is folded into the other; of
    two records both held before, the incoming side's (``left``)."""
    new = [side for side in (left, right) if side in order]
    if len(new) == 1 or not new:
        duplicate = new[0] if new else left
    else:
        duplicate = max(new, key=order.__getitem__)
    return duplicate, right if duplicate == left else left


def _review(*, pair: ScoredPair, source: str, now: datetime, **decision: Any) -> dict[str, Any]:
    """The pair as a review's row: pending for an analyst, unless ``decision`` says otherwise."""
    return {
        "id": uuid.uuid4(),
        "incoming_id": uuid.UUID(str(pair.left_id)),
        "existing_id": uuid.UUID(str(pair.right_id)),
        "match_weight": pair.match_weight,
        "match_probability": pair.match_probability,
        "evidence": evidence_json(pair),
        "source": source,
        "status": MatchReview.Status.PENDING,
        "created_at": now,
        "decided_at": None,
        "decision_reason": "",
        **decision,
    }


def _kept_apart(*, pair: ScoredPair, source: str, reason: str, now: datetime) -> dict[str, Any]:
    return _review(
        pair=pair,
        source=source,
        now=now,
        status=MatchReview.Status.REJECTED,
        decided_at=now,
        decision_reason=f"{KEPT_APART}: {reason}",
    )


def _summary(
    *,
    order: dict[str, int],
    identities: Identities,
    already: set[str],
    queued: int,
    kept_apart: int,
) -> LinkageSummary:
    # A person is linked when their identity holds another record: merged into one, or one
    # merged into them (in this run or before).
    linked = already | {
        pk for pk in order if identities.survivor(pk) != pk or identities.has_merged_into(pk)
    }
    # Waiting: in a pair queued now or by an earlier run that is still undecided.
    waiting = {pk for pk in order if pk not in linked and identities.pending(pk)}
    return LinkageSummary(
        automatic=len(linked),
        queued=len(waiting),
        new=len(order) - len(linked) - len(waiting),
        already=len(already),
        pairs_queued=queued,
        kept_apart=kept_apart,
    )
