"""Reads of the board report for other pages: the public edition's figures for a quarter, which
the figures dashboard and its CSV export print for a reader without the restricted figures."""

from functools import lru_cache
from pathlib import Path

from casebridge.analytics.disclosure import Printed
from casebridge.analytics.engine import Engine
from casebridge.analytics.periods import Period, parse_period
from casebridge.analytics.snapshot import Snapshot, open_snapshot
from casebridge.reports.board import PUBLIC, build_report

Released = dict[tuple[str, str], Printed]


def released_figures(*, snapshot: Snapshot, quarter: Period) -> Released:
    """Every figure the public edition publishes for the quarter (the report's, and the
    dashboard's eight periods of each indicator), as the one disclosure pass printed them, by
    indicator id and period label. Built once per snapshot and quarter: a snapshot never
    changes."""
    return _released(str(snapshot.directory), snapshot.taken_at.isoformat(), quarter.label)


@lru_cache(maxsize=8)
def _released(directory: str, taken_at: str, quarter: str) -> Released:
    del taken_at  # part of the key only
    engine = Engine(snapshot=open_snapshot(Path(directory)))
    return build_report(engine=engine, period=parse_period(quarter), edition=PUBLIC).released
