"""The agenda and action list as CSV."""

import csv
import io

from casebridge.core.spreadsheets import formula_safe
from casebridge.panels.exports.rows import (
    ACTION_HEADER,
    AGENDA_HEADER,
    Rows,
    banner,
)
from casebridge.panels.models import Meeting


def agenda_csv(*, meeting: Meeting, rows: Rows) -> str:
    """The CSV text: banner first and last, then the agenda, then the actions."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([banner(meeting)])
    writer.writerow([formula_safe(rows.heading)])
    writer.writerow([])
    writer.writerow(["Agenda"])
    writer.writerow(AGENDA_HEADER)
    writer.writerows([formula_safe(cell) for cell in row] for row in rows.agenda)
    writer.writerow([])
    writer.writerow(["Actions"])
    writer.writerow(ACTION_HEADER)
    writer.writerows([formula_safe(cell) for cell in row] for row in rows.actions)
    writer.writerow([])
    writer.writerow([banner(meeting)])
    return out.getvalue()
