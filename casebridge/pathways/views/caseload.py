"""The caseload page: a worker's open cases in pathways that allocate cases to workers."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casebridge.access.policy import AccessDenied, Action
from casebridge.audit.reads import viewed
from casebridge.pathways.selectors import allocating_pathways, caseload_for
from casebridge.ui.decorators import current_user, signed_in


@signed_in
def caseload(request: HttpRequest) -> HttpResponse:
    """The signed-in worker's open cases in each pathway that allocates cases to workers (the
    IDVA service), with those waiting to be allocated and, where the rules let them see them,
    their colleagues' cases."""
    user = current_user(request)
    pathways = allocating_pathways(user=user)
    if not pathways:
        raise AccessDenied(Action.VIEW, "caseload")
    caseloads = [caseload_for(user=user, pathway=pathway) for pathway in pathways]
    # A worker in a charity running several services sees only those with cases to show.
    caseloads = [load for load in caseloads if load.case_ids] or caseloads
    shown = [case_id for load in caseloads for case_id in load.case_ids]
    if shown:
        viewed(
            request,
            object_type="case",
            summary="Viewed their caseload",
            changes={"cases": shown},
        )
    return render(request, "pathways/caseload.html", {"caseloads": caseloads})
