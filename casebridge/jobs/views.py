"""A background run's page and the status its page polls: for whoever started it, nobody else."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from casebridge.audit.reads import viewed
from casebridge.jobs.selectors import run_get
from casebridge.ui.decorators import current_user, signed_in


@signed_in
def run_detail(request: HttpRequest, run_id: UUID) -> HttpResponse:
    run = run_get(user=current_user(request), run_id=run_id)
    viewed(request, object_type="task_run", object_id=run.pk, summary=f"Viewed: {run.title}")
    return render(request, "jobs/run_detail.html", {"run": run})


@signed_in
def run_status(request: HttpRequest, run_id: UUID) -> HttpResponse:
    """What the run's page polls (its state only, so not audited as a view)."""
    run = run_get(user=current_user(request), run_id=run_id)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "finished": run.finished,
            "error": run.error,
            "outcome": run.outcome,
        }
    )
