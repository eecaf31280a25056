"""The agenda and action list as a PDF, with the sensitivity banner on every page."""

import io
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape  # nosec B406  # escapes text for XML, parses none

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from casebridge.panels.exports.rows import (
    ACTION_HEADER,
    AGENDA_HEADER,
    Rows,
    banner,
)
from casebridge.panels.models import Meeting

if TYPE_CHECKING:
    from reportlab.platypus import Table

AGENDA_WIDTHS = (12 * mm, 32 * mm, 45 * mm, 25 * mm, 45 * mm, 108 * mm)
ACTION_WIDTHS = (32 * mm, 105 * mm, 45 * mm, 40 * mm, 22 * mm, 23 * mm)


def _table(
    header: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[float, ...]
) -> "Table":
    from reportlab.lib import colors
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, Table, TableStyle

    styles = getSampleStyleSheet()
    # Paragraph reads markup, so text typed by users is escaped before it gets there.
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


def agenda_pdf(*, meeting: Meeting, rows: Rows) -> bytes:
    """The PDF bytes: a heading, the agenda table and the actions table."""
    # Imported here (and in _table): ReportLab's document layer costs a fifth of a second of CPU
    # and most processes print no agenda.
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    out = io.BytesIO()
    text = banner(meeting)

    def on_page(canvas: Any, document: Any) -> None:
        width, height = document.pagesize
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawCentredString(width / 2, height - 10 * mm, text)
        canvas.drawCentredString(width / 2, 8 * mm, f"{text} - page {document.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        title=f"{meeting.pathway.reference_prefix} agenda",
        author="Casebridge",
        topMargin=18 * mm,
        bottomMargin=16 * mm,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
    )
    styles = getSampleStyleSheet()
    story = [
        Paragraph(escape(text), styles["Heading3"]),
        Paragraph(escape(rows.heading), styles["Heading1"]),
        Paragraph("Agenda", styles["Heading2"]),
        _table(AGENDA_HEADER, rows.agenda, AGENDA_WIDTHS)
        if rows.agenda
        else Paragraph("No cases you may see.", styles["BodyText"]),
        Spacer(1, 6 * mm),
        Paragraph("Actions", styles["Heading2"]),
        _table(ACTION_HEADER, rows.actions, ACTION_WIDTHS)
        if rows.actions
        else Paragraph("No actions agreed.", styles["BodyText"]),
    ]
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()
