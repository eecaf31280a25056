"""How a figure is printed, in the board report and on the dashboard alike."""

from casebridge.analytics.disclosure import DEFAULT_THRESHOLD, SUPPRESSED, protect_count
from casebridge.analytics.engine import Figure
from casebridge.analytics.registry import Indicator


def format_value(indicator: Indicator, value: float | None) -> str:
    """A figure as a table prints it: "-" where it is undefined (a rate of nothing)."""
    if value is None:
        return "-"
    if indicator.unit == "percent":
        return f"{value:.1f}%"
    if indicator.unit == "rate":
        return f"{value:,.1f}"
    return f"{round(value):,}"


def published_value(figure: Figure, *, public: bool, threshold: int) -> float | None:
    """The figure's value, or None where a public output must not show it: a small count, or a
    percentage or rate built on one."""
    if public and protect_count(int(figure.numerator), threshold=threshold) is None:
        return None
    return figure.value


def shown_value(
    indicator: Indicator, figure: Figure, *, public: bool, threshold: int = DEFAULT_THRESHOLD
) -> str:
    """The figure as printed: [c] where suppressed."""
    value = published_value(figure, public=public, threshold=threshold)
    if value is None and figure.value is not None:
        return SUPPRESSED
    return format_value(indicator, value)
