"""Import pages: the batches, uploading a file, a batch's progress and summary, its rejected
rows (on the page and as a CSV to send back to the partner), and the formats."""

import csv
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from casebridge.access.policy import AccessDenied, Action, Resource
from casebridge.audit.reads import viewed
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.core.spreadsheets import formula_safe
from casebridge.imports.formats import extract_formats
from casebridge.imports.forms import UploadForm
from casebridge.imports.models import STALLED_AFTER_MINUTES, ImportBatch
from casebridge.imports.queueing import batch_match_enqueue, import_enqueue
from casebridge.imports.selectors import (
    batch_get,
    batch_list,
    may_import,
    may_view_imports,
    noted_rows,
    rejected_columns,
    rejected_rows,
)
from casebridge.imports.services import import_start
from casebridge.jobs.selectors import run_latest
from casebridge.linkage.selectors import may_review_identities
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error

PAGE_SIZE = 50


def _require_view(request: HttpRequest) -> None:
    if not may_view_imports(user=current_user(request)):
        raise AccessDenied(Action.VIEW, Resource.IMPORT_BATCH)


def _batch(request: HttpRequest, batch_id: int) -> ImportBatch:
    return batch_get(user=current_user(request), batch_id=batch_id)


def _audit_view(request: HttpRequest, summary: str, batch: ImportBatch | None = None) -> None:
    viewed(
        request,
        object_type="import_batch",
        object_id=batch.pk if batch else "",
        summary=summary,
    )


def _csv_download(batch: ImportBatch, rows_of: str) -> tuple[HttpResponse, Any]:
    """A CSV attachment named for the batch and its rows, and the writer to fill it with."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}-{rows_of}.csv"'
    return response, csv.writer(response)


def _audit_export(request: HttpRequest, summary: str, batch: ImportBatch, rows: int) -> None:
    audit_record(
        actor=current_user(request),
        action="export",
        object_type="import_batch",
        object_id=batch.pk,
        summary=summary,
        changes={"rows": rows},
    )


@signed_in
def batch_index(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    user = current_user(request)
    page = Paginator(batch_list(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_view(request, "Viewed import batches")
    context = {"page": page, "can_import": may_import(user=user)}
    return render(request, "imports/batch_list.html", context)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not may_import(user=user):
        raise AccessDenied(Action.CREATE, Resource.IMPORT_BATCH)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_start(
                actor=user,
                kind=form.cleaned_data["kind"],
                supplied_by=form.cleaned_data["supplied_by"],
                file_name=upload.name,
                content=upload,
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            import_enqueue(actor=user, batch=batch)
            return redirect("imports:batch_detail", batch_id=batch.pk)
    status = 400 if form.errors else 200
    return render(request, "imports/upload.html", {"form": form}, status=status)


def _matching(batch: ImportBatch) -> bool:
    """Loaded, and identity resolution still at work on the people it recorded (it runs after
    the load, in the same run); after as long as a step may take, it stopped instead."""
    return (
        batch.status == ImportBatch.Status.LOADED
        and batch.people_created > 0
        and not batch.linkage
        and batch.finished_at is not None
        and timezone.now() - batch.finished_at < timedelta(minutes=STALLED_AFTER_MINUTES)
    )


@signed_in
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    _audit_view(request, f"Viewed import batch {batch.pk}", batch)
    context = {
        "batch": batch,
        "matching": _matching(batch),
        "extract": extract_formats()[batch.kind],
        "can_match": batch.awaiting_linkage and may_review_identities(user=current_user(request)),
        "first_rejected": list(rejected_rows(batch=batch)[:10]),
        "first_noted": list(noted_rows(batch=batch)[:10]) if batch.rows_noted else [],
        # The viewer's latest request to match the batch's people again, if they made one.
        "run": run_latest(user=current_user(request), about=f"import_batch_match:{batch.pk}"),
    }
    return render(request, "imports/batch_detail.html", context)


@signed_in
@require_POST
def batch_match(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    try:
        batch_match_enqueue(actor=current_user(request), batch=batch)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("imports:batch_detail", batch_id=batch.pk)


@signed_in
def batch_progress(request: HttpRequest, batch_id: int) -> HttpResponse:
    """What the batch page polls while the batch loads and its people are matched (counts
    only, so not audited as a view)."""
    batch = _batch(request, batch_id)
    return JsonResponse(
        {
            "status": batch.status,
            "status_label": batch.get_status_display(),
            "finished": batch.finished,
            "percent": batch.percent_done,
            "rows_read": batch.rows_read,
            "rows_expected": batch.rows_expected,
            "matching": _matching(batch),
            "linkage": batch.linkage,
        }
    )


@signed_in
def rejected(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    page = Paginator(rejected_rows(batch=batch), PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_view(request, f"Viewed rejected rows of import batch {batch.pk}", batch)
    columns = rejected_columns(batch=batch)
    rows = [(row, [row.cells.get(column, "") for column in columns]) for row in page]
    context = {"batch": batch, "page": page, "rows": rows, "columns": columns}
    return render(request, "imports/rejected.html", context)


@signed_in
def rejected_csv(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The rejected rows as the partner sent them, with the line and reasons first, so they can
    be corrected and sent again."""
    batch = _batch(request, batch_id)
    columns = rejected_columns(batch=batch)
    response, writer = _csv_download(batch, "rejected")
    writer.writerow(["line", "reasons", *columns])
    for row in rejected_rows(batch=batch).iterator(chunk_size=2_000):
        cells = [formula_safe(row.cells.get(column, "")) for column in columns]
        writer.writerow([row.line_number, "; ".join(row.reasons), *cells])
    _audit_export(
        request,
        f"Downloaded the rejected rows of import batch {batch.pk}",
        batch,
        batch.rows_rejected,
    )
    return response


@signed_in
def noted(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    page = Paginator(noted_rows(batch=batch), PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_view(request, f"Viewed the rows of import batch {batch.pk} loaded with a note", batch)
    return render(request, "imports/noted.html", {"batch": batch, "page": page})


@signed_in
def noted_csv(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The rows loaded with a note, by line and reference, to send back to the partner (so
    their system can fill in what was missing)."""
    batch = _batch(request, batch_id)
    response, writer = _csv_download(batch, "notes")
    writer.writerow(["line", "reference", "notes"])
    for row in noted_rows(batch=batch).iterator(chunk_size=2_000):
        writer.writerow([row.line_number, formula_safe(row.reference), "; ".join(row.notes)])
    _audit_export(
        request,
        f"Downloaded the rows of import batch {batch.pk} loaded with a note",
        batch,
        batch.rows_noted,
    )
    return response


@signed_in
def formats(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    return render(request, "imports/formats.html", {"formats": list(extract_formats().values())})
