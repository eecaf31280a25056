"""Cancelling a planned meeting, closing out a held one, and cancelling an action."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casebridge.access.policy import AccessDenied
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.panels.models import Action, Meeting
from casebridge.panels.selectors import my_actions, overdue_actions, pending_agenda_items
from casebridge.panels.services import (
    action_agree,
    action_cancel,
    action_complete,
    agenda_add,
    agenda_build,
    information_share,
    meeting_cancel,
    meeting_close,
    meeting_mark_held,
    meeting_schedule,
    minutes_record,
)
from casebridge.pathways.models import CaseEvent
from tests.factories import CaseFactory, UserFactory, marac, role

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(panel):
    case = CaseFactory(state="accepted", owner_agency=panel.police)
    return agenda_add(actor=panel.coordinator, meeting=panel.meeting, case=case)


@pytest.fixture
def action(panel, item):
    return action_agree(
        actor=panel.coordinator,
        agenda_item=item,
        description="Police marker on the address",
        owner_agency=panel.police,
        owner_user=panel.officer,
        due_date=timezone.localdate() + timedelta(days=10),
    )


def notes(case) -> list[str]:
    return list(case.timeline.filter(kind=CaseEvent.Kind.NOTE).values_list("text", flat=True))


# --- cancelling a meeting ------------------------------------------------------------------


def test_the_coordinator_cancels_a_planned_meeting_with_a_reason(panel, item):
    meeting = meeting_cancel(
        actor=panel.coordinator, meeting=panel.meeting, reason="  Chair taken ill  "
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.cancellation_reason == "Chair taken ill"
    assert meeting.cancelled_by == panel.coordinator and meeting.cancelled_at is not None
    assert any("cancelled: no longer on its agenda" in text for text in notes(item.case))
    entry = AuditEvent.objects.get(summary=f"{meeting.title} cancelled")
    assert entry.reason == "Chair taken ill"
    assert entry.changes["status"] == ["planned", "cancelled"]
    assert entry.changes["cases"] == [str(item.case_id)]


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_needs_a_reason(panel, reason):
    with pytest.raises(ApplicationError) as error:
        meeting_cancel(actor=panel.coordinator, meeting=panel.meeting, reason=reason)
    assert error.value.field == "reason"
    panel.meeting.refresh_from_db()
    assert panel.meeting.status == Meeting.Status.PLANNED


def test_only_the_coordinator_cancels(panel):
    for someone in (panel.officer, panel.outsider, UserFactory(role=role("manager"))):
        with pytest.raises(AccessDenied):
            meeting_cancel(actor=someone, meeting=panel.meeting, reason="Not needed")
    panel.meeting.refresh_from_db()
    assert panel.meeting.status == Meeting.Status.PLANNED


def test_only_a_planned_meeting_is_cancelled(panel):
    meeting_mark_held(actor=panel.coordinator, meeting=panel.meeting)
    with pytest.raises(ApplicationError, match="held: you cannot cancel it"):
        meeting_cancel(actor=panel.coordinator, meeting=panel.meeting, reason="Too late")


def test_a_meeting_with_open_actions_is_not_cancelled_until_they_are_dealt_with(panel, action):
    with pytest.raises(ApplicationError, match="still open"):
        meeting_cancel(actor=panel.coordinator, meeting=panel.meeting, reason="Not quorate")
    action_cancel(actor=panel.coordinator, action=action, reason="Agreed in error")
    meeting = meeting_cancel(actor=panel.coordinator, meeting=panel.meeting, reason="Not quorate")
    assert meeting.status == Meeting.Status.CANCELLED


def test_the_cases_of_a_cancelled_meeting_go_on_the_next_agenda(panel, item):
    meeting_cancel(actor=panel.coordinator, meeting=panel.meeting, reason="Venue flooded")
    next_meeting = meeting_schedule(
        actor=panel.coordinator,
        pathway=marac(),
        scheduled_for=timezone.now() + timedelta(days=14),
        title="MARAC - rearranged",
        attending_agencies=[panel.police],
    )
    added = agenda_build(actor=panel.coordinator, meeting=next_meeting)
    assert [added_item.case for added_item in added] == [item.case]


def test_a_case_on_a_planned_or_held_agenda_is_still_not_added_twice(panel, item):
    other = meeting_schedule(
        actor=panel.coordinator,
        pathway=marac(),
        scheduled_for=timezone.now() + timedelta(days=14),
        title="MARAC - later",
    )
    assert agenda_build(actor=panel.coordinator, meeting=other) == []


def test_nothing_more_happens_at_a_cancelled_meeting(panel, item):
    meeting_cancel(actor=panel.coordinator, meeting=panel.meeting, reason="Venue flooded")
    with pytest.raises(ApplicationError, match="cancelled"):
        information_share(actor=panel.officer, agenda_item=item, text="x", phase="before")
    with pytest.raises(ApplicationError, match="cancelled"):
        minutes_record(actor=panel.coordinator, agenda_item=item, text="x")
    with pytest.raises(ApplicationError, match="cancelled"):
        meeting_mark_held(actor=panel.coordinator, meeting=panel.meeting)
    with pytest.raises(ApplicationError, match="cancelled"):
        agenda_add(
            actor=panel.coordinator,
            meeting=panel.meeting,
            case=CaseFactory(state="accepted", owner_agency=panel.police),
        )


def test_a_victim_on_a_cancelled_agenda_is_not_awaiting_that_meeting(panel, item):
    meeting_cancel(actor=panel.coordinator, meeting=panel.meeting, reason="Venue flooded")
    assert not pending_agenda_items(person_ids=[item.case.subject_id], pathway=marac()).exists()


# --- closing out a held meeting ------------------------------------------------------------


def test_the_coordinator_closes_a_held_meeting(panel, item, action):
    meeting_mark_held(actor=panel.coordinator, meeting=panel.meeting)
    meeting = meeting_close(actor=panel.coordinator, meeting=panel.meeting)
    assert meeting.status == Meeting.Status.CLOSED
    assert AuditEvent.objects.filter(summary=f"{meeting.title} closed").exists()
    with pytest.raises(ApplicationError, match="closed"):
        minutes_record(actor=panel.coordinator, agenda_item=item, text="Late minutes")
    # The actions it agreed live on: their owners still complete them.
    action_complete(actor=panel.officer, action=action, note="Marker added")


def test_only_a_held_meeting_is_closed_and_only_by_the_coordinator(panel):
    with pytest.raises(ApplicationError, match="planned: you cannot close it"):
        meeting_close(actor=panel.coordinator, meeting=panel.meeting)
    meeting_mark_held(actor=panel.coordinator, meeting=panel.meeting)
    with pytest.raises(AccessDenied):
        meeting_close(actor=panel.officer, meeting=panel.meeting)
    panel.meeting.refresh_from_db()
    assert panel.meeting.status == Meeting.Status.HELD


# --- cancelling an action ------------------------------------------------------------------


def test_the_coordinator_cancels_an_open_action_with_a_reason(panel, action):
    cancelled = action_cancel(
        actor=panel.coordinator, action=action, reason=" Victim moved out of area "
    )
    cancelled.refresh_from_db()
    assert cancelled.status == Action.Status.CANCELLED
    assert cancelled.cancellation_reason == "Victim moved out of area"
    assert cancelled.cancelled_by == panel.coordinator and cancelled.cancelled_at is not None
    assert cancelled.completed_at is None and cancelled.completion_note == ""
    assert (
        "Action cancelled: Police marker on the address. Reason: Victim moved out of area"
        in notes(action.case)
    )
    entry = AuditEvent.objects.get(object_type="action", action="change")
    assert entry.object_id == str(action.pk)
    assert entry.reason == "Victim moved out of area"
    assert entry.changes["status"] == ["open", "cancelled"]


def test_the_owner_of_an_action_cannot_cancel_it(panel, action):
    for someone in (panel.officer, UserFactory(agency=panel.police), panel.outsider):
        with pytest.raises(AccessDenied):
            action_cancel(actor=someone, action=action, reason="Not ours")
    action.refresh_from_db()
    assert action.status == Action.Status.OPEN


@pytest.mark.parametrize("reason", ["", "  "])
def test_cancelling_an_action_needs_a_reason(panel, action, reason):
    with pytest.raises(ApplicationError) as error:
        action_cancel(actor=panel.coordinator, action=action, reason=reason)
    assert error.value.field == "reason"


def test_only_an_open_action_is_cancelled(panel, action):
    action_complete(actor=panel.officer, action=action, note="Done")
    with pytest.raises(ApplicationError, match="already completed"):
        action_cancel(actor=panel.coordinator, action=action, reason="Changed our minds")


def test_an_action_is_cancelled_once(panel, action):
    stale = Action.objects.get(pk=action.pk)
    action_cancel(actor=panel.coordinator, action=action, reason="Not needed")
    with pytest.raises(ApplicationError, match="already cancelled"):
        action_cancel(actor=panel.coordinator, action=stale, reason="Not needed")
    with pytest.raises(ApplicationError, match="already cancelled"):
        action_complete(actor=panel.officer, action=stale, note="Done anyway")


def test_a_cancelled_action_leaves_the_owners_lists(panel, action):
    Action.objects.filter(pk=action.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    assert list(overdue_actions(user=panel.officer)) == [action]
    action_cancel(actor=panel.coordinator, action=action, reason="Not needed")
    assert not my_actions(user=panel.officer).exists()
    assert not overdue_actions(user=panel.officer).exists()


def test_an_action_of_a_closed_meeting_can_still_be_cancelled(panel, action):
    meeting_mark_held(actor=panel.coordinator, meeting=panel.meeting)
    meeting_close(actor=panel.coordinator, meeting=panel.meeting)
    assert action_cancel(actor=panel.coordinator, action=action, reason="Superseded").status == (
        Action.Status.CANCELLED
    )
