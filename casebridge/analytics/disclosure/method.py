"""The disclosure method: how the public edition protects small numbers, as configured in the
report definition (``disclosure:`` in reports/definitions/board.yaml). The reasons for the
default are in docs/disclosure-control.md."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from casebridge.core.errors import ApplicationError

SUPPRESSED = "[c]"  # the Government Statistical Service's symbol for a confidential value
ROUNDING, SUPPRESSION, EXACT = "rounding", "suppression", "exact"
DEFAULTS: dict[str, dict[str, int]] = {
    # NHS England's rule for published counts: 1 to 7 suppressed, the rest rounded to 5.
    ROUNDING: {"threshold": 8, "rounding": 5, "group": 10, "protection": 3},
    # Cell suppression: 1 to 4 suppressed, the rest exact, more hidden where need be.
    SUPPRESSION: {"threshold": 5, "rounding": 1, "group": 10, "protection": 3},
}


@dataclass(frozen=True)
class Method:
    """``threshold``: counts from 1 to threshold - 1 are suppressed. ``rounding``: every other
    count is rounded to a multiple of this (1: exact). ``group``: a percentage of 0 or 100 of
    fewer than this is suppressed (it would say something of each one of them). ``protection``:
    however a reader combines the printed figures, a suppressed small count must still be able
    to take at least this many values."""

    name: str
    threshold: int
    rounding: int = 1
    group: int = 0
    protection: int = 1

    @property
    def exact(self) -> bool:
        return self.name == EXACT

    def rounded(self, count: int) -> int:
        """A count rounded to the method's multiple, halves up (as NHS England rounds)."""
        return (count + self.rounding // 2) // self.rounding * self.rounding

    def interval(self, printed: int) -> tuple[int, int]:
        """Every count that prints as ``printed``: a reader knows no more than this of it."""
        if printed == 0 or self.rounding == 1:
            return printed, printed
        low = printed - self.rounding // 2
        return max(low, self.threshold), printed + (self.rounding - 1) // 2

    def describe(self) -> str:
        """The edition's note on how its figures were protected, for the report to print."""
        if self.exact:
            return "Restricted edition: not for publication. Every figure is shown exactly."
        small = f"Counts from 1 to {self.threshold - 1} are shown as {SUPPRESSED}"
        rounded = (
            f"; other counts are rounded to the nearest {self.rounding}, each total on its own, "
            "so a total may differ from the sum of its rounded parts"
            if self.rounding > 1
            else ""
        )
        return (
            f"Public edition. {small}{rounded}. Percentages and rates are worked out from the "
            f"unrounded counts, and shown as {SUPPRESSED} where a count they are built on is "
            f"small; so is a percentage of 0% or 100% of fewer than {self.group}. Where a "
            "hidden figure could still be worked out from the rest of the report (a total, a "
            "year, a percentage and its denominator, another table), further figures are "
            f"shown as {SUPPRESSED} too."
        )


EXACT_METHOD = Method(EXACT, threshold=1)


def method_from(spec: Mapping[str, Any], *, threshold: int | None = None) -> Method:
    """The method a report definition's ``disclosure:`` block names, its settings defaulted by
    the method; ``threshold`` overrides the definition's (the report command's --threshold)."""
    name = spec.get("method", ROUNDING)
    if name not in DEFAULTS:
        raise ApplicationError(f"disclosure method {name!r}: use {' or '.join(DEFAULTS)}.")
    settings = {**DEFAULTS[name], **{k: v for k, v in spec.items() if k != "method"}}
    if threshold is not None:
        settings["threshold"] = threshold
    unknown = set(settings) - set(DEFAULTS[name])
    if unknown:
        raise ApplicationError(f"disclosure: unknown settings {', '.join(sorted(unknown))}.")
    method = Method(name, **{key: int(value) for key, value in settings.items()})
    if method.threshold < 2 or method.rounding < 1:
        raise ApplicationError("disclosure: the threshold is at least 2, the rounding at least 1.")
    if not 1 <= method.protection <= method.threshold - 1:
        raise ApplicationError(
            "disclosure: protection is between 1 and the threshold less one (a suppressed "
            "count need not be harder to tell than the small counts themselves)."
        )
    return method
