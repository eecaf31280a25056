"""Checks every panel service makes before it writes."""

from casebridge.access.policy import Action, authorize
from casebridge.accounts.models import User
from casebridge.core.errors import ApplicationError
from casebridge.panels.models import Meeting


def lock_meeting(meeting: Meeting) -> Meeting:
    """Re-read the meeting under a row lock, so its status cannot change while we write."""
    return Meeting.objects.select_for_update().select_related("pathway").get(pk=meeting.pk)


def require_runner(actor: User, meeting: Meeting) -> None:
    """Only those who may change the meeting (its coordinator) run it."""
    authorize(user=actor, action=Action.CHANGE, obj=meeting)


def require_status(meeting: Meeting, *allowed: str, doing: str) -> None:
    if meeting.status not in allowed:
        raise ApplicationError(
            f"This meeting is {meeting.get_status_display().lower()}: you cannot {doing} now."
        )
