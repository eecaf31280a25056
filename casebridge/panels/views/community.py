"""Community-impact meetings: calling one after a held panel meeting, and its summary."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from casebridge.access.policy import AccessDenied, Action, Resource
from casebridge.agencies.models import Agency
from casebridge.audit.reads import viewed
from casebridge.core.errors import ApplicationError
from casebridge.panels.forms import CommunityImpactForm, SummaryForm
from casebridge.panels.selectors import meeting_get
from casebridge.panels.services import community_impact_schedule, community_impact_summary_record
from casebridge.panels.services.community import community_impact_kinds
from casebridge.panels.views.meetings import render_meeting
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def community_impact_create(request: HttpRequest, meeting_id: UUID) -> HttpResponse:
    user = current_user(request)
    meeting = meeting_get(user=user, meeting_id=meeting_id, action=Action.CHANGE)
    kinds = community_impact_kinds(meeting)
    if not kinds:
        raise AccessDenied(Action.CREATE, Resource.MEETING, meeting.pk)
    agencies = list(Agency.objects.filter(kind__in=kinds).order_by("name"))
    form = CommunityImpactForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = community_impact_schedule(
                actor=user,
                meeting=meeting,
                scheduled_for=form.scheduled_for(),
                title=form.cleaned_data["title"],
                location=form.cleaned_data["location"],
                attending_agencies=form.chosen_agencies(),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, "The community-impact meeting is called.")
            return redirect("panels:meeting_detail", meeting_id=follow_up.pk)
    viewed(
        request,
        object_type=Resource.MEETING,
        object_id=meeting.pk,
        summary=f"Viewed meeting {meeting.title} to call a community-impact meeting",
    )
    status = 400 if form.errors else 200
    context = {"meeting": meeting, "form": form}
    return render(request, "panels/community_impact_form.html", context, status=status)


@signed_in
@require_POST
def community_impact_summary(request: HttpRequest, meeting_id: UUID) -> HttpResponse:
    user = current_user(request)
    meeting = meeting_get(user=user, meeting_id=meeting_id, action=Action.CHANGE)
    form = SummaryForm(request.POST)
    if form.is_valid():
        try:
            community_impact_summary_record(
                actor=user, meeting=meeting, summary=form.cleaned_data["summary"]
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, "The summary is saved.")
            return redirect("panels:meeting_detail", meeting_id=meeting.pk)
    return render_meeting(request, meeting, summary_form=form, status=400)
