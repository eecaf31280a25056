"""The thresholds a new model is used with unless told: ``definitions/thresholds.yaml``."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from casebridge.core.errors import ApplicationError

THRESHOLDS_FILE = Path(__file__).parent / "definitions" / "thresholds.yaml"


@dataclass(frozen=True)
class Thresholds:
    """Match weights: at or above ``upper`` a pair links automatically; from ``lower`` up to
    ``upper`` an analyst decides; below ``lower`` the records are different people."""

    upper: float
    lower: float


def checked_thresholds(*, upper: float, lower: float) -> Thresholds:
    if not lower < upper:
        raise ApplicationError(
            "The lower threshold must be below the upper threshold.", field="lower_threshold"
        )
    return Thresholds(upper=upper, lower=lower)


@cache
def default_thresholds() -> Thresholds:
    data = yaml.safe_load(THRESHOLDS_FILE.read_text(encoding="utf-8"))
    return checked_thresholds(upper=float(data["upper"]), lower=float(data["lower"]))
