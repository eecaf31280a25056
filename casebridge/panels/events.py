"""What panels write on a case's timeline, explicitly from the services (no signals)."""

from datetime import datetime

from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.panels.models import Action, AgendaItem, Meeting
from casebridge.pathways.models import Case, CaseEvent


def meeting_day(meeting: Meeting) -> str:
    """The meeting's date as people say it, in local time: "12 Jan 2023"."""
    local = timezone.localtime(meeting.scheduled_for)
    return f"{local.day} {local:%b %Y}"


def _note(*, case: Case, actor: User, text: str, occurred_at: datetime | None = None) -> CaseEvent:
    # Pathways owns CaseEvent.Kind; panel entries are notes so no pathways migration is needed.
    return CaseEvent.objects.create(
        case=case,
        occurred_at=occurred_at or timezone.now(),
        kind=CaseEvent.Kind.NOTE,
        actor=actor,
        text=text,
    )


def added_to_agenda(*, item: AgendaItem, actor: User) -> CaseEvent:
    meeting = item.meeting
    return _note(
        case=item.case,
        actor=actor,
        text=f"Added to {meeting.pathway.reference_prefix} agenda for {meeting_day(meeting)}",
    )


def discussed(*, item: AgendaItem, actor: User) -> CaseEvent:
    meeting = item.meeting
    return _note(
        case=item.case,
        actor=actor,
        text=f"Discussed at {meeting.pathway.reference_prefix} on {meeting_day(meeting)}",
        occurred_at=meeting.scheduled_for,
    )


def action_agreed(*, action: Action, actor: User) -> CaseEvent:
    return _note(
        case=action.case,
        actor=actor,
        text=(
            f"Action agreed: {action.description} "
            f"(owner {action.owner_agency.name}, due {action.due_date:%d/%m/%Y})"
        ),
        occurred_at=action.agreed_at,
    )


def action_completed(*, action: Action, actor: User) -> CaseEvent:
    return _note(
        case=action.case,
        actor=actor,
        text=f"Action completed: {action.description}",
        occurred_at=action.completed_at,
    )


def action_cancelled(*, action: Action, actor: User) -> CaseEvent:
    return _note(
        case=action.case,
        actor=actor,
        text=f"Action cancelled: {action.description}. Reason: {action.cancellation_reason}",
        occurred_at=action.cancelled_at,
    )


def meeting_cancelled(*, item: AgendaItem, actor: User) -> CaseEvent:
    meeting = item.meeting
    return _note(
        case=item.case,
        actor=actor,
        text=(
            f"{meeting.pathway.reference_prefix} for {meeting_day(meeting)} cancelled: "
            "no longer on its agenda"
        ),
        occurred_at=meeting.cancelled_at,
    )
