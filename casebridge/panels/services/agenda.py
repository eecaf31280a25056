"""The agenda: which cases a meeting discusses, what agencies shared and the minutes."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from casebridge.access.policy import Action, Resource, authorize
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.panels import events
from casebridge.panels.models import AgendaItem, InformationShared, Meeting
from casebridge.panels.selectors import agenda_candidates
from casebridge.panels.services.common import lock_meeting, require_runner, require_status
from casebridge.pathways.models import Case

TEXT_LIMIT = 10_000


def _require_panel(meeting: Meeting) -> None:
    # A community-impact meeting's attendees (schools, community groups) never see a case.
    if meeting.purpose != Meeting.Purpose.PANEL:
        raise ApplicationError("A community-impact meeting discusses no case: it has no agenda.")


def _next_position(meeting: Meeting) -> int:
    current = meeting.agenda.aggregate(top=Max("position"))["top"]
    return (current or 0) + 1


def _add(*, actor: User, meeting: Meeting, case: Case, position: int) -> AgendaItem:
    item = AgendaItem.objects.create(meeting=meeting, case=case, position=position)
    events.added_to_agenda(item=item, actor=actor)
    return item


@transaction.atomic
def agenda_build(*, actor: User, meeting: Meeting) -> list[AgendaItem]:
    """Put every accepted referral that is on no meeting's agenda yet on this one.

    Cases are added oldest referral first. Their state does not change: opening a case stays a
    separate decision on the case page.

    Returns:
        The items added (empty when there was nothing to add).
    """
    meeting = lock_meeting(meeting)
    require_runner(actor, meeting)
    require_status(meeting, Meeting.Status.PLANNED, doing="change its agenda")
    _require_panel(meeting)
    # Only cases the coordinator may see: a sealed case needs an entitlement first.
    cases = list(agenda_candidates(user=actor, meeting=meeting).select_for_update())
    position = _next_position(meeting)
    items = [
        _add(actor=actor, meeting=meeting, case=case, position=position + offset)
        for offset, case in enumerate(cases)
    ]
    if items:
        audit_record(
            actor=actor,
            action="change",
            object_type=Resource.MEETING,
            object_id=meeting.pk,
            summary=f"Built the agenda of {meeting.title}: {len(items)} cases added",
            changes={"agenda_added": [str(item.case_id) for item in items]},
        )
    return items


@transaction.atomic
def agenda_add(*, actor: User, meeting: Meeting, case: Case) -> AgendaItem:
    """Put one case on a planned meeting's agenda (for example, a repeat referral)."""
    meeting = lock_meeting(meeting)
    require_runner(actor, meeting)
    authorize(user=actor, action=Action.VIEW, obj=case)
    require_status(meeting, Meeting.Status.PLANNED, doing="change its agenda")
    _require_panel(meeting)
    if case.pathway_id != meeting.pathway_id:
        raise ApplicationError(f"{case.reference} is not a {meeting.pathway.name} case.")
    if case.is_closed:
        raise ApplicationError(f"{case.reference} is {case.state_label.lower()}.")
    if meeting.agenda.filter(case=case).exists():
        raise ApplicationError(f"{case.reference} is already on this agenda.")
    item = _add(actor=actor, meeting=meeting, case=case, position=_next_position(meeting))
    audit_record(
        actor=actor,
        action="change",
        object_type=Resource.MEETING,
        object_id=meeting.pk,
        summary=f"Added {case.reference} to the agenda of {meeting.title}",
        changes={"agenda_added": [str(case.pk)]},
    )
    return item


def clean_text(text: str, *, field: str, missing: str) -> str:
    text = text.strip()
    if not text:
        raise ApplicationError(missing, field=field)
    if len(text) > TEXT_LIMIT:
        raise ApplicationError(f"Keep it to {TEXT_LIMIT:,} characters or fewer.", field=field)
    return text


@transaction.atomic
def information_share(
    *, actor: User, agenda_item: AgendaItem, text: str, phase: str
) -> InformationShared:
    """Record what the actor's agency shares with the panel about one case.

    Who may share is the ``panel_information`` rules' (the agencies attending the meeting, in
    the shipped rules); "before" is for the research done before a planned meeting, "during" for
    what is said on the day.
    """
    meeting = lock_meeting(agenda_item.meeting)
    authorize(user=actor, action=Action.VIEW, obj=meeting)
    authorize(user=actor, action=Action.VIEW, obj=agenda_item.case)
    authorize(user=actor, action=Action.CREATE, obj=meeting, resource=Resource.PANEL_INFORMATION)
    if phase not in InformationShared.Phase.values:
        raise ApplicationError("Select when this was shared.", field="phase")
    allowed = [Meeting.Status.PLANNED]
    if phase == InformationShared.Phase.DURING:
        allowed.append(Meeting.Status.HELD)
    require_status(meeting, *allowed, doing="share information")
    agency = actor.agency
    assert agency is not None  # the rules share only with the agencies attending
    text = clean_text(text, field="text", missing="Enter the information to share.")
    shared = InformationShared.objects.create(
        agenda_item=agenda_item,
        agency=agency,
        shared_by=actor,
        text=text,
        phase=phase,
        shared_at=timezone.now(),
    )
    # Free text stays out of the audit trail: it may hold details (even an address) that the
    # trail's readers must not see. The entry records who shared, on which case, and how much.
    audit_record(
        actor=actor,
        action="create",
        object_type="information_shared",
        object_id=shared.pk,
        summary=f"{agency.name} shared information on {agenda_item.case.reference}",
        changes={
            "meeting": str(meeting.pk),
            "case": str(agenda_item.case_id),
            "phase": [None, phase],
            "characters": len(text),
        },
    )
    return shared


@transaction.atomic
def minutes_record(*, actor: User, agenda_item: AgendaItem, text: str) -> AgendaItem:
    """Record (or replace) the minutes of the discussion of one case. Coordinator only."""
    meeting = lock_meeting(agenda_item.meeting)
    require_runner(actor, meeting)
    authorize(user=actor, action=Action.VIEW, obj=agenda_item.case)
    require_status(meeting, Meeting.Status.PLANNED, Meeting.Status.HELD, doing="record minutes")
    item = AgendaItem.objects.select_for_update().get(pk=agenda_item.pk)
    before = len(item.minutes)
    item.minutes = clean_text(text, field="text", missing="Enter the minutes.")
    item.save(update_fields=["minutes"])
    audit_record(
        actor=actor,
        action="change",
        object_type="agenda_item",
        object_id=item.pk,
        summary=f"Minutes recorded for {agenda_item.case.reference} at {meeting.title}",
        changes={"meeting": str(meeting.pk), "minutes_characters": [before, len(item.minutes)]},
    )
    return item
