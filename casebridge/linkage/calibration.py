"""How precise linking is within a band of match weights: what an analyst is shown before
confirming a band of pairs at once.

A minimal estimate (issue 18's calibration replaces it with the full one, same signature): the
model's own word, the mean match probability of the pending pairs in the band, and, once
analysts have decided pairs in it, the share of those they confirmed.
"""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from casebridge.linkage.models import LinkageModel, MatchReview


@dataclass(frozen=True)
class BandEstimate:
    lower: float
    upper: float
    pairs: int  # pending pairs with a weight in the band
    expected_precision: float  # the share of them expected to be one person
    from_decisions: int  # decided pairs in the band the estimate could learn from
    observed_precision: float | None  # the share of those confirmed, once there are some


def estimate_band(*, model: LinkageModel, lower: float, upper: float) -> BandEstimate:
    """The band is match weights from ``lower`` up to (not including) ``upper``."""
    in_band = MatchReview.objects.filter(match_weight__gte=lower, match_weight__lt=upper)
    pending = in_band.filter(status=MatchReview.Status.PENDING).aggregate(
        pairs=Count("pk"), probability=Avg("match_probability")
    )
    decided = in_band.filter(decided_by__isnull=False).aggregate(
        decisions=Count("pk"), confirmed=Count("pk", filter=Q(status=MatchReview.Status.CONFIRMED))
    )
    decisions = decided["decisions"]
    return BandEstimate(
        lower=lower,
        upper=upper,
        pairs=pending["pairs"],
        expected_precision=pending["probability"] or 0.0,
        from_decisions=decisions,
        observed_precision=decided["confirmed"] / decisions if decisions else None,
    )
