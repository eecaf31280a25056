"""Rendering a board report as HTML (with inline SVG charts) or as a PDF (ReportLab)."""

import io
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from casebridge.reports.board import PUBLIC, BoardReport, Chart

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


def report_html(report: BoardReport) -> str:
    charts = []
    for chart in report.charts:
        series, xs = _svg_series(chart)
        labels = [(f"{x:.1f}", q.label) for x, q in zip(xs, report.quarters, strict=True)]
        charts.append({"chart": chart, "series": series, "labels": labels})
    return render_to_string(
        "reports/board.html",
        {
            "report": report,
            "charts": charts,
            "edition_line": _edition_line(report),
            "width": SVG_WIDTH,
            "height": SVG_HEIGHT,
            "axis_y": SVG_HEIGHT - MARGIN,
        },
    )


def _pdf_chart(chart: Chart, labels: list[str]) -> Drawing:
    drawing = Drawing(170 * mm, 75 * mm)
    plot = HorizontalLineChart() if chart.kind == "line" else VerticalBarChart()
    plot.x, plot.y, plot.width, plot.height = 15 * mm, 15 * mm, 100 * mm, 50 * mm
    plot.data = [[value or 0 for value in row.values] for row in chart.series]
    plot.categoryAxis.categoryNames = labels
    plot.valueAxis.valueMin = 0
    for index in range(len(chart.series)):
        colour = colors.HexColor(PALETTE[index % len(PALETTE)])
        if chart.kind == "line":
            plot.lines[index].strokeColor = colour
            plot.lines[index].strokeWidth = 2
        else:
            plot.bars[index].fillColor = colour
    drawing.add(plot)
    legend = Legend()
    legend.x, legend.y = 120 * mm, 60 * mm
    legend.fontSize = 7
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[i % len(PALETTE)]), row.indicator.title[:40])
        for i, row in enumerate(chart.series)
    ]
    drawing.add(legend)
    drawing.add(String(15 * mm, 70 * mm, chart.title, fontName="Helvetica-Bold", fontSize=10))
    return drawing


def _pdf_table(header: list[str], rows: list[list[str]], widths: list[float]) -> Table:
    styles = getSampleStyleSheet()
    body = [
        [Paragraph(escape(cell), styles["BodyText"]) for cell in row] for row in [header, *rows]
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


def report_pdf(report: BoardReport) -> bytes:
    styles = getSampleStyleSheet()
    labels = [quarter.label for quarter in report.quarters]
    story: list = [
        Paragraph(escape(f"{report.title}: {report.period.label}"), styles["Title"]),
        Paragraph(escape(_edition_line(report)), styles["Italic"]),
        Spacer(1, 4 * mm),
    ]
    story += [Paragraph(escape(text), styles["BodyText"]) for text in report.narrative]
    for table in report.tables:
        story += [Spacer(1, 4 * mm), Paragraph(escape(table.title), styles["Heading2"])]
        rows = [[row.indicator.title, *row.cells] for row in table.rows]
        story.append(_pdf_table(["Indicator", *labels], rows, [70 * mm] + [25 * mm] * 4))
    for chart in report.charts:
        story += [Spacer(1, 4 * mm), _pdf_chart(chart, labels)]
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
        _pdf_table(["Indicator", "Definition", "Records"], rows, [50 * mm, 105 * mm, 20 * mm])
    )
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=report.title).build(story)
    return out.getvalue()
