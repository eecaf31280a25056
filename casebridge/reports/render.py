"""Rendering a board report as HTML (with inline SVG charts) or as a PDF (ReportLab)."""

import io
from typing import Any
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from casebridge.analytics.disclosure import SUPPRESSED
from casebridge.reports.board import PUBLIC, BoardReport, BreakdownTable, Chart, Section

# GOV.UK colours, for both renderings.
PALETTE = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92")
SVG_WIDTH, SVG_HEIGHT, MARGIN = 560, 220, 40


def _edition_line(report: BoardReport) -> str:
    if report.edition == PUBLIC:
        return (
            f"Public edition: counts from 1 to {report.threshold - 1}, and percentages and rates "
            "built on them, are shown as [c]."
        )
    return "Restricted edition: not for publication; small numbers are not suppressed."


def _breakdown_note(report: BoardReport) -> str:
    if report.edition == PUBLIC:
        return (
            f"{SUPPRESSED}: confidential. Counts from 1 to {report.threshold - 1} are shown as "
            f"{SUPPRESSED}, and so are enough other counts and totals (a nought among them where "
            "need be) that none can be worked out from the rest of the table or from the "
            "quarterly figures above."
        )
    return "Restricted edition: every count is shown, however small."


GAPS = "A quarter shown as [c] or - in the tables is left out of the chart."


def _has_gaps(chart: Chart) -> bool:
    return any(value is None for row in chart.series for value in row.values)


def _svg_series(chart: Chart) -> tuple[list[dict], list[float]]:
    """Each series as SVG shapes scaled to the largest value shown, and the x of each quarter."""
    values = [v for row in chart.series for v in row.values if v is not None]
    top = max(values, default=1) or 1
    count = len(chart.series[0].values) if chart.series else 0
    step = (SVG_WIDTH - 3 * MARGIN) / max(count, 1)
    xs = [MARGIN * 1.5 + step * (n + 0.5) for n in range(count)]
    bar = step / (len(chart.series) + 1)
    height = SVG_HEIGHT - 2 * MARGIN
    series = []
    for index, row in enumerate(chart.series):
        shown = [(n, value) for n, value in enumerate(row.values) if value is not None]
        points = [(xs[n], SVG_HEIGHT - MARGIN - value / top * height) for n, value in shown]
        bars = [
            {
                "x": f"{xs[n] - step / 2 + bar * (index + 0.5):.1f}",
                "y": f"{SVG_HEIGHT - MARGIN - value / top * height:.1f}",
                "width": f"{bar:.1f}",
                "height": f"{value / top * height:.1f}",
            }
            for n, value in shown
        ]
        series.append(
            {
                "label": row.indicator.title,
                "colour": PALETTE[index % len(PALETTE)],
                "polyline": " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                "bars": bars,
            }
        )
    return series, xs


def _svg_chart(chart: Chart, report: BoardReport) -> dict[str, Any]:
    series, xs = _svg_series(chart)
    labels = [(f"{x:.1f}", q.label) for x, q in zip(xs, report.quarters, strict=True)]
    gaps = GAPS if _has_gaps(chart) else ""
    return {"chart": chart, "series": series, "labels": labels, "gaps": gaps}


def report_html(report: BoardReport) -> str:
    sections = [
        {**vars(section), "charts": [_svg_chart(chart, report) for chart in section.charts]}
        for section in report.sections
    ]
    return render_to_string(
        "reports/board.html",
        {
            "report": report,
            "sections": sections,
            "edition_line": _edition_line(report),
            "breakdown_note": _breakdown_note(report),
            "width": SVG_WIDTH,
            "height": SVG_HEIGHT,
            "axis_y": SVG_HEIGHT - MARGIN,
        },
    )


def _pdf_chart(chart: Chart, labels: list[str]) -> Drawing:
    """A chart with its legend underneath, one full title a line (a legend beside the plot had
    room for 40 characters of a title, and cut the longer ones)."""
    line = 4.5 * mm
    legend_height = line * len(chart.series)
    drawing = Drawing(170 * mm, 72 * mm + legend_height)
    plot = HorizontalLineChart() if chart.kind == "line" else VerticalBarChart()
    plot.x, plot.y = 12 * mm, 14 * mm + legend_height
    plot.width, plot.height = 150 * mm, 48 * mm
    # A value the edition hides is left out (a gap in the line, no bar), not drawn as nought.
    plot.data = [list(row.values) for row in chart.series]
    plot.categoryAxis.categoryNames = labels
    plot.categoryAxis.labels.fontSize = 8
    plot.valueAxis.labels.fontSize = 8
    plot.valueAxis.valueMin = 0
    empty = not any(value for row in chart.series for value in row.values)
    if empty:  # an axis of whole numbers, and a word on why nothing is drawn
        plot.valueAxis.valueMax, plot.valueAxis.valueStep = 5, 1
    for index in range(len(chart.series)):
        colour = colors.HexColor(PALETTE[index % len(PALETTE)])
        if chart.kind == "line":
            plot.lines[index].strokeColor = colour
            plot.lines[index].strokeWidth = 2
            # A dot on each quarter: a quarter between two hidden ones still shows.
            plot.lines[index].symbol = makeMarker("FilledCircle", size=4, fillColor=colour)
        else:
            plot.bars[index].fillColor = colour
            plot.bars[index].strokeColor = None
    drawing.add(plot)
    if empty:
        drawing.add(
            String(
                plot.x + plot.width / 2,
                plot.y + plot.height / 2,
                "Nothing to chart: every quarter is nought, or shown as [c] in the tables.",
                textAnchor="middle",
                fontSize=9,
                fillColor=colors.HexColor("#505a5f"),
            )
        )
    legend = Legend()
    legend.alignment = "right"  # the swatch, then the title
    legend.x, legend.y = 12 * mm, legend_height + 1 * mm  # its top left corner
    legend.fontSize, legend.dx, legend.dy, legend.deltay = 8, 8, 8, line
    legend.columnMaximum = len(chart.series) or 1
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[i % len(PALETTE)]), row.indicator.title)
        for i, row in enumerate(chart.series)
    ]
    drawing.add(legend)
    drawing.add(
        String(0, drawing.height - 4 * mm, chart.title, fontName="Helvetica-Bold", fontSize=11)
    )
    return drawing


def _pdf_table(
    header: list[str], rows: list[list[str]], widths: list[float], *, numbers: bool = True
) -> Table:
    """A table with a grid; ``numbers``: every column after the first holds figures, which
    line up on the right as in the HTML."""
    styles = getSampleStyleSheet()
    right = ParagraphStyle("Figure", parent=styles["BodyText"], alignment=TA_RIGHT)
    body = [
        [
            Paragraph(escape(cell), right if numbers and column else styles["BodyText"])
            for column, cell in enumerate(row)
        ]
        for row in [header, *rows]
    ]
    table = Table(body, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _pdf_breakdown(table: BreakdownTable, labels: list[str], note: str) -> list:
    styles = getSampleStyleSheet()
    header = [table.heading, *labels, "Four quarters"]
    rows = [[category, *cells, total] for category, cells, total in table.rows]
    if not rows:
        rows = [["No records in these quarters.", *[""] * (len(labels) + 1)]]
    rows.append([table.total_label, *table.column_totals, table.grand_total])
    grid = _pdf_table(header, rows, [50 * mm] + [23 * mm] * len(labels) + [28 * mm])
    grid.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f3f2f1")),
                ("LINEABOVE", (0, -1), (-1, -1), 1.5, colors.black),
            ]
        )
    )
    footnote = ParagraphStyle("Footnote", parent=styles["BodyText"], fontSize=8, leading=10)
    # Kept on one page: a table split from its totals or its footnote reads wrongly.
    return [
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                Paragraph(escape(table.title), styles["Heading2"]),
                grid,
                Spacer(1, 1.5 * mm),
                Paragraph(escape(note), footnote),
            ]
        ),
    ]


def _pdf_section(section: Section, report: BoardReport, labels: list[str]) -> list:
    styles = getSampleStyleSheet()
    story: list = [Spacer(1, 6 * mm), Paragraph(escape(section.title), styles["Heading1"])]
    story += [Paragraph(escape(text), styles["BodyText"]) for text in section.narrative]
    for table in section.tables:
        story += [Spacer(1, 4 * mm), Paragraph(escape(table.title), styles["Heading2"])]
        rows = [[row.indicator.title, *row.cells] for row in table.rows]
        header = ["Indicator", *(column.label for column in table.columns)]
        story.append(_pdf_table(header, rows, [70 * mm] + [25 * mm] * len(table.columns)))
        if table.note:
            story.append(Paragraph(escape(table.note), styles["Italic"]))
    for breakdown in section.breakdowns:
        story += _pdf_breakdown(breakdown, labels, _breakdown_note(report))
    for comparison in section.comparisons:
        story += [Spacer(1, 4 * mm), Paragraph(escape(comparison.title), styles["Heading2"])]
        rows = [
            [report.area, comparison.period.label, comparison.ours, "Computed from the records"]
        ]
        rows += [
            [
                other.area,
                other.period,
                value,
                f"{other.source}, published {other.published_on:%-d %B %Y}",
            ]
            for other, value in comparison.others
        ]
        header = ["Area", "Period", "Value", "Source"]
        story.append(_pdf_table(header, rows, [40 * mm, 35 * mm, 20 * mm, 75 * mm], numbers=False))
    for plan in section.plans:
        story += [Spacer(1, 4 * mm), Paragraph(escape(plan.title), styles["Heading2"])]
        if not plan.standings:
            story.append(Paragraph(escape(plan.summary), styles["BodyText"]))
            continue
        story.append(Paragraph(escape(plan.summary), styles["BodyText"]))
        rows = [
            [
                f"{s.commitment.reference} {s.commitment.commitment}",
                f"{s.commitment.owner}, {s.commitment.owner_agency.name}",
                f"{s.commitment.due_on:%-d %b %Y}",
                s.status_label + (" (overdue)" if s.overdue else ""),
            ]
            for s in plan.standings
        ]
        header = ["Commitment", "Owner", "Due", "Status"]
        story.append(_pdf_table(header, rows, [75 * mm, 45 * mm, 22 * mm, 28 * mm], numbers=False))
    for chart in section.charts:
        story += [Spacer(1, 4 * mm), _pdf_chart(chart, labels)]
        if _has_gaps(chart):
            story.append(Paragraph(escape(GAPS), styles["Italic"]))
    return story


def report_pdf(report: BoardReport) -> bytes:
    styles = getSampleStyleSheet()
    labels = [quarter.label for quarter in report.quarters]
    story: list = [
        Paragraph(escape(f"{report.title}: {report.period.label}"), styles["Title"]),
        Paragraph(escape(_edition_line(report)), styles["Italic"]),
        Spacer(1, 4 * mm),
    ]
    for section in report.sections:
        story += _pdf_section(section, report, labels)
    story += [PageBreak(), Paragraph("Appendix: where each figure comes from", styles["Heading2"])]
    story.append(
        Paragraph(
            escape(
                f"Computed from a snapshot of the records taken at "
                f"{report.snapshot_taken_at:%d %B %Y %H:%M} UTC."
            ),
            styles["BodyText"],
        )
    )
    rows = [
        [source.indicator.title, source.indicator.definition, f"{source.records:,}"]
        for source in report.sources
    ]
    story.append(
        _pdf_table(
            ["Indicator", "Definition", "Records"],
            rows,
            [45 * mm, 105 * mm, 20 * mm],
            numbers=False,
        )
    )
    out = io.BytesIO()
    # 20 mm margins leave the 170 mm the tables and charts are drawn to.
    SimpleDocTemplate(
        out, pagesize=A4, title=report.title, leftMargin=20 * mm, rightMargin=20 * mm
    ).build(story)
    return out.getvalue()
