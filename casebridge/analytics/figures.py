"""A computed figure: plain data, so pages, exports and reports read figures without loading the
engine's Ibis (``engine.py`` computes them)."""

from dataclasses import dataclass
from datetime import date

Number = int | float


@dataclass(frozen=True)
class Figure:
    indicator: str
    period: str
    numerator: Number
    denominator: Number | None
    value: Number | None  # None when the denominator is nought, or not yet known
    records: int  # snapshot rows behind the numerator (its provenance)
    category: str | None = None  # in a breakdown: the category (None: not recorded)
    # When a follow-up has not matured in the data held: the day the data must reach for the
    # figure to be known. Until then value is None, and numerator and records are nought.
    matures_on: date | None = None
