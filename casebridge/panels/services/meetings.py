"""Scheduling meetings and who attends them."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from casebridge.access.facts import written_in_bulk
from casebridge.access.policy import Action, Resource, require_permission
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.panels import events
from casebridge.panels.models import Action as PanelAction
from casebridge.panels.models import Meeting, MeetingAttendee
from casebridge.panels.services.common import lock_meeting, require_runner, require_status
from casebridge.pathways.models import Pathway

REASON_LIMIT = 2_000


@transaction.atomic
def meeting_schedule(
    *,
    actor: User,
    pathway: Pathway,
    scheduled_for: datetime,
    title: str,
    location: str = "",
    attending_agencies: Iterable[Agency] = (),
) -> Meeting:
    """Schedule a panel meeting chaired by ``actor``.

    Args:
        actor: the coordinator; they chair the meeting.
        pathway: the panel's pathway (DA-MARAC).
        scheduled_for: when it starts (timezone-aware).
        title: how it is listed, such as "MARAC - January".
        location: the venue or "Online"; never the address of a person.
        attending_agencies: the agencies invited; only they see its agenda.

    Returns:
        The planned meeting.
    """
    require_permission(user=actor, action=Action.CREATE, resource=Resource.MEETING, pathway=pathway)
    title = title.strip()
    if not title:
        raise ApplicationError("Enter a title for the meeting.", field="title")
    if timezone.is_naive(scheduled_for):
        raise ApplicationError("Give the meeting's time with its time zone.", field="scheduled_for")
    meeting = Meeting.objects.create(
        pathway=pathway,
        title=title,
        scheduled_for=scheduled_for,
        location=location.strip(),
        chair=actor,
    )
    agencies = {agency.pk: agency for agency in attending_agencies}
    MeetingAttendee.objects.bulk_create(
        MeetingAttendee(meeting=meeting, agency=agency) for agency in agencies.values()
    )
    written_in_bulk(MeetingAttendee)
    audit_record(
        actor=actor,
        action="create",
        object_type=Resource.MEETING,
        object_id=meeting.pk,
        summary=f"Scheduled {meeting.title} for {events.meeting_day(meeting)}",
        changes={
            "pathway": [None, pathway.code],
            "scheduled_for": [None, meeting.scheduled_for],
            "attending_agencies": [None, sorted(a.code for a in agencies.values())],
        },
    )
    return meeting


@transaction.atomic
def attendee_add(
    *, actor: User, meeting: Meeting, agency: Agency, representative: User | None = None
) -> MeetingAttendee:
    """Invite another agency to a meeting, optionally naming who represents it."""
    meeting = lock_meeting(meeting)
    require_runner(actor, meeting)
    require_status(meeting, Meeting.Status.PLANNED, Meeting.Status.HELD, doing="add agencies")
    if representative is not None and representative.agency_id != agency.pk:
        raise ApplicationError(
            f"{representative.display_name} does not work for {agency.name}.",
            field="representative",
        )
    if meeting.attendees.filter(agency=agency).exists():
        raise ApplicationError(f"{agency.name} is already attending.", field="agency")
    attendee = MeetingAttendee.objects.create(
        meeting=meeting, agency=agency, representative=representative
    )
    audit_record(
        actor=actor,
        action="change",
        object_type=Resource.MEETING,
        object_id=meeting.pk,
        summary=f"{agency.name} invited to {meeting.title}",
        changes={
            "attendee": [None, agency.code],
            "representative": [None, representative.pk if representative else None],
        },
    )
    return attendee


@transaction.atomic
def meeting_mark_held(*, actor: User, meeting: Meeting) -> Meeting:
    """Record that the meeting took place; each case on its agenda notes it on its timeline."""
    meeting = lock_meeting(meeting)
    require_runner(actor, meeting)
    require_status(meeting, Meeting.Status.PLANNED, doing="mark it as held")
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    items = list(meeting.agenda.select_related("case", "meeting__pathway"))
    for item in items:
        events.discussed(item=item, actor=actor)
    audit_record(
        actor=actor,
        action="change",
        object_type=Resource.MEETING,
        object_id=meeting.pk,
        summary=f"{meeting.title} marked as held",
        changes={"status": [Meeting.Status.PLANNED, meeting.status], "cases": len(items)},
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a planned meeting, with a reason. Coordinator only.

    Its cases come off the agenda (each notes it on its timeline) and wait for the next
    meeting's agenda. A meeting with open actions is not cancelled: complete or cancel them
    first, so no agreed work disappears with it.

    Args:
        actor: the coordinator running the meeting.
        meeting: a planned meeting.
        reason: why it is cancelled; shown on the meeting page and kept in the audit trail.
    """
    meeting = lock_meeting(meeting)
    require_runner(actor, meeting)
    require_status(meeting, Meeting.Status.PLANNED, doing="cancel it")
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Give a reason for cancelling the meeting.", field="reason")
    if len(reason) > REASON_LIMIT:
        raise ApplicationError(
            f"Keep the reason to {REASON_LIMIT:,} characters or fewer.", field="reason"
        )
    open_actions = PanelAction.objects.filter(
        agenda_item__meeting=meeting, status=PanelAction.Status.OPEN
    ).count()
    if open_actions == 1:
        raise ApplicationError(
            "An action agreed for this meeting is still open: complete or cancel it first."
        )
    if open_actions:
        raise ApplicationError(
            f"{open_actions} actions agreed for this meeting are still open: complete or cancel "
            "them first."
        )
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.cancelled_by = actor
    meeting.cancellation_reason = reason
    meeting.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancellation_reason"])
    items = list(meeting.agenda.select_related("case", "meeting__pathway"))
    for item in items:
        events.meeting_cancelled(item=item, actor=actor)
    audit_record(
        actor=actor,
        action="change",
        object_type=Resource.MEETING,
        object_id=meeting.pk,
        summary=f"{meeting.title} cancelled",
        changes={
            "status": [Meeting.Status.PLANNED, meeting.status],
            "cases": [str(item.case_id) for item in items],
        },
        reason=reason,
    )
    return meeting


@transaction.atomic
def meeting_close(*, actor: User, meeting: Meeting) -> Meeting:
    """Close out a held meeting: its agenda, minutes and actions agreed are then final.

    Actions already agreed stay open until their owners complete them (or the coordinator
    cancels them).
    """
    meeting = lock_meeting(meeting)
    require_runner(actor, meeting)
    require_status(meeting, Meeting.Status.HELD, doing="close it")
    meeting.status = Meeting.Status.CLOSED
    meeting.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="change",
        object_type=Resource.MEETING,
        object_id=meeting.pk,
        summary=f"{meeting.title} closed",
        changes={"status": [Meeting.Status.HELD, meeting.status]},
    )
    return meeting
