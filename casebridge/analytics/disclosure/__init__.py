"""Statistical disclosure control over a whole publication: every printed number is stated in a
``Publication`` with the true counts it is made of, and one pass decides, for the public
edition, which print (exact or rounded) and which are suppressed, then audits that no
suppressed count can be worked out from the rest. See docs/disclosure-control.md."""

from casebridge.analytics.disclosure.facts import NOT_YET_KNOWN, UNDEFINED, Printed, Status
from casebridge.analytics.disclosure.method import (
    EXACT_METHOD,
    SUPPRESSED,
    Method,
    method_from,
)
from casebridge.analytics.disclosure.publication import DisclosureError, Publication
from casebridge.analytics.disclosure.statements import (
    Base,
    Count,
    Linear,
    NotYetKnown,
    Ratio,
)

DEFAULT_THRESHOLD = 5  # the dashboard's per-figure public view (presentation.shown_value)


def protect_count(value: int, *, threshold: int = DEFAULT_THRESHOLD) -> int | None:
    """One count on its own, as the dashboard's public view shows it: hidden when small."""
    return None if 0 < value < threshold else value


__all__ = [
    "DEFAULT_THRESHOLD",
    "EXACT_METHOD",
    "NOT_YET_KNOWN",
    "SUPPRESSED",
    "UNDEFINED",
    "Base",
    "Count",
    "DisclosureError",
    "Linear",
    "Method",
    "NotYetKnown",
    "Printed",
    "Publication",
    "Ratio",
    "Status",
    "method_from",
    "protect_count",
]
