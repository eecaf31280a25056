"""Confirming a band of pairs at once: the analyst picks match weights where the estimated
precision is good enough for them, sees it, and confirms up to ``BAND_LIMIT`` pairs in one go.

Each pair goes through ``match_confirm``, as if confirmed alone (so whatever stops a merge there
stops it here, and that pair is left for a person to look at), and each review keeps the band
and the precision shown for it: a label the calibration reads like any other.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import transaction
from django.template.defaultfilters import pluralize

from casebridge.access.policy import Action, Resource, require_permission
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.linkage.calibration import BandEstimate, estimate_band, undated
from casebridge.linkage.models import MatchReview
from casebridge.linkage.queue import queued_pairs
from casebridge.linkage.selectors import current_linkage_model
from casebridge.linkage.services.decisions import match_confirm
from casebridge.linkage.services.linking import NO_MODEL_MESSAGE

# At most this many pairs per action: enough to clear a band in a few clicks, few enough that
# an analyst has looked at the band's examples and estimate before each.
BAND_LIMIT = 200


@dataclass(frozen=True)
class BandOutcome:
    confirmed: list[UUID]
    # Pairs the confirm service would not merge, with its reason: they stay in the queue.
    refused: list[tuple[UUID, str]]
    # Pairs no longer in the band's queue (decided meanwhile, or one person now).
    skipped: list[UUID]


def band_estimate(*, actor: User, lower: float, upper: float) -> BandEstimate:
    """The estimate shown before a band is confirmed."""
    require_permission(user=actor, action=Action.CHANGE, resource=Resource.IDENTITY)
    if lower >= upper:
        raise ApplicationError("The lower match weight must be below the upper one.")
    model = current_linkage_model()
    if model is None:
        raise ApplicationError(NO_MODEL_MESSAGE)
    return estimate_band(
        model=model, lower=lower, upper=upper, undated_share=_undated_share(lower, upper)
    )


def _undated_share(lower: float, upper: float) -> float:
    """The share of the band's pending pairs where a record lacks a date of birth: those are
    estimated as their own calibration class. Read from their evidence (a band is hundreds)."""
    pending = MatchReview.objects.filter(
        status=MatchReview.Status.PENDING, match_weight__gte=lower, match_weight__lt=upper
    ).values_list("evidence", flat=True)
    classes = [undated(evidence or []) for evidence in pending.iterator(chunk_size=2000)]
    return sum(classes) / len(classes) if classes else 0.0


def match_confirm_band(
    *,
    actor: User,
    lower: float,
    upper: float,
    review_ids: Sequence[UUID],
    source: str | None = None,
) -> BandOutcome:
    """Confirm the pairs the analyst was shown in a band (``review_ids``, at most
    ``BAND_LIMIT``); those that have left the band's queue since are skipped.

    Raises:
        AccessDenied: the actor may not resolve identities.
        ApplicationError: no model, a band upside down, or too many pairs at once.
    """
    if len(review_ids) > BAND_LIMIT:
        raise ApplicationError(f"Confirm at most {BAND_LIMIT} pairs at a time.")
    estimate = band_estimate(actor=actor, lower=lower, upper=upper)
    in_band = {pair.review_id for pair in queued_pairs(source=source, lower=lower, upper=upper)}
    wanted = [pk for pk in dict.fromkeys(review_ids) if pk in in_band]
    band: dict[str, Any] = {
        "lower": lower,
        "upper": upper,
        "expected_precision": estimate.expected_precision,
        "from_decisions": estimate.from_decisions,
        "pairs": len(wanted),
    }
    confirmed: list[UUID] = []
    refused: list[tuple[UUID, str]] = []
    reviews = MatchReview.objects.in_bulk(wanted)
    with transaction.atomic():
        for pk in wanted:
            try:
                match_confirm(actor=actor, review=reviews[pk], band=band)
            except ApplicationError as error:
                refused.append((pk, error.message))
            else:
                confirmed.append(pk)
        outcome = BandOutcome(confirmed, refused, [pk for pk in review_ids if pk not in in_band])
        audit_record(
            actor=actor,
            action="change",
            object_type="identity",
            summary=(
                f"Confirmed {len(confirmed)} pair{pluralize(len(confirmed))} with match weight "
                f"{lower:g} to {upper:g} "
                f"as the same people (estimated precision {estimate.expected_precision:.3f})"
            ),
            changes={
                "band": band,
                "confirmed": [str(pk) for pk in confirmed],
                "refused": {str(pk): message for pk, message in refused},
                "skipped": [str(pk) for pk in outcome.skipped],
            },
        )
    return outcome
