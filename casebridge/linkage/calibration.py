"""How precise and complete linking is at each threshold, and the operating thresholds chosen
from that evidence rather than fixed.

Two sources of evidence, combined band by band (a band is the pairs of one whole match weight):

- the model: training counts the candidate pairs of its population in each band
  (``engine.weight_bands``); each band's share of true matches is read from its weight, less
  the overstatement measured on the synthetic borough (``definitions/thresholds.yaml``);
- the analysts: every pair confirmed or rejected by an analyst (an undone merge counts as a
  rejection) is a label. A band's estimate is the labels' share of "same person", with the
  model's estimate counted as ``model_estimate_weight`` labels more: a band with a few
  decisions barely moves, one with hundreds follows the analysts.

Precision at a threshold is the estimated true matches among all pairs at or above it, recall
the estimated true matches there among all estimated true matches.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Floor

from casebridge.linkage.engine import MODEL_EXTRAS
from casebridge.linkage.models import LinkageModel, MatchReview
from casebridge.linkage.thresholds import (
    CalibrationTargets,
    Thresholds,
    calibration_targets,
    default_thresholds,
)


@dataclass(frozen=True)
class BandEstimate:
    """The pairs the model scored from ``lower`` up to ``upper`` and the share of them
    estimated to be one person (what confirming all of them would get right)."""

    lower: float
    upper: float
    pairs: int
    expected_precision: float
    from_decisions: int
    observed_precision: float | None  # the share of the analysts' decisions that confirmed


@dataclass(frozen=True)
class ThresholdEstimate:
    """Linking every pair at or above ``threshold``: how many, how many wrongly, what share of
    the true pairs."""

    threshold: float
    pairs: int
    expected_false_links: float
    precision: float
    recall: float


@dataclass(frozen=True)
class _Band:
    weight: int
    pairs: float
    precision: float
    decisions: int
    confirmed: int


def has_calibration(model: LinkageModel) -> bool:
    return bool(model.settings.get(MODEL_EXTRAS, {}).get("weight_bands"))


def thresholds_given(model: LinkageModel) -> bool:
    """Whether whoever trained the model set its thresholds, so calibration does not move them."""
    return bool(model.settings.get(MODEL_EXTRAS, {}).get("thresholds_given"))


def _decisions_by_band() -> dict[int, tuple[int, int]]:
    """Analysts' decisions per whole match weight: (same person, different people)."""
    rows = (
        MatchReview.objects.filter(decided_by__isnull=False)
        .exclude(status=MatchReview.Status.PENDING)
        .annotate(band=Floor("match_weight"))
        .values("band")
        .annotate(
            confirmed=Count("pk", filter=Q(status=MatchReview.Status.CONFIRMED)),
            rejected=Count("pk", filter=Q(status=MatchReview.Status.REJECTED)),
        )
    )
    return {int(row["band"]): (row["confirmed"], row["rejected"]) for row in rows}


def band_precision(
    *, weight: float, confirmed: int, rejected: int, targets: CalibrationTargets
) -> float:
    """One band's estimated share of true matches: the model's (its weight, discounted),
    counted as ``model_estimate_weight`` decisions, pooled with the analysts' decisions."""
    middle = weight + 0.5 - targets.weight_overstatement
    from_model = 1.0 / (1.0 + 2.0**-middle)
    prior = targets.model_estimate_weight
    return (confirmed + prior * from_model) / (confirmed + rejected + prior)


def _bands(model: LinkageModel) -> list[_Band]:
    targets = calibration_targets()
    decisions = _decisions_by_band()
    bands = []
    for weight, pairs, _expected in model.settings.get(MODEL_EXTRAS, {}).get("weight_bands", []):
        confirmed, rejected = decisions.get(int(weight), (0, 0))
        precision = band_precision(
            weight=weight, confirmed=confirmed, rejected=rejected, targets=targets
        )
        bands.append(_Band(int(weight), pairs, precision, confirmed + rejected, confirmed))
    return bands


def threshold_estimates(*, model: LinkageModel) -> list[ThresholdEstimate]:
    """Precision and recall at each whole match weight the model scored pairs at, highest
    first: the table on the model page."""
    return _cumulative(_bands(model))


def _cumulative(bands: Sequence[_Band]) -> list[ThresholdEstimate]:
    true_total = sum(band.pairs * band.precision for band in bands) or 1.0
    estimates, pairs, true = [], 0.0, 0.0
    for band in sorted(bands, key=lambda b: b.weight, reverse=True):
        pairs += band.pairs
        true += band.pairs * band.precision
        estimates.append(
            ThresholdEstimate(
                threshold=float(band.weight),
                pairs=round(pairs),
                expected_false_links=pairs - true,
                precision=true / pairs if pairs else 1.0,
                recall=true / true_total,
            )
        )
    return estimates


def estimate_band(*, model: LinkageModel, lower: float, upper: float) -> BandEstimate:
    """The pairs scoring from ``lower`` up to (not including) ``upper`` and their estimated
    precision: what an analyst confirming the whole band would get right."""
    inside = [band for band in _bands(model) if band.weight + 1 > lower and band.weight < upper]
    pairs = sum(band.pairs for band in inside)
    true = sum(band.pairs * band.precision for band in inside)
    decisions = sum(band.decisions for band in inside)
    return BandEstimate(
        lower=lower,
        upper=upper,
        pairs=round(pairs),
        expected_precision=true / pairs if pairs else 0.0,
        from_decisions=decisions,
        observed_precision=sum(band.confirmed for band in inside) / decisions
        if decisions
        else None,
    )


def operating_thresholds(*, model: LinkageModel) -> Thresholds:
    """The thresholds to link with now.

    Upper: the lowest whole weight from which every threshold above keeps the estimated
    precision of automatic links at the target (0.999). Lower: the lowest weight below that
    from which every band up to it is estimated at least ``review_precision`` one person.
    A model with thresholds given at training, or without calibration, keeps its own.
    """
    if thresholds_given(model) or not has_calibration(model):
        return Thresholds(upper=model.upper_threshold, lower=model.lower_threshold)
    return choose_thresholds(bands=_bands(model), targets=calibration_targets())


def choose_thresholds(*, bands: Sequence[_Band], targets: CalibrationTargets) -> Thresholds:
    ordered = sorted(bands, key=lambda b: b.weight, reverse=True)
    if not ordered:
        return default_thresholds()
    upper = float(ordered[0].weight + 1)
    for estimate in _cumulative(ordered):
        if estimate.precision < targets.automatic_precision:
            break
        upper = estimate.threshold
    lower = upper - 1
    for band in ordered:
        if band.weight >= upper:
            continue
        if band.precision < targets.review_precision:
            break
        lower = float(band.weight)
    return Thresholds(upper=upper, lower=min(lower, upper - 1))


@dataclass(frozen=True)
class Calibration:
    """What the model page shows: the thresholds in use now, how they were chosen, and the
    estimates at each threshold."""

    thresholds: Thresholds
    chosen_by: str
    decisions: int
    estimates: list[ThresholdEstimate]
    training_note: str


def model_calibration(*, model: LinkageModel) -> Calibration:
    if thresholds_given(model):
        chosen_by = "given when the model was trained"
    elif has_calibration(model):
        chosen_by = "chosen by calibration"
    else:
        chosen_by = "fixed (the model was trained before calibration; retrain it)"
    bands = _bands(model)
    return Calibration(
        thresholds=operating_thresholds(model=model),
        chosen_by=chosen_by,
        decisions=sum(band.decisions for band in bands),
        estimates=[e for e in _cumulative(bands) if e.threshold >= 0],
        training_note=model.settings.get(MODEL_EXTRAS, {}).get("training_note", ""),
    )
