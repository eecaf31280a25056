"""Rendering a board report: one HTML document (inline CSS, inline SVG charts, nothing fetched),
and the PDF printed from it by WeasyPrint as tagged PDF/UA-1 (headings, table headers, alt
text and language carried over), A4, with contents and page numbers and the edition's
protective marking at the top and foot of every page.

The document is a list of parts, each with its own template and a line in the contents; a new
part (a summary, say) is a template and an entry in ``report_parts``."""

from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string

from casebridge.analytics.disclosure import SUPPRESSED
from casebridge.analytics.presentation import NOT_YET_KNOWN
from casebridge.analytics.registry import Indicator
from casebridge.analytics.series_charts import Series, SeriesChart, series_chart
from casebridge.reports.board import PUBLIC, RESTRICTED, BoardReport, Chart, Section
from casebridge.reports.printing import pdf_from_html

# The Government Security Classifications marking each edition carries on every page (printed
# into the style sheet's page margins too: capitals and hyphens only).
MARKINGS = {PUBLIC: "OFFICIAL", RESTRICTED: "OFFICIAL-SENSITIVE"}


def _breakdown_note(report: BoardReport) -> str:
    if report.edition == PUBLIC:
        return (
            f"{SUPPRESSED}: confidential. Counts from 1 to {report.threshold - 1} are shown as "
            f"{SUPPRESSED}, and so are enough other counts and totals (a nought among them where "
            "need be) that none can be worked out from the rest of the table, from the "
            "quarterly figures above or from anything else the report prints."
        )
    return "Restricted edition: every count is shown, however small."


def _reasons(report: BoardReport) -> dict[str, str]:
    """Why a chart leaves a value out, by how the tables print it."""
    return {
        SUPPRESSED: (
            f"hidden ({SUPPRESSED}: fewer than {report.threshold}, or would give such a count away)"
        ),
        NOT_YET_KNOWN: "not yet known (its follow-up is not complete in the records)",
        "-": "not charted (no figure: nothing to divide by)",
    }


def _axis(indicators: list[Indicator]) -> dict[str, Any]:
    """The value axis of a chart of these indicators: its title, whole steps, a suffix."""
    titles = []
    for indicator in indicators:
        title = {"count": "Number", "percent": "Percentage", "ratio": "Ratio"}.get(
            indicator.unit, f"Rate per {indicator.per or 1:,}"
        )
        titles += [title] if title not in titles else []
    units = {indicator.unit for indicator in indicators}
    return {
        "y_title": " or ".join(titles) or "Number",
        "whole": units <= {"count"},
        "suffix": "%" if units == {"percent"} else "",
    }


@dataclass(frozen=True)
class ChartView:
    """A chart as printed: its drawing, its periods, and its figures as a table."""

    anchor: str
    chart: Chart
    periods: list[str]
    drawing: SeriesChart

    @property
    def alt(self) -> str:
        """The short text alternative (the SVG's title, the PDF figure's alt text)."""
        return f"{self.chart.title}. {self.drawing.summary} Its figures are in the table below."


def _chart_view(chart: Chart, report: BoardReport, anchor: str) -> ChartView:
    periods = [period.label for period in chart.periods]
    drawing = series_chart(
        kind=chart.kind,
        periods=periods,
        series=[Series(row.indicator.title, row.values, row.cells) for row in chart.series],
        x_title="Quarter",
        reasons=_reasons(report),
        **_axis([row.indicator for row in chart.series]),
    )
    return ChartView(anchor, chart, periods, drawing)


@dataclass(frozen=True)
class Part:
    """One part of the printed report: a line in the contents, a page break, a template."""

    anchor: str  # its id in the document, which the contents links to
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def _section_part(section: Section, number: int, report: BoardReport) -> Part:
    charts = [
        _chart_view(chart, report, f"chart-{number}-{index}")
        for index, chart in enumerate(section.charts, start=1)
    ]
    return Part(
        f"section-{number}",
        section.title,
        "reports/parts/section.html",
        {"section": section, "charts": charts},
    )


def report_parts(report: BoardReport) -> list[Part]:
    """The report's parts in order: the summary (where the definition has one), a section
    each, then the appendix."""
    summary = (
        [Part("summary", "Summary", "reports/parts/summary.html", {"summary": report.summary})]
        if report.summary
        else []
    )
    sections = [
        _section_part(section, number, report)
        for number, section in enumerate(report.sections, start=1)
    ]
    appendix = Part(
        "appendix", "Appendix: where each figure comes from", "reports/parts/appendix.html"
    )
    return [*summary, *sections, appendix]


def report_html(report: BoardReport) -> str:
    """The report as one self-contained HTML document, safe to publish: inline CSS and SVG, no
    script, and a policy that lets a browser fetch nothing."""
    return render_to_string(
        "reports/board.html",
        {
            "report": report,
            "parts": report_parts(report),
            "marking": MARKINGS[report.edition],
            "edition_line": report.edition_note,
            "breakdown_note": _breakdown_note(report),
        },
    )


def report_pdf(report: BoardReport) -> bytes:
    """The HTML edition printed as tagged PDF/UA-1 (``printing.pdf_from_html``)."""
    return pdf_from_html(report_html(report))
