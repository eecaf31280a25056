"""Reading the partnership's figures for the dashboard: every figure computed from one stored
snapshot, each for the periods its indicator is reported for, and the records behind a figure,
listed only where the user may see them.

The engine is imported by the functions that compute: it loads Ibis (about half a second of
CPU), which a process that loads the pages but computes no figure never needs."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.core.paginator import Page, Paginator

from casebridge.access.policy import Action, Resource, permitted
from casebridge.accounts.models import User
from casebridge.analytics.figures import Figure
from casebridge.analytics.periods import Basis, Period, parse_period, quarter_containing
from casebridge.analytics.presentation import (
    breakdown_headings,
    category_label,
    ordered_categories,
)
from casebridge.analytics.records import (
    TABLE_RECORDS,
    RecordKind,
    RecordRow,
    record_kind,
    rows_for,
)
from casebridge.analytics.registry import Indicator, registry
from casebridge.analytics.snapshot import Snapshot
from casebridge.core.errors import ApplicationError

TREND_QUARTERS = 8  # a trend line's length; the dashboard's table shows the last four
TABLE_QUARTERS = 4
RECORDS_PER_PAGE = 50
# Dated columns that show where the records' activity begins and ends.
ACTIVITY_DATES = (
    ("cases", "referred_on"),
    ("case_events", "occurred_on"),
    ("incidents", "occurred_on"),
)


def may_view_figures(*, user: User) -> bool:
    return permitted(user=user, action=Action.VIEW, resource=Resource.FIGURES)


def may_refresh_figures(*, user: User) -> bool:
    return permitted(user=user, action=Action.CREATE, resource=Resource.FIGURES)


def may_view_restricted_figures(*, user: User) -> bool:
    """Whether the user may see small numbers: the figures unsuppressed, their numerators and
    denominators, the restricted edition of the board report and the records behind a figure.
    Without it, every figure is shown as the public edition shows it."""
    return permitted(user=user, action=Action.VIEW, resource=Resource.RESTRICTED_FIGURES)


# --- computing ------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _computed(snapshot: Snapshot, basis: Basis, labels: tuple[str, ...]) -> dict[str, list[Figure]]:
    # Kept by the snapshot (its directory and time), so a refreshed snapshot is computed afresh;
    # a snapshot never changes once written, so its figures never go stale in here.
    from casebridge.analytics.engine import stored_engine  # see the module's note

    engine = stored_engine(snapshot)
    periods = [parse_period(label) for label in labels]
    indicators = [indicator for indicator in registry().values() if indicator.basis == basis]
    by_indicator: dict[str, list[Figure]] = defaultdict(list)
    for figure in engine.figures(indicators, periods):
        by_indicator[figure.indicator].append(figure)
    return dict(by_indicator)


def figures_by_indicator(
    *, snapshot: Snapshot, quarter: Period, count: int = TREND_QUARTERS
) -> dict[str, list[Figure]]:
    """Every indicator's figures for the ``count`` quarters to ``quarter``, oldest first, each
    for the periods it is reported for (its basis: a reoffending rate's are the twelve-month
    cohorts whose follow-up has ended), computed once per snapshot."""
    found: dict[str, list[Figure]] = {}
    for basis in {indicator.basis for indicator in registry().values()}:
        labels = tuple(column.label for column in basis.columns(quarter, count))
        found |= _computed(snapshot, basis, labels)
    return found


def activity_span(*, snapshot: Snapshot) -> tuple[date, date] | None:
    """The first and last day with any activity in the snapshot, or None if it is empty."""
    return _activity_span(snapshot)


@lru_cache(maxsize=16)
def _activity_span(snapshot: Snapshot) -> tuple[date, date] | None:
    # Every dashboard page asks; a snapshot never changes, so each is read once (as _computed).
    from casebridge.analytics.engine import Engine  # see the module's note

    engine = Engine(snapshot=snapshot)
    days: list[date] = []
    for table, column in ACTIVITY_DATES:
        dates = engine.table(table)[column]
        bounds = engine.table(table).aggregate(low=dates.min(), high=dates.max())
        (bounds,) = bounds.to_pyarrow().to_pylist()
        days += [day for day in bounds.values() if day is not None]
    return (min(days), max(days)) if days else None


def reporting_quarters(*, snapshot: Snapshot) -> list[Period]:
    """The quarters a user may choose, newest first: from the first with activity to the last,
    including one still under way when the snapshot was taken (see ``in_progress``)."""
    span = activity_span(snapshot=snapshot)
    if span is None:
        return []
    quarters, quarter = [], quarter_containing(min(span[1], snapshot.taken_at.date()))
    while quarter.end >= span[0]:
        quarters.append(quarter)
        quarter = quarter_containing(quarter.start - timedelta(days=1))
    return quarters


def in_progress(quarter: Period, *, snapshot: Snapshot) -> bool:
    """Whether the quarter had not ended when the snapshot was taken: its figures are partial."""
    return quarter.end >= snapshot.taken_at.date()


def default_quarter(quarters: list[Period], *, snapshot: Snapshot) -> Period | None:
    """The latest complete quarter, or the one under way if none has ended yet."""
    complete = [quarter for quarter in quarters if not in_progress(quarter, snapshot=snapshot)]
    candidates = complete or quarters
    return candidates[0] if candidates else None


# --- an indicator --------------------------------------------------------------------------


def indicator_history(*, snapshot: Snapshot, indicator: Indicator, period: Period) -> list[Figure]:
    """The indicator's figures for the eight quarters to ``period``, on its basis."""
    return figures_by_indicator(snapshot=snapshot, quarter=period)[indicator.id]


@dataclass(frozen=True)
class Breakdown:
    heading: str  # what the rows are ("Referring agency")
    rows: list[tuple[str, Figure]]  # each category's label and figure, in the labels' order


def indicator_breakdowns(
    *, snapshot: Snapshot, indicator: Indicator, period: Period
) -> list[Breakdown]:
    """The indicator for one period by each of its declared breakdowns."""
    from casebridge.analytics.engine import stored_engine  # see the module's note

    engine = stored_engine(snapshot)
    found = []
    for by in indicator.breakdowns:
        figures = {f.category: f for f in engine.breakdown(indicator, period, by)}
        order = ordered_categories(by, set(figures))
        found.append(
            Breakdown(
                heading=breakdown_headings(by)[0],
                rows=[(category_label(by, category), figures[category]) for category in order],
            )
        )
    return found


# --- drill-down ----------------------------------------------------------------------------

NUMERATOR, DENOMINATOR = "numerator", "denominator"


@dataclass(frozen=True)
class FigureRecords:
    kind: RecordKind
    behind: int  # distinct records behind the figure in the snapshot
    shown: int  # of which the user may see
    page: Page
    rows: list[RecordRow]

    @property
    def not_shown(self) -> int:
        return self.behind - self.shown


def has_records(indicator: Indicator, part: str) -> bool:
    """Whether this part of the indicator counts records that can be listed. A population
    estimate does not; nor does a measure of people (a reoffending cohort, offences around
    adoption), whose rows are other people's justice events a user may not see."""
    measure = indicator.numerator if part == NUMERATOR else indicator.denominator
    return measure is not None and measure.get("table") in TABLE_RECORDS


def figure_records(
    *,
    user: User,
    snapshot: Snapshot,
    indicator: Indicator,
    period: Period,
    part: str = NUMERATOR,
    page_number: int | str = 1,
) -> FigureRecords:
    """The records behind one figure in one snapshot, as far as the user may see them.

    The ids come from the snapshot (so they are the records that were counted); the rows come
    from the live records through the access rules, so nothing is shown that the user could not
    open anyway. Records removed since the snapshot count as not shown.
    """
    if not has_records(indicator, part):
        raise ApplicationError(f"{indicator.id}: no records are listed behind this figure.")
    measure = indicator.numerator if part == NUMERATOR else indicator.denominator
    assert measure is not None
    column, kind = record_kind(measure["table"])
    from casebridge.analytics.engine import Engine  # see the module's note

    engine = Engine(snapshot=snapshot)
    ids = engine.rows(measure, period).select(column).distinct().to_pyarrow()
    behind = ids.column(0).to_pylist()
    visible = kind.visible(user, behind)
    page = Paginator(visible, RECORDS_PER_PAGE).get_page(page_number)
    return FigureRecords(
        kind=kind,
        behind=len(behind),
        shown=page.paginator.count,
        page=page,
        rows=rows_for(kind, list(page.object_list)),
    )
