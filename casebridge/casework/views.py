"""Casework pages: the forms behind the case page's tier, needs and services sections, and a
pathway's contacts-due list. Who may do what is the policy's, through the selectors/services."""

from uuid import UUID

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from casebridge.access.policy import AccessDenied, Action, Resource, require_permission
from casebridge.audit.reads import viewed
from casebridge.casework import definitions, services
from casebridge.casework.forms import (
    NeedForm,
    NeedUpdateForm,
    ServiceEndForm,
    ServiceReferralForm,
    ServiceStartForm,
    TierForm,
)
from casebridge.casework.selectors import contacts_due, need_get, referral_get
from casebridge.core.errors import ApplicationError
from casebridge.pathways.models import Case, Pathway
from casebridge.pathways.selectors import case_get
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error


def _case_to_change(request: HttpRequest, case_id: UUID, kind: str) -> Case:
    """The case, if the user may change it and its pathway records ``kind`` (tiers, needs or
    services); 404 otherwise, so viewers and other pathways' cases get no form."""
    case = case_get(user=current_user(request), case_id=case_id, action=Action.CHANGE)
    if not definitions.entries(case.pathway, kind):
        raise AccessDenied(f"record {kind} on", "case", case.pk)
    return case


def _back(case: Case, section: str) -> HttpResponse:
    return redirect(reverse("pathways:case_detail", kwargs={"case_id": case.pk}) + f"#{section}")


def _render(
    request: HttpRequest, case: Case, form: forms.Form, doing: str, context: dict[str, object]
) -> HttpResponse:
    viewed(
        request,
        object_type="case",
        object_id=case.pk,
        summary=f"Viewed {case.reference} to {doing}",
    )
    context = {"case": case, "form": form, "title": doing[0].upper() + doing[1:]} | context
    return render(request, "casework/form.html", context, status=400 if form.errors else 200)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def tier_set(request: HttpRequest, case_id: UUID) -> HttpResponse:
    user = current_user(request)
    case = _case_to_change(request, case_id, "tiers")
    form = TierForm(request.POST or None, tiers=definitions.entries(case.pathway, "tiers"))
    if request.method == "POST" and form.is_valid():
        try:
            services.tier_assign(
                actor=user,
                case=case,
                tier=form.cleaned_data["tier"],
                assigned_on=form.cleaned_data["assigned_on"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return _back(case, "tier")
    return _render(
        request,
        case,
        form,
        "set the tier",
        {"section": "tier", "fields": "casework/fields/tier.html"},
    )


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def need_new(request: HttpRequest, case_id: UUID) -> HttpResponse:
    user = current_user(request)
    case = _case_to_change(request, case_id, "needs")
    form = NeedForm(request.POST or None, areas=definitions.entries(case.pathway, "needs"))
    if request.method == "POST" and form.is_valid():
        try:
            services.need_record(
                actor=user,
                case=case,
                area=form.cleaned_data["area"],
                identified_on=form.cleaned_data["identified_on"],
                support=form.cleaned_data["support"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return _back(case, "needs")
    return _render(
        request,
        case,
        form,
        "record a need",
        {"section": "needs", "fields": "casework/fields/need.html"},
    )


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def need_edit(request: HttpRequest, case_id: UUID, need_id: int) -> HttpResponse:
    user = current_user(request)
    case = _case_to_change(request, case_id, "needs")
    need = need_get(case=case, need_id=need_id)
    area = definitions.entry(case.pathway, "needs", need.area) or {"label": need.area}
    form = NeedUpdateForm(
        request.POST or None,
        outcomes=list(area.get("outcomes", [])),
        initial={"support": need.support, "outcome": need.outcome, "outcome_on": need.outcome_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.need_update(
                actor=user,
                need=need,
                support=form.cleaned_data["support"],
                outcome=form.cleaned_data["outcome"],
                outcome_on=form.cleaned_data["outcome_on"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return _back(case, "needs")
    return _render(
        request,
        case,
        form,
        "record the support and outcome",
        {"section": "needs", "about": area["label"], "fields": "casework/fields/need_update.html"},
    )


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def service_new(request: HttpRequest, case_id: UUID) -> HttpResponse:
    user = current_user(request)
    case = _case_to_change(request, case_id, "services")
    form = ServiceReferralForm(
        request.POST or None, services=definitions.entries(case.pathway, "services")
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.service_refer(
                actor=user,
                case=case,
                service=form.cleaned_data["service"],
                referred_on=form.cleaned_data["referred_on"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return _back(case, "services")
    return _render(
        request,
        case,
        form,
        "refer to a service",
        {"section": "services", "fields": "casework/fields/service.html"},
    )


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def service_start(request: HttpRequest, case_id: UUID, referral_id: int) -> HttpResponse:
    user = current_user(request)
    case = _case_to_change(request, case_id, "services")
    referral = referral_get(case=case, referral_id=referral_id)
    form = ServiceStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_start(
                actor=user, referral=referral, started_on=form.cleaned_data["started_on"]
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return _back(case, "services")
    about = definitions.label(case.pathway, "services", referral.service)
    return _render(
        request,
        case,
        form,
        "record the start",
        {"section": "services", "about": about, "fields": "casework/fields/service_start.html"},
    )


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def service_end(request: HttpRequest, case_id: UUID, referral_id: int) -> HttpResponse:
    user = current_user(request)
    case = _case_to_change(request, case_id, "services")
    referral = referral_get(case=case, referral_id=referral_id)
    service = definitions.entry(case.pathway, "services", referral.service) or {}
    form = ServiceEndForm(request.POST or None, elements=list(service.get("elements", [])))
    if request.method == "POST" and form.is_valid():
        try:
            services.service_end(
                actor=user,
                referral=referral,
                ended_on=form.cleaned_data["ended_on"],
                completed=form.cleaned_data["completed"] == "yes",
                elements_completed=form.cleaned_data.get("elements_completed", []),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return _back(case, "services")
    about = definitions.label(case.pathway, "services", referral.service)
    return _render(
        request,
        case,
        form,
        "record the end",
        {"section": "services", "about": about, "fields": "casework/fields/service_end.html"},
    )


@signed_in
def contacts_due_list(request: HttpRequest, pathway_code: str) -> HttpResponse:
    """Who on a pathway with tiers is due a contact, most overdue first."""
    user = current_user(request)
    pathway = Pathway.objects.filter(code=pathway_code).first()
    if pathway is None or not definitions.entries(pathway, "tiers"):
        raise Http404("No such pathway with tiers")
    require_permission(user=user, action=Action.VIEW, resource=Resource.CASE, pathway=pathway)
    rows = contacts_due(user=user, pathway=pathway)
    viewed(
        request,
        object_type="case",
        summary=f"Viewed contacts due for {pathway.name}",
        changes={"cases": [str(row.case.pk) for row in rows]},
    )
    return render(request, "casework/contacts_due.html", {"pathway": pathway, "rows": rows})
