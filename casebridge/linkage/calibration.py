"""How precise and complete linking is at each threshold, and the operating thresholds chosen
from that evidence rather than fixed.

Two sources of evidence, combined band by band (a band is the pairs of one whole match weight):

- the model: training counts the candidate pairs of its population in each band, those with
  dates of birth and given names (``engine.calibration_counts``); each band's share of true
  matches is read from its weight, less the overstatement measured on the synthetic borough
  (``definitions/thresholds.yaml``);
- the analysts: every pair confirmed or rejected by an analyst (an undone merge counts as a
  rejection) is a label. A band's estimate is the labels' share of "same person", with the
  model's estimate counted as ``model_estimate_weight`` labels more: a band with a few
  decisions barely moves, one with hundreds follows the analysts.

Precision at a threshold is the estimated true matches among all pairs at or above it, recall
the estimated true matches there among all estimated true matches.

Pairs where a record lacks a date of birth are a class of their own, with their own automatic
threshold: nothing in them tells a same-named parent and child at one address apart, so their
weight is worth less than the same weight of a pair with dates. How much less is measured on the
pairs that have dates: each is scored again without its dates of birth (``engine
.calibration_counts``), and the share of those scoring ``w`` that their dates say are one person
(their full weight's estimate above) is the undated class's estimate at ``w``. Analysts'
decisions on undated pairs are pooled with it band by band, as above.

The undated class is split in two by one more piece of evidence, each part with its own
threshold: whether the record without a date has another candidate of its name on file whose
date of birth is more than a year from the other record's (``engine.household_flags``): a
father and his same-named son both held, so the undated record may be either. Training counts
the dated pairs in the same two parts (a record's date hidden, its other candidates' dates
compared), so the data say how much the flag is worth; no fixed rule.
"""

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from casebridge.linkage.models import LinkageModel, MatchReview
from casebridge.linkage.scores import MISSING_LABEL, MODEL_EXTRAS
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


# Analysts' decisions per whole match weight: (same person, different people).
_Decisions = dict[int, tuple[int, int]]


def undated(evidence: Sequence[dict]) -> bool:
    """Whether a pair (its evidence as stored) is of the undated class: a date of birth missing
    on one side or both, the given names on both."""
    missing = {item["field"] for item in evidence if item["label"] == MISSING_LABEL}
    return "date_of_birth" in missing and "given_name" not in missing


def _decisions_by_band() -> tuple[_Decisions, _Decisions]:
    """Analysts' decisions per whole match weight, of pairs with dates of birth and of undated
    pairs (which only their stored evidence tells apart, so they are read, not counted in SQL:
    decisions are thousands, not millions)."""
    counts: dict[bool, dict[int, list[int]]] = {
        False: defaultdict(lambda: [0, 0]),
        True: defaultdict(lambda: [0, 0]),
    }
    rows = (
        MatchReview.objects.filter(decided_by__isnull=False)
        .exclude(status=MatchReview.Status.PENDING)
        .values_list("match_weight", "status", "evidence")
    )
    for weight, status, evidence in rows.iterator(chunk_size=2000):
        tally = counts[undated(evidence or [])][math.floor(weight)]
        tally[0 if status == MatchReview.Status.CONFIRMED else 1] += 1
    dated, without = (
        {band: (c, r) for band, (c, r) in counts[key].items()} for key in (False, True)
    )
    return dated, without


def band_precision(
    *, weight: float, confirmed: int, rejected: int, targets: CalibrationTargets
) -> float:
    """One band's estimated share of true matches: the model's (its weight, discounted),
    counted as ``model_estimate_weight`` decisions, pooled with the analysts' decisions."""
    middle = weight + 0.5 - targets.weight_overstatement
    from_model = 1.0 / (1.0 + 2.0**-middle)
    return _pooled(from_model, confirmed=confirmed, rejected=rejected, targets=targets)


def _pooled(
    estimate: float, *, confirmed: int, rejected: int, targets: CalibrationTargets
) -> float:
    prior = targets.model_estimate_weight
    return (confirmed + prior * estimate) / (confirmed + rejected + prior)


def _bands(model: LinkageModel, decisions: _Decisions | None = None) -> list[_Band]:
    targets = calibration_targets()
    if decisions is None:
        decisions = _decisions_by_band()[0]
    bands = []
    for weight, pairs, _expected in model.settings.get(MODEL_EXTRAS, {}).get("weight_bands", []):
        confirmed, rejected = decisions.get(int(weight), (0, 0))
        precision = band_precision(
            weight=weight, confirmed=confirmed, rejected=rejected, targets=targets
        )
        bands.append(_Band(int(weight), pairs, precision, confirmed + rejected, confirmed))
    return bands


def _household(row: Sequence[float], length: int) -> bool:
    """A stored row's household flag (its last column; a model trained before it has none)."""
    return len(row) > length and bool(row[length])


def _undated_bands(
    model: LinkageModel,
    *,
    household: bool = False,
    decisions: tuple[_Decisions, _Decisions] | None = None,
) -> list[_Band]:
    """The undated class's bands, of the pairs with the household flag or without: each band's
    pairs, and the share of them estimated one person from the dated pairs that score as much
    without their dates and have the same flag (see the module's docstring), pooled with the
    analysts' decisions on undated pairs of that band. A band's share is drawn towards the
    share of its whole part, as if ``model_estimate_weight`` more pairs had it: a band of a
    dozen pairs, all one person by chance, does not set a threshold (nor does a band no dated
    pair scores without its dates). With no such pairs at all (a model trained before they
    were counted) a band falls back on the model's own estimate."""
    targets = calibration_targets()
    dated_decisions, undated_decisions = decisions or _decisions_by_band()
    extras = model.settings.get(MODEL_EXTRAS, {})
    hidden: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in extras.get("undated_evidence", []):
        if _household(row, 3) != household:
            continue
        without, weight, pairs = row[:3]
        confirmed, rejected = dated_decisions.get(int(weight), (0, 0))
        one_person = band_precision(
            weight=weight, confirmed=confirmed, rejected=rejected, targets=targets
        )
        hidden[int(without)][0] += pairs
        hidden[int(without)][1] += pairs * one_person
    seen_all = sum(seen for seen, _ in hidden.values())
    share_all = sum(true for _, true in hidden.values()) / seen_all if seen_all else None
    prior = targets.model_estimate_weight
    bands = []
    for row in extras.get("undated_bands", []):
        if _household(row, 2) != household:
            continue
        weight, pairs = row[:2]
        seen, true = hidden.get(int(weight), (0.0, 0.0))
        confirmed, rejected = undated_decisions.get(int(weight), (0, 0))
        if share_all is not None:
            share = (true + prior * share_all) / (seen + prior)
            precision = _pooled(share, confirmed=confirmed, rejected=rejected, targets=targets)
        else:
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


def estimate_band(
    *, model: LinkageModel, lower: float, upper: float, undated_share: float = 0.0
) -> BandEstimate:
    """The pairs scoring from ``lower`` up to (not including) ``upper`` and their estimated
    precision: what an analyst confirming the whole band would get right. ``undated_share`` of
    the band's pairs lack a date of birth, and are estimated as their class is (both parts of
    it together: a review does not keep the household flag); the rest as pairs with dates."""

    def inside(bands: Sequence[_Band]) -> list[_Band]:
        return [band for band in bands if band.weight + 1 > lower and band.weight < upper]

    decisions = _decisions_by_band()
    dated = inside(_bands(model, decisions[0]))
    unflagged = inside(_undated_bands(model, household=False, decisions=decisions))
    undated = unflagged + inside(_undated_bands(model, household=True, decisions=decisions))

    def precision(bands: Sequence[_Band]) -> float:
        pairs = sum(band.pairs for band in bands)
        return sum(band.pairs * band.precision for band in bands) / pairs if pairs else 0.0

    # Decisions on undated pairs are pooled into both parts alike: counted once, from one.
    decided = [*(dated if undated_share < 1 else []), *(unflagged if undated_share > 0 else [])]
    count = sum(band.decisions for band in decided)
    return BandEstimate(
        lower=lower,
        upper=upper,
        pairs=round(sum(band.pairs for band in dated)),
        expected_precision=(1 - undated_share) * precision(dated)
        + undated_share * precision(undated),
        from_decisions=count,
        observed_precision=sum(band.confirmed for band in decided) / count if count else None,
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
    targets = calibration_targets()
    decisions = _decisions_by_band()
    chosen = choose_thresholds(bands=_bands(model, decisions[0]), targets=targets)

    def undated_upper(household: bool) -> float | None:
        bands = _undated_bands(model, household=household, decisions=decisions)
        upper = choose_undated_upper(bands=bands, targets=targets)
        # Never below the dated pairs' threshold: an undated pair has less evidence, not more.
        return None if upper is None else max(upper, chosen.upper)

    return replace(chosen, undated_upper=undated_upper(False), household_upper=undated_upper(True))


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


def choose_undated_upper(*, bands: Sequence[_Band], targets: CalibrationTargets) -> float | None:
    """The lowest whole weight from which every threshold above keeps the undated class's
    estimated precision at the target, or None: its pairs are never linked automatically
    (there are none, or even its best band falls short, or the definitions say so)."""
    if not targets.link_undated_pairs:
        return None
    upper = None
    for estimate in _cumulative(bands):
        if estimate.precision < targets.automatic_precision:
            break
        upper = estimate.threshold
    return upper


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
