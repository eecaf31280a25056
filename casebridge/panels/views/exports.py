"""Downloads of a meeting's agenda and actions; each one is an audited export."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse

from casebridge.access.policy import Resource
from casebridge.audit.services import audit_record
from casebridge.panels.exports.document import agenda_pdf
from casebridge.panels.exports.rows import export_rows, filename
from casebridge.panels.exports.spreadsheet import agenda_csv
from casebridge.panels.models import Meeting
from casebridge.panels.selectors import agenda_items, meeting_get
from casebridge.ui.decorators import current_user, signed_in


def _export(request: HttpRequest, meeting_id: UUID, kind: str) -> tuple[Meeting, bytes]:
    user = current_user(request)
    meeting = meeting_get(user=user, meeting_id=meeting_id)
    # Only the cases this user may see: the same selector as the meeting page.
    items = agenda_items(user=user, meeting=meeting)
    rows = export_rows(meeting=meeting, items=items, viewer=user)
    if kind == "csv":
        # A byte-order mark so spreadsheet programs read names with accents correctly.
        content = ("\ufeff" + agenda_csv(meeting=meeting, rows=rows)).encode()
    else:
        content = agenda_pdf(meeting=meeting, rows=rows)
    audit_record(
        actor=user,
        action="export",
        object_type=Resource.MEETING,
        object_id=meeting.pk,
        summary=f"Exported the agenda of {meeting.title} as {kind.upper()}",
        changes={
            "format": kind,
            "cases": [str(item.case_id) for item in items],
            "actions": len(rows.actions),
        },
    )
    return meeting, content


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@signed_in
def export_csv(request: HttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting, content = _export(request, meeting_id, "csv")
    return _attachment(content, "text/csv; charset=utf-8", filename(meeting, "csv"))


@signed_in
def export_pdf(request: HttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting, content = _export(request, meeting_id, "pdf")
    return _attachment(content, "application/pdf", filename(meeting, "pdf"))
