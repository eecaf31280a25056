"""The thresholds and calibration targets in ``definitions/thresholds.yaml``."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from casebridge.core.errors import ApplicationError

THRESHOLDS_FILE = Path(__file__).parent / "definitions" / "thresholds.yaml"


@dataclass(frozen=True)
class Thresholds:
    """Match weights: at or above ``upper`` a pair links automatically; from ``lower`` up to
    ``upper`` an analyst decides; below ``lower`` the records are different people. A pair
    where a record lacks a date of birth links automatically at or above ``undated_upper``
    instead, and never when it is None; ``household_upper`` likewise when another of its name
    is on file with a date of birth more than a year from the other record's."""

    upper: float
    lower: float
    undated_upper: float | None = None
    household_upper: float | None = None


@dataclass(frozen=True)
class CalibrationTargets:
    """What the operating thresholds are chosen to achieve (see the definitions file)."""

    automatic_precision: float
    review_precision: float
    weight_overstatement: float
    model_estimate_weight: float
    automatic_link_needs: tuple[str, ...]
    link_undated_pairs: bool


def checked_thresholds(*, upper: float, lower: float) -> Thresholds:
    if not lower < upper:
        raise ApplicationError(
            "The lower threshold must be below the upper threshold.", field="lower_threshold"
        )
    return Thresholds(upper=upper, lower=lower)


@cache
def _definitions() -> dict:
    data: dict = yaml.safe_load(THRESHOLDS_FILE.read_text(encoding="utf-8"))
    return data


@cache
def default_thresholds() -> Thresholds:
    data = _definitions()
    return checked_thresholds(upper=float(data["upper"]), lower=float(data["lower"]))


@cache
def calibration_targets() -> CalibrationTargets:
    data = _definitions()
    return CalibrationTargets(
        automatic_precision=float(data["automatic_precision"]),
        review_precision=float(data["review_precision"]),
        weight_overstatement=float(data["weight_overstatement"]),
        model_estimate_weight=float(data["model_estimate_weight"]),
        automatic_link_needs=tuple(data.get("automatic_link_needs", ())),
        link_undated_pairs=bool(data.get("link_undated_pairs", False)),
    )
