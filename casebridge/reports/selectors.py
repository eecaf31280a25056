"""Reads of the board report for other pages: the report of a quarter as the figures dashboard
offers it for download, and the public edition's figures for a quarter, which the dashboard and
its CSV export print for a reader without the restricted figures."""

from functools import lru_cache

from casebridge.analytics.disclosure import Printed
from casebridge.analytics.periods import Period, parse_period
from casebridge.analytics.snapshot import Snapshot
from casebridge.reports.board import PUBLIC, BoardReport, build_report

Released = dict[tuple[str, str], Printed]


def quarter_report(*, snapshot: Snapshot, quarter: Period, edition: str) -> BoardReport:
    """The board report of the quarter in the edition, built once per snapshot, quarter and
    edition: a snapshot never changes, and a report is immutable. So the public dashboard, its
    export and the public edition's download share one build (tens of seconds on the borough)."""
    return _built(snapshot, quarter.label, edition)


def released_figures(*, snapshot: Snapshot, quarter: Period) -> Released:
    """Every figure the public edition publishes for the quarter (the report's, and the
    dashboard's eight periods of each indicator), as the one disclosure pass printed them, by
    indicator id and period label."""
    return quarter_report(snapshot=snapshot, quarter=quarter, edition=PUBLIC).released


@lru_cache(maxsize=8)
def _built(snapshot: Snapshot, quarter: str, edition: str) -> BoardReport:
    # Imported here: the engine loads Ibis (about half a second of CPU), which only computing
    # figures needs, not every process that loads the report pages.
    from casebridge.analytics.engine import stored_engine

    engine = stored_engine(snapshot)
    return build_report(engine=engine, period=parse_period(quarter), edition=edition)
