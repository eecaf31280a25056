"""Scheduling, agendas, information sharing, minutes and actions: the rules the services keep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casebridge.access.models import PermissionRule
from casebridge.access.policy import AccessDenied
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.panels.models import Action, AgendaItem, InformationShared, Meeting
from casebridge.panels.services import (
    action_agree,
    action_complete,
    agenda_add,
    agenda_build,
    attendee_add,
    information_share,
    meeting_mark_held,
    meeting_schedule,
    minutes_record,
)
from casebridge.pathways.models import CaseEvent
from tests.factories import AgencyFactory, CaseFactory, UserFactory, marac
from tests.panels.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _due(days: int = 14):
    return timezone.localdate() + timedelta(days=days)


def test_coordinator_schedules_a_meeting_with_attending_agencies(panel):
    meeting = panel.meeting
    assert meeting.status == Meeting.Status.PLANNED
    assert meeting.chair == panel.coordinator
    assert {a.agency for a in meeting.attendees.all()} == {panel.police, panel.council}
    entry = AuditEvent.objects.get(action="create", object_type="meeting", object_id=meeting.pk)
    assert entry.actor == panel.coordinator


def test_practitioner_cannot_schedule(panel):
    with pytest.raises(AccessDenied):
        meeting_schedule(
            actor=panel.officer,
            pathway=marac(),
            scheduled_for=timezone.now(),
            title="Rogue meeting",
        )


def test_schedule_needs_a_title(panel):
    with pytest.raises(ApplicationError) as error:
        meeting_schedule(
            actor=panel.coordinator, pathway=marac(), scheduled_for=timezone.now(), title="  "
        )
    assert error.value.field == "title"


def test_agenda_is_built_from_accepted_referrals_oldest_first(panel):
    now = timezone.now()
    newer = CaseFactory(state="accepted", referred_at=now - timedelta(days=1))
    older = CaseFactory(state="accepted", referred_at=now - timedelta(days=5))
    for state in ("referred", "declined", "open", "closed"):
        CaseFactory(state=state, referred_at=now - timedelta(days=9))

    items = agenda_build(actor=panel.coordinator, meeting=panel.meeting)

    assert [(i.position, i.case) for i in items] == [(1, older), (2, newer)]
    older.refresh_from_db()
    assert older.state == "accepted"  # building the agenda moves nothing
    assert CaseEvent.objects.filter(case=older, text__startswith="Added to MARAC agenda for")
    assert AuditEvent.objects.filter(action="change", object_id=panel.meeting.pk).exists()


def test_a_case_is_not_added_twice_nor_to_a_second_meeting(panel):
    case = CaseFactory(state="accepted")
    assert len(agenda_build(actor=panel.coordinator, meeting=panel.meeting)) == 1
    assert agenda_build(actor=panel.coordinator, meeting=panel.meeting) == []
    other = MeetingFactory(chair=panel.coordinator)
    assert agenda_build(actor=panel.coordinator, meeting=other) == []
    assert AgendaItem.objects.filter(case=case).count() == 1


def test_only_the_coordinator_builds_the_agenda(panel):
    CaseFactory(state="accepted", owner_agency=panel.police)
    with pytest.raises(AccessDenied):
        agenda_build(actor=panel.officer, meeting=panel.meeting)


def test_agenda_add_refuses_duplicates_and_closed_cases(panel):
    case = CaseFactory(state="open")
    item = agenda_add(actor=panel.coordinator, meeting=panel.meeting, case=case)
    assert item.position == 1
    with pytest.raises(ApplicationError, match="already on this agenda"):
        agenda_add(actor=panel.coordinator, meeting=panel.meeting, case=case)
    with pytest.raises(ApplicationError):
        agenda_add(actor=panel.coordinator, meeting=panel.meeting, case=CaseFactory(state="closed"))


def test_agenda_is_fixed_once_the_meeting_is_held(panel):
    meeting_mark_held(actor=panel.coordinator, meeting=panel.meeting)
    with pytest.raises(ApplicationError):
        agenda_add(actor=panel.coordinator, meeting=panel.meeting, case=CaseFactory())


def _item(panel, **case_kwargs) -> AgendaItem:
    case = CaseFactory(state="accepted", **case_kwargs)
    return agenda_add(actor=panel.coordinator, meeting=panel.meeting, case=case)


def test_attending_agency_shares_information(panel):
    item = _item(panel)
    shared = information_share(
        actor=panel.officer, agenda_item=item, text="Three call-outs in May.", phase="before"
    )
    assert shared.agency == panel.police
    entry = AuditEvent.objects.get(object_type="information_shared", object_id=shared.pk)
    assert "call-outs" not in str(entry.changes)  # free text stays out of the trail


def test_agency_not_attending_cannot_share_or_even_see_the_item(panel):
    item = _item(panel)
    with pytest.raises(AccessDenied):
        information_share(actor=panel.outsider, agenda_item=item, text="x", phase="before")


def test_coordinator_agency_not_attending_cannot_share(panel):
    item = _item(panel)
    with pytest.raises(AccessDenied):
        information_share(actor=panel.coordinator, agenda_item=item, text="x", phase="during")
    assert not InformationShared.objects.exists()


def test_sharing_before_the_meeting_ends_when_it_is_held(panel):
    item = _item(panel)
    meeting_mark_held(actor=panel.coordinator, meeting=panel.meeting)
    with pytest.raises(ApplicationError):
        information_share(actor=panel.officer, agenda_item=item, text="late", phase="before")
    information_share(actor=panel.officer, agenda_item=item, text="On the day", phase="during")


def test_minutes_are_for_the_coordinator(panel):
    item = _item(panel)
    minutes_record(actor=panel.coordinator, agenda_item=item, text="Discussed; safety plan agreed")
    item.refresh_from_db()
    assert item.minutes == "Discussed; safety plan agreed"
    with pytest.raises(AccessDenied):
        minutes_record(actor=panel.officer, agenda_item=item, text="My version")


def test_action_owner_agency_must_attend(panel):
    item = _item(panel)
    with pytest.raises(ApplicationError) as error:
        action_agree(
            actor=panel.coordinator,
            agenda_item=item,
            description="Fit window locks",
            owner_agency=panel.outsider_agency,
            due_date=_due(),
        )
    assert error.value.field == "owner_agency"


def test_action_owner_user_must_belong_to_the_owner_agency(panel):
    item = _item(panel)
    with pytest.raises(ApplicationError) as error:
        action_agree(
            actor=panel.coordinator,
            agenda_item=item,
            description="Fit window locks",
            owner_agency=panel.police,
            owner_user=panel.social_worker,
            due_date=_due(),
        )
    assert error.value.field == "owner_user"


def test_only_the_coordinator_agrees_actions(panel):
    item = _item(panel)
    with pytest.raises(AccessDenied):
        action_agree(
            actor=panel.officer,
            agenda_item=item,
            description="Self-assigned",
            owner_agency=panel.police,
            due_date=_due(),
        )


def test_action_is_agreed_on_the_timeline_and_audited(panel):
    item = _item(panel)
    action = action_agree(
        actor=panel.coordinator,
        agenda_item=item,
        description="Flag the address on police systems",
        owner_agency=panel.police,
        owner_user=panel.officer,
        due_date=_due(),
    )
    assert action.case == item.case and action.status == Action.Status.OPEN
    assert CaseEvent.objects.filter(
        case=item.case, text__startswith="Action agreed: Flag the address"
    ).exists()
    assert AuditEvent.objects.filter(action="create", object_type="action", object_id=action.pk)


def test_due_date_cannot_be_before_the_meeting(panel):
    with pytest.raises(ApplicationError) as error:
        action_agree(
            actor=panel.coordinator,
            agenda_item=_item(panel),
            description="Too late already",
            owner_agency=panel.police,
            due_date=_due(-30),
        )
    assert error.value.field == "due_date"


def _action(panel, owner_user=None) -> Action:
    return action_agree(
        actor=panel.coordinator,
        agenda_item=_item(panel),
        description="Home visit",
        owner_agency=panel.police,
        owner_user=owner_user,
        due_date=_due(),
    )


@pytest.mark.parametrize("who", ["owner", "colleague", "coordinator"])
def test_action_completed_by_owner_owner_agency_or_coordinator(panel, who):
    action = _action(panel, owner_user=panel.officer)
    actor = {
        "owner": panel.officer,
        "colleague": UserFactory(agency=panel.police),
        "coordinator": panel.coordinator,
    }[who]
    done = action_complete(actor=actor, action=action, note="Visited on Tuesday")
    assert done.status == Action.Status.COMPLETED
    assert done.completed_by == actor and done.completed_at is not None
    assert CaseEvent.objects.filter(case=action.case, text="Action completed: Home visit")


def test_another_attending_agency_cannot_complete_an_action(panel):
    action = _action(panel)
    with pytest.raises(AccessDenied):
        action_complete(actor=panel.social_worker, action=action, note="Not ours")
    with pytest.raises(AccessDenied):
        action_complete(actor=panel.outsider, action=action, note="Not ours")


def test_who_completes_an_action_is_the_panel_action_rules_and_the_meetings(panel):
    action = _action(panel, owner_user=panel.officer)
    PermissionRule.objects.filter(resource=PermissionRule.Resource.PANEL_ACTION).delete()
    with pytest.raises(AccessDenied):
        action_complete(actor=panel.officer, action=action, note="Without a rule")
    # Whoever may change the meeting still may: that comes from the meeting's own rules.
    done = action_complete(actor=panel.coordinator, action=action, note="Closed at the meeting")
    assert done.completed_by == panel.coordinator


def test_an_attending_agency_shares_only_through_a_panel_information_rule(panel):
    item = _item(panel)
    PermissionRule.objects.filter(resource=PermissionRule.Resource.PANEL_INFORMATION).delete()
    with pytest.raises(AccessDenied):
        information_share(actor=panel.officer, agenda_item=item, text="x", phase="before")


def test_an_action_is_completed_once(panel):
    action = _action(panel)
    action_complete(actor=panel.officer, action=action, note="Done")
    with pytest.raises(ApplicationError):
        action_complete(actor=panel.officer, action=action, note="Again")


def test_marking_held_notes_each_case(panel):
    item = _item(panel)
    meeting_mark_held(actor=panel.coordinator, meeting=panel.meeting)
    panel.meeting.refresh_from_db()
    assert panel.meeting.status == Meeting.Status.HELD
    assert CaseEvent.objects.filter(case=item.case, text__startswith="Discussed at MARAC")
    with pytest.raises(ApplicationError):
        meeting_mark_held(actor=panel.coordinator, meeting=panel.meeting)


def test_attendee_add(panel):
    housing = panel.outsider_agency
    attendee_add(actor=panel.coordinator, meeting=panel.meeting, agency=housing)
    with pytest.raises(ApplicationError):
        attendee_add(actor=panel.coordinator, meeting=panel.meeting, agency=housing)
    with pytest.raises(ApplicationError):
        attendee_add(
            actor=panel.coordinator,
            meeting=panel.meeting,
            agency=AgencyFactory(),
            representative=panel.officer,
        )
    with pytest.raises(AccessDenied):
        attendee_add(actor=panel.officer, meeting=panel.meeting, agency=AgencyFactory())
