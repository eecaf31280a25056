"""Community-impact meetings: called after a panel meeting (a SIRM) with schools and
community groups. They discuss no case, so those attending never see who was involved."""

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
from casebridge.panels.models import Meeting, MeetingAttendee
from casebridge.panels.services.agenda import clean_text
from casebridge.panels.services.common import lock_meeting, require_runner, require_status


def community_impact_kinds(meeting: Meeting) -> list[str]:
    """The agency kinds a community-impact meeting after this one may invite (empty: the
    pathway calls none)."""
    if meeting.purpose != Meeting.Purpose.PANEL:
        return []
    return list(meeting.pathway.definition.get("community_impact", {}).get("agency_kinds", []))


@transaction.atomic
def community_impact_schedule(
    *,
    actor: User,
    meeting: Meeting,
    scheduled_for: datetime,
    title: str = "",
    location: str = "",
    attending_agencies: Iterable[Agency] = (),
) -> Meeting:
    """Call a community-impact meeting after a held (or closed) panel meeting.

    Args:
        actor: the coordinator running ``meeting``; they chair the new one.
        meeting: the panel meeting it follows, of a pathway with ``community_impact``.
        scheduled_for: when it starts (timezone-aware).
        title: defaults to "Community impact - SIRM of 3 Dec 2026" (the panel meeting's day).
        location: the venue or "Online".
        attending_agencies: each of the definition's ``community_impact`` agency kinds.

    Returns:
        The planned community-impact meeting, with no agenda.
    """
    meeting = lock_meeting(meeting)
    require_runner(actor, meeting)
    pathway = meeting.pathway
    require_permission(user=actor, action=Action.CREATE, resource=Resource.MEETING, pathway=pathway)
    kinds = community_impact_kinds(meeting)
    if not kinds:
        raise ApplicationError(f"{pathway.name} does not call community-impact meetings.")
    require_status(
        meeting, Meeting.Status.HELD, Meeting.Status.CLOSED, doing="call a community-impact meeting"
    )
    if timezone.is_naive(scheduled_for):
        raise ApplicationError("Give the meeting's time with its time zone.", field="scheduled_for")
    agencies = {agency.pk: agency for agency in attending_agencies}
    if wrong := sorted(a.name for a in agencies.values() if a.kind not in kinds):
        raise ApplicationError(
            f"A community-impact meeting is not for {', '.join(wrong)}.",
            field="attending_agencies",
        )
    follow_up = Meeting.objects.create(
        pathway=pathway,
        purpose=Meeting.Purpose.COMMUNITY_IMPACT,
        follows=meeting,
        # Not the panel meeting's title: a SIRM's names the incident, which schools must not see.
        title=title.strip()
        or f"Community impact - {pathway.reference_prefix} of {events.meeting_day(meeting)}",
        scheduled_for=scheduled_for,
        location=location.strip(),
        chair=actor,
    )
    MeetingAttendee.objects.bulk_create(
        MeetingAttendee(meeting=follow_up, agency=agency) for agency in agencies.values()
    )
    written_in_bulk(MeetingAttendee)
    audit_record(
        actor=actor,
        action="create",
        object_type=Resource.MEETING,
        object_id=follow_up.pk,
        summary=f"Called {follow_up.title} for {events.meeting_day(follow_up)}",
        changes={
            "purpose": [None, follow_up.purpose],
            "follows": [None, str(meeting.pk)],
            "scheduled_for": [None, follow_up.scheduled_for],
            "attending_agencies": [None, sorted(a.code for a in agencies.values())],
        },
    )
    return follow_up


@transaction.atomic
def community_impact_summary_record(*, actor: User, meeting: Meeting, summary: str) -> Meeting:
    """Record (or replace) what a community-impact meeting heard and agreed. Coordinator only.

    Those attending read it, so it names no one: write it as the community would hear it.
    """
    meeting = lock_meeting(meeting)
    require_runner(actor, meeting)
    if meeting.purpose != Meeting.Purpose.COMMUNITY_IMPACT:
        raise ApplicationError("Only a community-impact meeting has a summary.")
    require_status(meeting, Meeting.Status.PLANNED, Meeting.Status.HELD, doing="record its summary")
    before = len(meeting.summary)
    meeting.summary = clean_text(summary, field="summary", missing="Enter the summary.")
    meeting.save(update_fields=["summary"])
    audit_record(
        actor=actor,
        action="change",
        object_type=Resource.MEETING,
        object_id=meeting.pk,
        summary=f"Summary recorded for {meeting.title}",
        changes={"summary_characters": [before, len(meeting.summary)]},
    )
    return meeting
