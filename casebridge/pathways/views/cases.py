"""Case pages of the pathways app alone: the case list and recording casework on a case. The
case page and the referral page gather other apps: see web/cases.py."""

from uuid import UUID

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from casebridge.access.policy import AccessDenied
from casebridge.audit.reads import viewed
from casebridge.core.errors import ApplicationError
from casebridge.pathways.forms import ActivityForm
from casebridge.pathways.selectors import case_get, case_list, case_next_steps
from casebridge.pathways.services import case_activity_record
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error

PAGE_SIZE = 50


@signed_in
def case_index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = Paginator(case_list(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    if page.object_list:
        viewed(
            request,
            object_type="case",
            summary="Viewed case list",
            changes={"cases": [str(case.pk) for case in page.object_list]},
        )
    return render(request, "pathways/case_list.html", {"page": page})


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def activity(request: HttpRequest, case_id: UUID) -> HttpResponse:
    """Record casework (a contact, a safety plan, a risk review) on an open case."""
    user = current_user(request)
    case = case_get(user=user, case_id=case_id)
    activities = case_next_steps(user=user, case=case).activities
    if not activities:
        raise AccessDenied("record casework on", "case", case.pk)
    form = ActivityForm(request.POST or None, activities=activities)
    if request.method == "POST" and form.is_valid():
        try:
            case_activity_record(
                actor=user,
                case=case,
                activity=form.cleaned_data["activity"],
                text=form.cleaned_data["text"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("pathways:case_detail", case_id=case.pk)
    viewed(
        request,
        object_type="case",
        object_id=case.pk,
        summary=f"Viewed casework form for {case.reference}",
    )
    return render(request, "pathways/activity.html", {"form": form, "case": case})
