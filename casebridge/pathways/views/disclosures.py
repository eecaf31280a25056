"""Clare's Law pages: record a request on a MARAC case, then the decision on it."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from casebridge.access.policy import AccessDenied, Action
from casebridge.audit.reads import viewed
from casebridge.core.errors import ApplicationError
from casebridge.pathways.disclosures import disclosure_decide, disclosure_request_record
from casebridge.pathways.forms import DisclosureDecisionForm, DisclosureRequestForm
from casebridge.pathways.models import MARAC_CODE, Case, DisclosureRequest
from casebridge.pathways.selectors import case_get, disclosure_request_get
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error


def _marac_case_to_change(request: HttpRequest, case_id: UUID, doing: str) -> Case:
    """The MARAC case, if the user may change it; 404 otherwise (others only read it)."""
    case = case_get(user=current_user(request), case_id=case_id, action=Action.CHANGE)
    if case.pathway.code != MARAC_CODE:
        raise AccessDenied(doing, "case", case.pk)
    return case


def _back_to_disclosures(case: Case) -> HttpResponse:
    return redirect(reverse("pathways:case_detail", kwargs={"case_id": case.pk}) + "#disclosures")


def _render_disclosure_form(
    request: HttpRequest, template: str, context: dict[str, object], doing: str
) -> HttpResponse:
    case = context["case"]
    assert isinstance(case, Case)
    viewed(
        request,
        object_type="case",
        object_id=case.pk,
        summary=f"Viewed {case.reference} to {doing}",
    )
    form = context["form"]
    status = 400 if getattr(form, "errors", None) else 200
    return render(request, template, context, status=status)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def disclosure_request(request: HttpRequest, case_id: UUID) -> HttpResponse:
    """Record a Clare's Law request (right to ask or right to know) on a MARAC case."""
    user = current_user(request)
    case = _marac_case_to_change(request, case_id, "record a disclosure request on")
    form = DisclosureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            disclosure_request_record(
                actor=user,
                case=case,
                route=form.cleaned_data["route"],
                requested_on=form.cleaned_data["requested_on"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return _back_to_disclosures(case)
    return _render_disclosure_form(
        request,
        "pathways/disclosure_request.html",
        {"case": case, "form": form},
        "record a Clare's Law request",
    )


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def disclosure_decision(request: HttpRequest, case_id: UUID, request_id: int) -> HttpResponse:
    """Record whether a disclosure was made on one of the case's Clare's Law requests."""
    user = current_user(request)
    case = _marac_case_to_change(request, case_id, "decide a disclosure request on")
    disclosure = disclosure_request_get(case=case, request_id=request_id)
    pending = disclosure.decision == DisclosureRequest.Decision.PENDING
    form = DisclosureDecisionForm(request.POST or None)
    if request.method == "POST" and pending and form.is_valid():
        try:
            disclosure_decide(
                actor=user,
                request=disclosure,
                decision=form.cleaned_data["decision"],
                decided_on=form.cleaned_data["decided_on"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return _back_to_disclosures(case)
    return _render_disclosure_form(
        request,
        "pathways/disclosure_decision.html",
        {"case": case, "disclosure": disclosure, "pending": pending, "form": form},
        "record a Clare's Law decision",
    )
