"""The quarterly board report's content, computed from a snapshot: tables of four quarters side
by side, breakdowns, charts reaching back eight quarters, comparisons with other areas, a
narrative whose numbers come from the indicators, and an appendix saying where each figure
comes from. Every number it prints is stated in one publication first, and one disclosure pass
over them all decides how each prints: the public edition by the method in board.yaml
(``disclosure:``), the restricted edition exactly. Rendering (HTML, PDF) is separate
(``render.py``)."""

from typing import TYPE_CHECKING

from casebridge.analytics.comparators import comparators_file, read_comparators
from casebridge.analytics.disclosure import EXACT_METHOD, Method, Publication, method_from
from casebridge.analytics.periods import Period
from casebridge.analytics.registry import registry
from casebridge.core.errors import ApplicationError
from casebridge.reports.board.definitions import DEFINITIONS, read_definition
from casebridge.reports.board.figures import Figures
from casebridge.reports.board.model import (
    BoardReport,
    BreakdownTable,
    Chart,
    Comparison,
    PlanTable,
    PrintedCount,
    ReportTable,
    Row,
    Section,
    Source,
)
from casebridge.reports.board.sections import draft_section
from casebridge.reports.board.summary import draft_summary

if TYPE_CHECKING:
    from casebridge.analytics.engine import Engine

PUBLIC, RESTRICTED = "public", "restricted"

__all__ = [
    "DEFINITIONS",
    "PUBLIC",
    "RESTRICTED",
    "BoardReport",
    "BreakdownTable",
    "Chart",
    "Comparison",
    "PlanTable",
    "ReportTable",
    "Row",
    "Section",
    "Source",
    "build_report",
    "disclosure_method",
]


def disclosure_method(edition: str, *, threshold: int | None = None) -> Method:
    """How an edition protects its figures: the public edition by the report definition's
    method (``threshold`` overriding its threshold), the restricted edition not at all."""
    if edition == RESTRICTED:
        return EXACT_METHOD
    if edition != PUBLIC:
        raise ApplicationError(f"{edition!r}: the editions are {PUBLIC} and {RESTRICTED}.")
    return method_from(read_definition("board.yaml").get("disclosure", {}), threshold=threshold)


def build_report(
    *, engine: "Engine", period: Period, edition: str = PUBLIC, threshold: int | None = None
) -> BoardReport:
    report = read_definition("board.yaml")
    method = disclosure_method(edition, threshold=threshold)
    quarters = period.previous_quarters(4)
    publication = Publication()
    figures = Figures(engine, publication)
    figures.prefetch(period)
    comparators = read_comparators(comparators_file(), known_indicators=set(registry()))
    summary = (
        draft_summary(report["summary"], figures, period, public=not method.exact)
        if "summary" in report
        else None
    )
    sections = [
        draft_section(read_definition(f"{name}.yaml"), figures, quarters, comparators)
        for name in report["sections"]
    ]
    sources = figures.sources(quarters)
    released = figures.release(period)
    publication.settle(method)
    return BoardReport(
        title=report["title"],
        area=report["area"],
        edition=edition,
        quarters=quarters,
        snapshot_taken_at=engine.snapshot.taken_at,
        sections=[section() for section in sections],
        sources=[
            Source(i, PrintedCount(publication.shown(key).text), over) for i, key, over in sources
        ],
        threshold=method.threshold,
        disclosure=method,
        summary=summary() if summary else None,
        released={figure: publication.shown(key) for figure, key in released.items()},
    )
