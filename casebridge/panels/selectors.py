"""Reading meetings, agendas and actions, narrowed by the access rules inside the query.

A meeting is visible through ``access.policy`` (the ``meeting`` resource); an agenda item, the
information shared on it and its actions are visible only when both the meeting and the case are,
so a sealed case stays hidden even on the agenda of a meeting the user attends.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from casebridge.access.policy import (
    AccessDenied,
    Action,
    Resource,
    allows,
    permitted,
    permitted_in_any_pathway,
    visible,
    visible_key,
    visible_through,
)
from casebridge.accounts.models import User
from casebridge.core.kept import Kept
from casebridge.core.prepared import Prepared
from casebridge.panels.models import Action as PanelAction
from casebridge.panels.models import (
    AgendaItem,
    InformationShared,
    Meeting,
    MeetingAttendee,
    RiskRating,
)
from casebridge.pathways.models import Case, CasePerson, Pathway

# The state a referral must be in to be put on the next agenda (DA-MARAC's "accepted").
AGENDA_STATE = "accepted"


def visible_meetings(*, user: User, action: str = Action.VIEW) -> QuerySet[Meeting]:
    """The meetings ``user`` may ``action``."""
    return visible(user=user, action=action, queryset=Meeting.objects.all())


def _visible_cases(user: User) -> QuerySet[Case]:
    return visible(user=user, action=Action.VIEW, queryset=Case.objects.all())


def may_view_meetings(*, user: User) -> bool:
    """Whether any rule lets the user see meetings (navigation and the meetings list)."""
    return permitted_in_any_pathway(user=user, action=Action.VIEW, resource=Resource.MEETING)


def schedulable_pathways(*, user: User) -> list[Pathway]:
    """The pathways the user may schedule meetings for (empty: none)."""
    return [
        p
        for p in Pathway.objects.filter(is_active=True)
        if permitted(user=user, action=Action.CREATE, resource=Resource.MEETING, pathway=p)
    ]


def may_change_meeting(*, user: User, meeting: Meeting) -> bool:
    """Whether the user runs this meeting (builds the agenda, minutes, actions)."""
    return visible_meetings(user=user, action=Action.CHANGE).filter(pk=meeting.pk).exists()


def meeting_list(*, user: User) -> QuerySet[Meeting]:
    """Meetings the user may see, soonest first."""
    return visible_meetings(user=user).select_related("pathway", "chair").order_by("scheduled_for")


def meeting_get(*, user: User, meeting_id: UUID | str, action: str = Action.VIEW) -> Meeting:
    """The meeting, if the user may ``action`` it; ``AccessDenied`` (shown as 404) otherwise."""
    meeting = (
        visible_meetings(user=user, action=action)
        .select_related("pathway", "chair", "chair__agency", "cancelled_by")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise AccessDenied(action, Resource.MEETING, meeting_id)
    return meeting


def meeting_attendees(*, meeting: Meeting) -> QuerySet[MeetingAttendee]:
    return meeting.attendees.select_related("agency", "representative").order_by("agency__name")


def may_share_information(*, user: User, meeting: Meeting) -> bool:
    """Whether the user may share information about the cases on this meeting's agenda (the
    ``panel_information`` rules: the agencies attending it)."""
    return allows(user=user, action=Action.CREATE, obj=meeting, resource=Resource.PANEL_INFORMATION)


def agenda_items(*, user: User, meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda, limited to the cases the user may see, with what was shared.

    Call only for a meeting the user may view (``meeting_get``).
    """
    items = (
        AgendaItem.objects.filter(meeting=meeting, case__in=_visible_cases(user))
        .select_related("case", "case__subject", "case__referring_agency", "case__pathway")
        .prefetch_related(
            "case__subject__names",
            Prefetch(
                "information",
                queryset=InformationShared.objects.select_related("agency", "shared_by"),
            ),
            Prefetch(
                "actions",
                queryset=PanelAction.objects.select_related("owner_agency", "owner_user"),
            ),
            Prefetch("risk_ratings", queryset=RiskRating.objects.select_related("rated_by")),
        )
        .order_by("position")
    )
    return list(items)


def agenda_item_get(*, user: User, item_id: int | str) -> AgendaItem:
    """One agenda item whose meeting and case the user may both see."""
    item = (
        AgendaItem.objects.filter(
            pk=item_id,
            meeting__in=visible_meetings(user=user),
            case__in=_visible_cases(user),
        )
        .select_related("meeting", "meeting__pathway", "case", "case__subject")
        .first()
    )
    if item is None:
        raise AccessDenied(Action.VIEW, "agenda_item", item_id)
    return item


def _visible_actions(user: User) -> QuerySet[PanelAction]:
    return PanelAction.objects.filter(
        agenda_item__meeting__in=visible_meetings(user=user), case__in=_visible_cases(user)
    ).select_related("case", "owner_agency", "owner_user", "agenda_item__meeting")


def action_get(*, user: User, action_id: UUID | str) -> PanelAction:
    """One action whose meeting and case the user may both see."""
    action = _visible_actions(user).filter(pk=action_id).first()
    if action is None:
        raise AccessDenied(Action.VIEW, "action", action_id)
    return action


def may_complete_action(*, user: User, action: PanelAction) -> bool:
    """Whether the user may complete this action (the ``panel_action`` rules: its named owner
    and the owning agency, and whoever runs the meeting that agreed it)."""
    return allows(user=user, action=Action.CHANGE, obj=action, resource=Resource.PANEL_ACTION)


def meetings_run_by(*, user: User, meeting_ids: Collection[UUID | str]) -> set[UUID]:
    """Which of these meetings the user runs (may change): one query for a list of actions."""
    return set(
        visible_meetings(user=user, action=Action.CHANGE)
        .filter(pk__in=list(meeting_ids))
        .values_list("pk", flat=True)
    )


def my_actions(*, user: User) -> QuerySet[PanelAction]:
    """Open actions owned by the user or by their agency, soonest due first."""
    owned = Q(owner_user_id=user.pk)
    if user.agency_id:
        owned |= Q(owner_agency_id=user.agency_id)
    return (
        _visible_actions(user)
        .filter(owned, status=PanelAction.Status.OPEN)
        .order_by("due_date", "agreed_at")
    )


def overdue_actions(*, user: User, today: date | None = None) -> QuerySet[PanelAction]:
    """The user's (or their agency's) open actions whose due date has passed."""
    return my_actions(user=user).filter(due_date__lt=today or timezone.localdate())


@dataclass(frozen=True)
class CaseMeeting:
    """A meeting a case was on: its agenda item (with the meeting) and the actions agreed."""

    item: AgendaItem
    actions: list[PanelAction]


# A case page's meetings, compiled once per the meetings' permission filter (``visible_key``),
# and the case's actions: building and compiling the filter into the query, and the actions'
# prefetch, cost more CPU than anything else the case page reads.
_agendas: Kept[tuple[object, ...], Prepared[AgendaItem]] = Kept(500)
_CASE_ACTIONS = Prepared.by_key(
    lambda case_id: PanelAction.objects.select_related("owner_agency", "owner_user").filter(
        case_id=case_id
    ),
    model=PanelAction,
    key="case",
)


def _agenda_statement(user: User) -> Prepared[AgendaItem] | None:
    shown = visible_key(user=user, action=Action.VIEW, model=Meeting)
    if shown is None:
        return None
    return _agendas.get(
        shown,
        lambda: Prepared.by_key(
            lambda case_id: (
                visible_through(
                    user=user,
                    action=Action.VIEW,
                    queryset=AgendaItem.objects.filter(case_id=case_id),
                    path="meeting",
                    model=Meeting,
                )
                .select_related("meeting")
                .order_by("-meeting__scheduled_for")
            ),
            model=AgendaItem,
            key="case",
        ),
    )


def case_agenda_items(*, user: User, case: Case) -> list[CaseMeeting]:
    """The meetings a case was on (only those the user may see), latest first, with their
    actions. Two queries, however many meetings and actions (none for a user who may see no
    meeting)."""
    statement = _agenda_statement(user)
    if statement is None:
        return []
    items = statement.all_of(case, field="case")
    actions: dict[int, list[PanelAction]] = {item.pk: [] for item in items}
    for action in _CASE_ACTIONS.all(case_id=case.pk):
        if action.agenda_item_id in actions:
            actions[action.agenda_item_id].append(action)
    return [CaseMeeting(item, actions[item.pk]) for item in items]


def agenda_candidates(*, user: User, meeting: Meeting) -> QuerySet[Case]:
    """Accepted referrals in the meeting's pathway on no meeting's agenda yet (a cancelled
    meeting's agenda does not count: its cases still wait to be heard)."""
    on_an_agenda = AgendaItem.objects.filter(case_id=OuterRef("pk")).exclude(
        meeting__status=Meeting.Status.CANCELLED
    )
    return (
        _visible_cases(user)
        .filter(pathway_id=meeting.pathway_id, state=AGENDA_STATE)
        .exclude(Exists(on_an_agenda))
        .order_by("referred_at", "reference")
    )


def owner_user_choices(*, meeting: Meeting) -> QuerySet[User]:
    """Active users of the meeting's attending agencies: who may own an action."""
    return (
        User.objects.filter(
            is_active=True,
            agency_id__in=meeting.attendees.values("agency_id"),
        )
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name")
    )


def pending_agenda_items(
    *, person_ids: Collection[UUID | str], pathway: Pathway
) -> QuerySet[AgendaItem]:
    """Agenda items of planned meetings in ``pathway`` for cases about any of these people.

    A person counts when they are the case's subject or another person in it. This is a domain
    check for services (for example, "is this victim already due at a MARAC?"), so it applies no
    access rules: do not show its rows to a user without checking them.

    Args:
        person_ids: the people to look for (a person and their linked records).
        pathway: the panel's pathway, such as DA-MARAC.

    Returns:
        Agenda items ordered by meeting date, with meeting and case selected.
    """
    people = list(person_ids)
    return (
        AgendaItem.objects.filter(
            meeting__pathway=pathway,
            meeting__status=Meeting.Status.PLANNED,
        )
        .filter(
            Q(case__subject_id__in=people)
            | Exists(CasePerson.objects.filter(case_id=OuterRef("case_id"), person_id__in=people))
        )
        .select_related("meeting", "case")
        .order_by("meeting__scheduled_for", "position")
    )
