"""Actions the panel agrees, and their completion."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from casebridge.access.policy import Action, Resource, authorize
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.panels import events
from casebridge.panels.models import Action as PanelAction
from casebridge.panels.models import AgendaItem, Meeting
from casebridge.panels.services.common import lock_meeting, require_runner, require_status

DESCRIPTION_LIMIT = 2_000


@transaction.atomic
def action_agree(
    *,
    actor: User,
    agenda_item: AgendaItem,
    description: str,
    owner_agency: Agency,
    owner_user: User | None = None,
    due_date: date,
) -> PanelAction:
    """Record an action the panel agreed for one case. Coordinator only.

    Args:
        actor: the coordinator running the meeting.
        agenda_item: the case's item on the agenda.
        description: what is to be done.
        owner_agency: who does it; must be attending the meeting.
        owner_user: optionally, the named person in ``owner_agency``.
        due_date: when it is due; not before the meeting.
    """
    meeting = lock_meeting(agenda_item.meeting)
    require_runner(actor, meeting)
    case = agenda_item.case
    authorize(user=actor, action=Action.VIEW, obj=case)
    require_status(meeting, Meeting.Status.PLANNED, Meeting.Status.HELD, doing="agree actions")
    description = description.strip()
    if not description:
        raise ApplicationError("Describe the action.", field="description")
    if len(description) > DESCRIPTION_LIMIT:
        raise ApplicationError(
            f"Keep the action to {DESCRIPTION_LIMIT:,} characters or fewer.", field="description"
        )
    if not meeting.attendees.filter(agency=owner_agency).exists():
        raise ApplicationError(
            f"{owner_agency.name} is not attending this meeting, so cannot own an action.",
            field="owner_agency",
        )
    if owner_user is not None and (
        owner_user.agency_id != owner_agency.pk or not owner_user.is_active
    ):
        raise ApplicationError(
            f"{owner_user.display_name} does not work for {owner_agency.name}.",
            field="owner_user",
        )
    if due_date < timezone.localdate(meeting.scheduled_for):
        raise ApplicationError("The due date cannot be before the meeting.", field="due_date")
    action = PanelAction.objects.create(
        agenda_item=agenda_item,
        case=case,
        description=description,
        owner_agency=owner_agency,
        owner_user=owner_user,
        due_date=due_date,
        agreed_at=timezone.now(),
        agreed_by=actor,
    )
    events.action_agreed(action=action, actor=actor)
    audit_record(
        actor=actor,
        action="create",
        object_type="action",
        object_id=action.pk,
        summary=f"Action agreed for {case.reference} at {meeting.title}",
        changes={
            "meeting": str(meeting.pk),
            "case": str(case.pk),
            "owner_agency": [None, owner_agency.code],
            "owner_user": [None, owner_user.pk if owner_user else None],
            "due_date": [None, due_date],
        },
    )
    return action


@transaction.atomic
def action_complete(*, actor: User, action: PanelAction, note: str) -> PanelAction:
    """Mark an action done: by its owner, anyone in the owning agency, or the coordinator."""
    action = (
        PanelAction.objects.select_for_update()
        .select_related("agenda_item__meeting", "case", "owner_agency")
        .get(pk=action.pk)
    )
    meeting = action.agenda_item.meeting
    authorize(user=actor, action=Action.VIEW, obj=meeting)
    authorize(user=actor, action=Action.VIEW, obj=action.case)
    authorize(user=actor, action=Action.CHANGE, obj=action, resource=Resource.PANEL_ACTION)
    if action.status != PanelAction.Status.OPEN:
        raise ApplicationError(f"This action is already {action.get_status_display().lower()}.")
    note = note.strip()
    if not note:
        raise ApplicationError("Say what was done.", field="note")
    action.status = PanelAction.Status.COMPLETED
    action.completed_at = timezone.now()
    action.completed_by = actor
    action.completion_note = note
    action.save(update_fields=["status", "completed_at", "completed_by", "completion_note"])
    events.action_completed(action=action, actor=actor)
    audit_record(
        actor=actor,
        action="change",
        object_type="action",
        object_id=action.pk,
        summary=f"Action completed for {action.case.reference}",
        changes={"status": [PanelAction.Status.OPEN, action.status]},
    )
    return action


CANCEL_REASON_LIMIT = 2_000


@transaction.atomic
def action_cancel(*, actor: User, action: PanelAction, reason: str) -> PanelAction:
    """Cancel an open action that is no longer needed. Only the coordinator running its meeting.

    Args:
        actor: the coordinator running the meeting that agreed the action.
        action: an open action.
        reason: why it is cancelled; shown with the action, on the case's timeline and kept in
            the audit trail.

    Raises:
        AccessDenied: the actor does not run the meeting, or may not see the case.
        ApplicationError: the action is not open, or no reason was given.
    """
    action = (
        PanelAction.objects.select_for_update()
        .select_related("agenda_item__meeting", "case", "owner_agency")
        .get(pk=action.pk)
    )
    require_runner(actor, action.agenda_item.meeting)
    authorize(user=actor, action=Action.VIEW, obj=action.case)
    if action.status != PanelAction.Status.OPEN:
        raise ApplicationError(f"This action is already {action.get_status_display().lower()}.")
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Give a reason for cancelling the action.", field="reason")
    if len(reason) > CANCEL_REASON_LIMIT:
        raise ApplicationError(
            f"Keep the reason to {CANCEL_REASON_LIMIT:,} characters or fewer.", field="reason"
        )
    action.status = PanelAction.Status.CANCELLED
    action.cancelled_at = timezone.now()
    action.cancelled_by = actor
    action.cancellation_reason = reason
    action.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancellation_reason"])
    events.action_cancelled(action=action, actor=actor)
    audit_record(
        actor=actor,
        action="change",
        object_type="action",
        object_id=action.pk,
        summary=f"Action cancelled for {action.case.reference}",
        changes={"status": [PanelAction.Status.OPEN, action.status]},
        reason=reason,
    )
    return action
