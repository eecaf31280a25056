"""Meeting pages: the list, scheduling, the meeting itself and running it."""

from collections.abc import Callable
from datetime import datetime, time
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from casebridge.access.policy import AccessDenied, Action, Resource
from casebridge.audit.reads import viewed
from casebridge.core.errors import ApplicationError
from casebridge.panels.exports.rows import address_remover
from casebridge.panels.forms import AttendeeForm, CancelMeetingForm, MeetingForm, SummaryForm
from casebridge.panels.models import AgendaItem, Meeting
from casebridge.panels.offers import meeting_offers
from casebridge.panels.selectors import (
    agenda_items,
    may_change_meeting,
    may_share_information,
    may_view_meetings,
    meeting_attendees,
    meeting_get,
    meeting_list,
    schedulable_pathways,
    visible_meetings,
)
from casebridge.panels.services import (
    agenda_build,
    attendee_add,
    meeting_cancel,
    meeting_close,
    meeting_mark_held,
    meeting_schedule,
)
from casebridge.panels.services.community import community_impact_kinds
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error

PAST_SHOWN = 50


@signed_in
def meeting_index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not may_view_meetings(user=user):
        raise AccessDenied(Action.VIEW, Resource.MEETING)
    start_of_today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    meetings = meeting_list(user=user)
    upcoming = list(meetings.filter(scheduled_for__gte=start_of_today))
    past = list(meetings.filter(scheduled_for__lt=start_of_today).reverse()[:PAST_SHOWN])
    if upcoming or past:
        viewed(
            request,
            object_type=Resource.MEETING,
            summary="Viewed meeting list",
            changes={"meetings": [str(m.pk) for m in [*upcoming, *past]]},
        )
    return render(
        request,
        "panels/meeting_list.html",
        {
            "upcoming": upcoming,
            "past": past,
            "can_schedule": bool(schedulable_pathways(user=user)),
        },
    )


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    pathways = schedulable_pathways(user=user)
    if not pathways:
        raise AccessDenied(Action.CREATE, Resource.MEETING)
    form = MeetingForm(request.POST or None, pathways=pathways)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_schedule(
                actor=user,
                pathway=form.chosen_pathway(),
                scheduled_for=form.scheduled_for(),
                title=form.cleaned_data["title"],
                location=form.cleaned_data["location"],
                attending_agencies=form.chosen_agencies(),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("panels:meeting_detail", meeting_id=meeting.pk)
    status = 400 if form.errors else 200
    return render(request, "panels/meeting_form.html", {"form": form}, status=status)


def _remove_addresses(items: list[AgendaItem]) -> Callable[[str], str]:
    """Free text on a page every attending agency reads must not carry anyone's address."""
    remove = address_remover(items)
    for item in items:
        item.reason_shown = remove(item.case.referral_reason)  # type: ignore[attr-defined]
        item.minutes_shown = remove(item.minutes)  # type: ignore[attr-defined]
        for shared in item.information.all():
            shared.text_shown = remove(shared.text)  # type: ignore[attr-defined]
        for action in item.actions.all():
            action.description_shown = remove(action.description)  # type: ignore[attr-defined]
            action.reason_shown = remove(action.cancellation_reason)  # type: ignore[attr-defined]
        for rating in item.risk_ratings.all():
            rating.assessment_shown = remove(rating.assessment)  # type: ignore[attr-defined]
    return remove


def _risk_rows(meeting: Meeting, items: list[AgendaItem]) -> None:
    """Each item's risk areas in the definition's order, with the rating given, if any."""
    areas = meeting.pathway.definition.get("risk_areas", [])
    levels = {
        level["code"]: level["label"] for level in meeting.pathway.definition.get("risk_levels", [])
    }
    for item in items:
        ratings = {rating.area: rating for rating in item.risk_ratings.all()}
        for rating in ratings.values():
            rating.level_label = levels.get(rating.level, rating.level)  # type: ignore[attr-defined]
        item.risk_rows = [(area, ratings.get(area["code"])) for area in areas]  # type: ignore[attr-defined]


def render_meeting(
    request: HttpRequest,
    meeting: Meeting,
    attendee_form: AttendeeForm | None = None,
    status: int = 200,
    summary_form: SummaryForm | None = None,
) -> HttpResponse:
    """The meeting page: attendees, the agenda the user may see, and what they may do.

    A community-impact meeting has no agenda: the page shows its summary instead.
    """
    user = current_user(request)
    attendees = list(meeting_attendees(meeting=meeting))
    items = agenda_items(user=user, meeting=meeting)
    remove = _remove_addresses(items)
    _risk_rows(meeting, items)
    can_run = may_change_meeting(user=user, meeting=meeting)
    community_impact = meeting.purpose == Meeting.Purpose.COMMUNITY_IMPACT
    if community_impact and can_run and summary_form is None:
        summary_form = SummaryForm(initial={"summary": meeting.summary})
    calls_community_meetings = bool(community_impact_kinds(meeting))
    viewed(
        request,
        object_type=Resource.MEETING,
        object_id=meeting.pk,
        summary=f"Viewed meeting {meeting.title}",
        changes={"cases": [str(item.case_id) for item in items]},
    )
    if can_run and attendee_form is None:
        attendee_form = AttendeeForm(attending=attendees)
    context = {
        "meeting": meeting,
        "attendees": attendees,
        "items": items,
        "can_run": can_run,
        "may_share": may_share_information(user=user, meeting=meeting),
        "cancellation_reason_shown": remove(meeting.cancellation_reason),
        "is_planned": meeting.status == Meeting.Status.PLANNED,
        "is_held": meeting.status == Meeting.Status.HELD,
        # Closed and cancelled meetings are final: nothing more is shared, minuted or agreed.
        "is_open": meeting.status in (Meeting.Status.PLANNED, Meeting.Status.HELD),
        "form": attendee_form,
        **meeting_offers(user=user, meeting=meeting),
        "community_impact": community_impact,
        "summary_form": summary_form,
        "calls_community_meetings": calls_community_meetings,
        "follow_ups": (
            list(visible_meetings(user=user).filter(follows=meeting).order_by("scheduled_for"))
            if calls_community_meetings
            else []
        ),
        "may_call_follow_up": calls_community_meetings
        and can_run
        and meeting.status in (Meeting.Status.HELD, Meeting.Status.CLOSED),
    }
    return render(request, "panels/meeting_detail.html", context, status=status)


@signed_in
def meeting_detail(request: HttpRequest, meeting_id: UUID) -> HttpResponse:
    return render_meeting(request, meeting_get(user=current_user(request), meeting_id=meeting_id))


@signed_in
@require_POST
def attendee_create(request: HttpRequest, meeting_id: UUID) -> HttpResponse:
    user = current_user(request)
    meeting = meeting_get(user=user, meeting_id=meeting_id, action=Action.CHANGE)
    form = AttendeeForm(request.POST, attending=list(meeting_attendees(meeting=meeting)))
    if form.is_valid():
        try:
            attendee = attendee_add(actor=user, meeting=meeting, agency=form.chosen_agency())
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"{attendee.agency.name} is now attending.")
            return redirect("panels:meeting_detail", meeting_id=meeting.pk)
    return render_meeting(request, meeting, attendee_form=form, status=400)


@signed_in
@require_POST
def meeting_build_agenda(request: HttpRequest, meeting_id: UUID) -> HttpResponse:
    user = current_user(request)
    meeting = meeting_get(user=user, meeting_id=meeting_id, action=Action.CHANGE)
    try:
        added = agenda_build(actor=user, meeting=meeting)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if added:
            messages.success(request, f"{len(added)} accepted referrals added to the agenda.")
        else:
            messages.info(request, "There are no accepted referrals waiting for a meeting.")
    return redirect("panels:meeting_detail", meeting_id=meeting.pk)


@signed_in
@require_POST
def meeting_held(request: HttpRequest, meeting_id: UUID) -> HttpResponse:
    user = current_user(request)
    meeting = meeting_get(user=user, meeting_id=meeting_id, action=Action.CHANGE)
    try:
        meeting_mark_held(actor=user, meeting=meeting)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The meeting is recorded as held.")
    return redirect("panels:meeting_detail", meeting_id=meeting.pk)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_cancellation(request: HttpRequest, meeting_id: UUID) -> HttpResponse:
    """Cancel a planned meeting, with a reason (a page of its own: it cannot be undone)."""
    user = current_user(request)
    meeting = meeting_get(user=user, meeting_id=meeting_id, action=Action.CHANGE)
    planned = meeting.status == Meeting.Status.PLANNED
    form = CancelMeetingForm(request.POST or None)
    if request.method == "POST" and planned and form.is_valid():
        try:
            meeting_cancel(actor=user, meeting=meeting, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, "The meeting is cancelled.")
            return redirect("panels:meeting_detail", meeting_id=meeting.pk)
    viewed(
        request,
        object_type=Resource.MEETING,
        object_id=meeting.pk,
        summary=f"Viewed meeting {meeting.title} to cancel it",
    )
    status = 400 if form.errors else 200
    context = {
        "meeting": meeting,
        "planned": planned,
        "agenda_count": meeting.agenda.count(),
        "form": form,
    }
    return render(request, "panels/meeting_cancel.html", context, status=status)


@signed_in
@require_POST
def meeting_closure(request: HttpRequest, meeting_id: UUID) -> HttpResponse:
    user = current_user(request)
    meeting = meeting_get(user=user, meeting_id=meeting_id, action=Action.CHANGE)
    try:
        meeting_close(actor=user, meeting=meeting)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The meeting is closed: its minutes and actions are final.")
    return redirect("panels:meeting_detail", meeting_id=meeting.pk)
