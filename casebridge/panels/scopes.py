"""What a rule's scope means for panel meetings, the information shared with them and the
actions they agree, and the meetings and agenda cases a user's agency attends (registered with
the policy from ``PanelsConfig.ready``)."""

from django.db.models import QuerySet

from casebridge.access.conditions import (
    ALWAYS,
    NEVER,
    Among,
    Condition,
    Link,
    Linked,
    any_of,
    equals,
)
from casebridge.access.facts import Fact, register_fact
from casebridge.access.policy import Action, Resource, Scope
from casebridge.access.registry import Protected, condition, extend, protect
from casebridge.accounts.models import User
from casebridge.panels.models import Action as PanelAction
from casebridge.panels.models import AgendaItem, Meeting, MeetingAttendee

# The meeting that agreed an action, with the fields a meeting's condition reads.
MEETING_OF_ACTION = Link(
    name="meeting_of_action",
    model=Meeting,
    paths=("agenda__actions",),
    fields=("pk", "chair_id", "pathway_id"),
    sources=("panels.Action", "panels.AgendaItem", "panels.Meeting"),
)


def meeting_scope(user: User, scope: str) -> Condition:
    if scope == Scope.ALL:
        return ALWAYS
    if not user.agency_id:
        return NEVER
    if scope == Scope.ATTENDEE:
        return Among("pk", "attended_meetings")
    if scope == Scope.AGENCY:
        return any_of(Among("pk", "attended_meetings"), Among("pk", "agency_chaired_meetings"))
    if scope == Scope.OWN:
        return equals("chair_id", user.pk)
    return NEVER


def action_scope(user: User, scope: str) -> Condition:
    """The actions the user is named to do ("own"), and those their agency owns ("agency")."""
    if scope == Scope.ALL:
        return ALWAYS
    named = equals("owner_user_id", user.pk)
    if scope == Scope.OWN:
        return named
    if scope == Scope.AGENCY:
        return any_of(named, equals("owner_agency_id", user.agency_id))
    return NEVER


def meeting_runners(user: User, action: str) -> Condition:
    """Whoever may change a meeting may change (complete) the actions it agreed: the
    coordinator closes an action its owner reported done some other way."""
    if action != Action.CHANGE:
        return NEVER
    runs = condition(user=user, action=Action.CHANGE, model=Meeting)
    return NEVER if runs is NEVER else Linked(MEETING_OF_ACTION, runs)


def _agency_id(user: User) -> int:
    # Only asked for users with an agency: without one, every scope here is NEVER.
    assert user.agency_id is not None
    return user.agency_id


def _attended(user: User) -> QuerySet[MeetingAttendee]:
    return MeetingAttendee.objects.filter(agency_id=_agency_id(user))


def _chaired(user: User) -> QuerySet[Meeting]:
    return Meeting.objects.filter(chair__agency_id=_agency_id(user))


def _attended_agenda(user: User) -> QuerySet[AgendaItem]:
    # A cancelled meeting shares nothing: its cases wait for the next agenda, and only the
    # agencies attending that one see them.
    return AgendaItem.objects.exclude(meeting__status=Meeting.Status.CANCELLED).filter(
        meeting__attendees__agency_id=_agency_id(user)
    )


def register_scopes() -> None:
    register_fact(
        Fact(
            name="attended_meetings",
            rows=_attended,
            id_field="meeting_id",
            sources=("panels.MeetingAttendee",),
        )
    )
    register_fact(
        Fact(
            name="agency_chaired_meetings",
            rows=_chaired,
            id_field="pk",
            sources=("panels.Meeting", "accounts.User"),
        )
    )
    register_fact(
        Fact(
            name="attended_cases",
            rows=_attended_agenda,
            id_field="case_id",
            sources=("panels.AgendaItem", "panels.Meeting", "panels.MeetingAttendee"),
        )
    )
    # A meeting, and sharing information about the cases on its agenda (in the shipped rules,
    # for the agencies attending it): the scopes mean the same meetings for both.
    for resource in (Resource.MEETING, Resource.PANEL_INFORMATION):
        protect(
            Protected(
                model=Meeting,
                resource=resource,
                scope=meeting_scope,
                fields=("chair_id", "pathway_id"),
                pathway_field="pathway_id",
            ),
            default=resource == Resource.MEETING,
        )
    protect(
        Protected(
            model=PanelAction,
            resource=Resource.PANEL_ACTION,
            scope=action_scope,
            fields=("owner_user_id", "owner_agency_id"),
        )
    )
    extend(PanelAction, Resource.PANEL_ACTION, meeting_runners)
