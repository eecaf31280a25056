"""Downloads from the figures dashboard, each an audited export from the latest stored
snapshot: the figures shown, as CSV, and the board report for a quarter that has ended.

The report is built in the request once per snapshot, quarter and edition (on the borough demo
it takes seconds, see docs/decisions/0010-restricted-figures-and-downloads.md) and rendered in
each; long work moves to background tasks with issue 20.
"""

from django.http import Http404, HttpRequest, HttpResponse

from casebridge.access.policy import Action, Resource, require_permission
from casebridge.analytics.exports import figures_csv
from casebridge.analytics.selectors import (
    in_progress,
    may_view_restricted_figures,
    reporting_quarters,
)
from casebridge.analytics.snapshot import Snapshot
from casebridge.analytics.store import latest_snapshot, snapshot_id
from casebridge.audit.services import audit_record
from casebridge.reports.board import RESTRICTED
from casebridge.reports.render import report_html, report_pdf
from casebridge.reports.selectors import quarter_report
from casebridge.ui.decorators import current_user, signed_in
from casebridge.web.figures.forms import PDF, ReportForm
from casebridge.web.figures.views import figures_form, public_or_restricted


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _latest() -> Snapshot:
    snapshot = latest_snapshot()
    if snapshot is None:
        raise Http404
    return snapshot


def _file_label(label: str) -> str:
    """A period's label as part of a file name ("Q4 22/23" -> "Q4-22-23")."""
    return label.replace(" ", "-").replace("/", "-")


@signed_in
def figures_export(request: HttpRequest) -> HttpResponse:
    """The figures the dashboard shows for a quarter, as CSV: the public edition's values for a
    user without the restricted figures, whatever the address asks."""
    user = current_user(request)
    require_permission(user=user, action=Action.VIEW, resource=Resource.FIGURES)
    restricted = may_view_restricted_figures(user=user)
    snapshot = _latest()
    form = figures_form(request, snapshot, restricted=restricted)
    if not form.is_valid():  # no quarter, or a guessed or stale one
        raise Http404
    period, public = form.chosen_period(), form.public_edition()
    sections = public_or_restricted(snapshot=snapshot, period=period, public=public)
    content = "\ufeff" + figures_csv(sections, restricted=not public)  # BOM: spreadsheets' UTF-8
    edition = "public" if public else "restricted"
    audit_record(
        actor=user,
        action="export",
        object_type=Resource.FIGURES,
        summary=f"Exported the figures for {period.label} as CSV ({edition})",
        changes={
            "snapshot": snapshot_id(snapshot),
            "period": period.label,
            "public": public,
            "format": "csv",
        },
    )
    name = f"figures-{_file_label(period.label)}-{edition}.csv"
    return _attachment(content.encode(), "text/csv; charset=utf-8", name)


@signed_in
def board_report(request: HttpRequest) -> HttpResponse:
    """The board report for a quarter that has ended, built from the latest snapshot. The
    restricted edition only for users who may see the restricted figures (a refusal is audited
    and answered as not found, as every refusal is)."""
    user = current_user(request)
    require_permission(user=user, action=Action.VIEW, resource=Resource.FIGURES)
    snapshot = _latest()
    ended = [
        q for q in reporting_quarters(snapshot=snapshot) if not in_progress(q, snapshot=snapshot)
    ]
    form = ReportForm(
        request.GET, quarters=ended, may_choose_edition=may_view_restricted_figures(user=user)
    )
    if not form.is_valid():  # a guessed quarter, edition or format
        raise Http404
    period, edition, kind = (
        form.chosen_period(),
        form.cleaned_data["edition"],
        form.cleaned_data["format"],
    )
    if edition == RESTRICTED:
        require_permission(user=user, action=Action.VIEW, resource=Resource.RESTRICTED_FIGURES)
    report = quarter_report(snapshot=snapshot, quarter=period, edition=edition)
    if kind == PDF:
        content, content_type = report_pdf(report), "application/pdf"
    else:
        content, content_type = report_html(report).encode(), "text/html; charset=utf-8"
    audit_record(
        actor=user,
        action="export",
        object_type=Resource.FIGURES,
        object_id="board-report",
        summary=f"Downloaded the {edition} edition of the board report for {period.label} "
        f"({kind.upper()})",
        changes={
            "snapshot": snapshot_id(snapshot),
            "period": period.label,
            "edition": edition,
            "format": kind,
        },
    )
    name = f"board-report-{_file_label(period.label)}-{edition}.{kind}"
    return _attachment(content, content_type, name)
