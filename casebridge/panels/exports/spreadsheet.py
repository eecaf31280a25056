"""The agenda and action list as CSV."""

import csv
import io

from casebridge.panels.exports.rows import (
    ACTION_HEADER,
    AGENDA_HEADER,
    Rows,
    banner,
    heading,
)
from casebridge.panels.models import Meeting

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(cell: str) -> str:
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def agenda_csv(*, meeting: Meeting, rows: Rows) -> str:
    """The CSV text: banner first and last, then the agenda, then the actions."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([banner(meeting)])
    writer.writerow([_safe(heading(meeting))])
    writer.writerow([])
    writer.writerow(["Agenda"])
    writer.writerow(AGENDA_HEADER)
    writer.writerows([_safe(cell) for cell in row] for row in rows.agenda)
    writer.writerow([])
    writer.writerow(["Actions"])
    writer.writerow(ACTION_HEADER)
    writer.writerows([_safe(cell) for cell in row] for row in rows.actions)
    writer.writerow([])
    writer.writerow([banner(meeting)])
    return out.getvalue()
