"""How a figure is printed, in the board report and on the dashboard alike."""

from casebridge.agencies.models import Agency
from casebridge.analytics.disclosure import DEFAULT_THRESHOLD, SUPPRESSED, protect_count
from casebridge.analytics.figures import Figure
from casebridge.analytics.registry import Indicator
from casebridge.exploitation.models import MissingEpisode, NrmReferral
from casebridge.people.models import Person

NOT_YET_KNOWN = "Not yet known"


def format_value(indicator: Indicator, value: float | None) -> str:
    """A figure as a table prints it: "-" where it is undefined (a rate of nothing)."""
    if value is None:
        return "-"
    if indicator.unit == "percent":
        return f"{value:.1f}%"
    if indicator.unit in ("rate", "ratio"):
        return f"{value:,.1f}"
    return f"{round(value):,}"


def published_value(figure: Figure, *, public: bool, threshold: int) -> float | None:
    """The figure's value, or None where a public output must not show it: a small count, or a
    percentage or rate built on one. None too while the figure is not yet known."""
    if figure.matures_on is not None:
        return None
    if public and protect_count(int(figure.numerator), threshold=threshold) is None:
        return None
    return figure.value


def shown_value(
    indicator: Indicator, figure: Figure, *, public: bool, threshold: int = DEFAULT_THRESHOLD
) -> str:
    """The figure as printed: [c] where suppressed, "Not yet known" where its follow-up has not
    matured in the data held (neither nought nor suppressed: there is no figure yet)."""
    if figure.matures_on is not None:
        return NOT_YET_KNOWN
    value = published_value(figure, public=public, threshold=threshold)
    if value is None and figure.value is not None:
        return SUPPRESSED
    return format_value(indicator, value)


def maturity_note(figure: Figure) -> str:
    """Why a figure is not yet known, for beside it or under a table; "" when it is known."""
    if figure.matures_on is None:
        return ""
    return (
        f"{figure.period}: not yet known. Its follow-up and waiting period end with the records "
        f"of {figure.matures_on:%-d %B %Y}; the figure is computed once a snapshot holds them."
    )


# How categories print, by breakdown column; others print as their code, nicely.
def _labels(choices: list[tuple[str, str]]) -> dict[str, str]:
    return {str(code): str(label) for code, label in choices}


CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "referring_agency_kind": _labels(Agency.Kind.choices),
    "victim_sex": _labels(Person.Sex.choices),
    "victim_ethnicity": _labels(Person.Ethnicity.choices),
    "exploitation": _labels(NrmReferral.Exploitation.choices),
    "missing_from": _labels(MissingEpisode.MissingFrom.choices),
}
# What the rows are, and what their total row is, by breakdown column.
HEADINGS = {
    "referring_agency_kind": ("Referring agency", "All agencies"),
    "victim_age_band": ("Victim's age", "All ages"),
    "victim_sex": ("Victim's sex", "All victims"),
    "victim_ethnicity": ("Victim's ethnicity", "All victims"),
    "age_band": ("Age", "All ages"),
    "ward": ("Ward", "All wards"),
    "exploitation": ("Type of exploitation", "All types"),
    "missing_from": ("Missing from", "All episodes"),
}
# Categories that are names as recorded (a ward), printed as they are, never recased.
VERBATIM = {"ward"}
NOT_RECORDED = "Not recorded"


def ordered_categories(by: str, found: set[str | None]) -> list[str | None]:
    """The categories found, in the order their labels are declared (others after them, by
    code, and the category not recorded last)."""
    known = list(CATEGORY_LABELS.get(by, {}))
    return sorted(
        found,
        key=lambda c: (c is None, known.index(c) if c in known else len(known), c or ""),
    )


def breakdown_headings(by: str) -> tuple[str, str]:
    """What a breakdown's rows are, and what its total row is called."""
    return HEADINGS.get(by, (by.replace("_", " ").capitalize(), "All"))


def category_label(by: str, category: str | None) -> str:
    if category is None:
        return NOT_RECORDED
    if by in VERBATIM:
        return category
    return CATEGORY_LABELS.get(by, {}).get(category, category.replace("_", " ").capitalize())
