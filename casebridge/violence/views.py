"""SIRM proposals: the coordinator's list, and the page where they decide on one."""

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casebridge.access.policy import AccessDenied, Action, Resource
from casebridge.agencies.models import Agency
from casebridge.audit.reads import viewed
from casebridge.core.errors import ApplicationError
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error
from casebridge.violence.forms import ConveneForm, NotNeededForm, StatusFilterForm
from casebridge.violence.models import SirmProposal
from casebridge.violence.selectors import (
    may_decide_sirm_proposals,
    may_view_sirm_proposals,
    sirm_proposal_get,
    sirm_proposals,
)
from casebridge.violence.services import sirm_convene, sirm_not_needed

PAGE_SIZE = 50


@signed_in
def proposal_index(request: HttpRequest) -> HttpResponse:
    """Incidents the SIRM criteria proposed, newest first, optionally of one status."""
    user = current_user(request)
    if not may_view_sirm_proposals(user=user):
        raise AccessDenied(Action.VIEW, Resource.SIRM_PROPOSAL)
    filters = StatusFilterForm(request.GET)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    proposals = sirm_proposals(user=user, status=status or None)
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    if page.object_list:
        viewed(
            request,
            object_type=Resource.SIRM_PROPOSAL,
            summary="Viewed SIRM proposals",
            changes={"proposals": [str(proposal.pk) for proposal in page.object_list]},
        )
    context = {"page": page, "filters": filters, "status": status}
    return render(request, "violence/proposal_list.html", context)


def _render_proposal(
    request: HttpRequest,
    proposal: SirmProposal,
    convene_form: ConveneForm | None = None,
    not_needed_form: NotNeededForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = current_user(request)
    undecided = proposal.status == SirmProposal.Status.PROPOSED
    decides = undecided and may_decide_sirm_proposals(user=user)
    if decides:
        convene_form = convene_form or ConveneForm(agencies=list(Agency.objects.order_by("name")))
        not_needed_form = not_needed_form or NotNeededForm()
    viewed(
        request,
        object_type=Resource.SIRM_PROPOSAL,
        object_id=proposal.pk,
        summary=f"Viewed the SIRM proposal for incident {proposal.incident.reference}",
    )
    context = {
        "proposal": proposal,
        "incident": proposal.incident,
        "decides": decides,
        "convene_form": convene_form,
        "not_needed_form": not_needed_form,
        # The error summary is for whichever form was sent back.
        "form": next((f for f in (convene_form, not_needed_form) if f and f.errors), None),
    }
    return render(request, "violence/proposal_detail.html", context, status=status)


@signed_in
def proposal_detail(request: HttpRequest, proposal_id: UUID) -> HttpResponse:
    user = current_user(request)
    return _render_proposal(request, sirm_proposal_get(user=user, proposal_id=proposal_id))


@signed_in
@require_POST
def proposal_convene(request: HttpRequest, proposal_id: UUID) -> HttpResponse:
    user = current_user(request)
    proposal = sirm_proposal_get(user=user, proposal_id=proposal_id)
    form = ConveneForm(request.POST, agencies=list(Agency.objects.order_by("name")))
    if form.is_valid():
        try:
            meeting = sirm_convene(
                actor=user,
                proposal=proposal,
                scheduled_for=form.scheduled_for(),
                attending_agencies=form.chosen_agencies(),
                title=form.cleaned_data["title"],
                location=form.cleaned_data["location"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, "The SIRM is convened and the case is on its agenda.")
            return redirect("panels:meeting_detail", meeting_id=meeting.pk)
    return _render_proposal(request, proposal, convene_form=form, status=400)


@signed_in
@require_POST
def proposal_not_needed(request: HttpRequest, proposal_id: UUID) -> HttpResponse:
    user = current_user(request)
    proposal = sirm_proposal_get(user=user, proposal_id=proposal_id)
    form = NotNeededForm(request.POST)
    if form.is_valid():
        try:
            sirm_not_needed(actor=user, proposal=proposal, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, "Recorded that no SIRM is needed.")
            return redirect("violence:sirm_proposal_detail", proposal_id=proposal.pk)
    return _render_proposal(request, proposal, not_needed_form=form, status=400)
