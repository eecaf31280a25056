"""The pages and buttons for cancelling a meeting, closing it and cancelling an action."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casebridge.audit.models import AuditEvent
from casebridge.panels.models import Action, Meeting, MeetingAttendee
from casebridge.panels.services import action_agree, agenda_add, meeting_mark_held
from tests.factories import CaseFactory, UserFactory, role

pytestmark = pytest.mark.django_db

REFUGE_POSTCODE = "ZZ1 7QQ"


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


def meeting_page(client, meeting) -> str:
    return client.get(reverse("panels:meeting_detail", args=[meeting.pk])).content.decode()


def cancel_meeting_url(meeting) -> str:
    return reverse("panels:meeting_cancel", args=[meeting.pk])


def cancel_action_url(action) -> str:
    return reverse("panels:action_cancel", args=[action.pk])


# --- cancelling a meeting ------------------------------------------------------------------


def test_the_meeting_page_offers_the_coordinator_a_cancel_button(panel, signed_in_client):
    assert cancel_meeting_url(panel.meeting) in meeting_page(
        signed_in_client(panel.coordinator), panel.meeting
    )
    assert cancel_meeting_url(panel.meeting) not in meeting_page(
        signed_in_client(panel.officer), panel.meeting
    )


def test_the_coordinator_cancels_the_meeting_from_its_page(panel, item, signed_in_client):
    client = signed_in_client(panel.coordinator)
    form = client.get(cancel_meeting_url(panel.meeting)).content.decode()
    assert "The 1 case on its agenda will go on the agenda of the next meeting" in form
    response = client.post(cancel_meeting_url(panel.meeting), {"reason": "Chair taken ill"})
    assert response.status_code == 302
    assert response["Location"] == reverse("panels:meeting_detail", args=[panel.meeting.pk])
    page = meeting_page(client, panel.meeting)
    assert "The meeting is cancelled." in page
    assert '<strong class="govuk-tag govuk-tag--red">Cancelled</strong>' in page
    assert "Chair taken ill" in page
    # A cancelled meeting is final: no buttons, no links to share, minute or agree.
    for name in ("agenda_build", "meeting_held", "meeting_cancel", "meeting_close"):
        assert reverse(f"panels:{name}", args=[panel.meeting.pk]) not in page
    assert reverse("panels:minutes_record", args=[item.pk]) not in page
    assert reverse("panels:action_agree", args=[item.pk]) not in page


def test_an_attending_agency_reads_why_it_was_cancelled(panel, item, signed_in_client):
    # The coordinator was warned of the postcode and sent the reason again to keep it.
    signed_in_client(panel.coordinator).post(
        cancel_meeting_url(panel.meeting),
        {
            "reason": f"Moved: see the refuge at {REFUGE_POSTCODE}",
            "reason-kept-postcodes": REFUGE_POSTCODE,
        },
    )
    page = meeting_page(signed_in_client(panel.officer), panel.meeting)
    assert "Moved: see the refuge at [address removed]" in page
    assert REFUGE_POSTCODE not in page
    assert reverse("panels:information_share", args=[item.pk]) not in page


def test_a_missing_reason_is_asked_for_on_the_form(panel, signed_in_client):
    response = signed_in_client(panel.coordinator).post(
        cancel_meeting_url(panel.meeting), {"reason": "  "}
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in content and 'href="#id_reason"' in content
    panel.meeting.refresh_from_db()
    assert panel.meeting.status == Meeting.Status.PLANNED


def test_open_actions_stop_the_cancellation_with_the_reason_kept(panel, action, signed_in_client):
    response = signed_in_client(panel.coordinator).post(
        cancel_meeting_url(panel.meeting), {"reason": "Not quorate"}
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "still open: complete or cancel it first" in content
    assert "Not quorate</textarea>" in content


def test_a_held_meeting_cannot_be_cancelled_from_its_page(panel, signed_in_client):
    meeting_mark_held(actor=panel.coordinator, meeting=panel.meeting)
    client = signed_in_client(panel.coordinator)
    content = client.get(cancel_meeting_url(panel.meeting)).content.decode()
    assert "only a planned meeting can be cancelled" in content
    client.post(cancel_meeting_url(panel.meeting), {"reason": "Too late"})
    panel.meeting.refresh_from_db()
    assert panel.meeting.status == Meeting.Status.HELD
    assert cancel_meeting_url(panel.meeting) not in meeting_page(client, panel.meeting)


@pytest.mark.parametrize("who", ["officer", "outsider", "manager"])
def test_others_get_404_and_a_denied_entry_when_cancelling(panel, signed_in_client, who):
    user = UserFactory(role=role("manager")) if who == "manager" else getattr(panel, who)
    client = signed_in_client(user)
    assert client.get(cancel_meeting_url(panel.meeting)).status_code == 404
    assert client.post(cancel_meeting_url(panel.meeting), {"reason": "x"}).status_code == 404
    assert AuditEvent.objects.filter(actor=user, action="denied").count() == 2
    panel.meeting.refresh_from_db()
    assert panel.meeting.status == Meeting.Status.PLANNED


def test_a_guessed_meeting_id_is_404(panel, signed_in_client):
    client = signed_in_client(panel.coordinator)
    guessed = uuid.uuid4()
    assert client.get(reverse("panels:meeting_cancel", args=[guessed])).status_code == 404
    assert client.post(reverse("panels:meeting_close", args=[guessed])).status_code == 404


# --- closing a meeting ---------------------------------------------------------------------


def test_a_held_meeting_offers_the_coordinator_a_close_button(panel, signed_in_client):
    close_url = reverse("panels:meeting_close", args=[panel.meeting.pk])
    client = signed_in_client(panel.coordinator)
    assert close_url not in meeting_page(client, panel.meeting)  # planned: not yet
    meeting_mark_held(actor=panel.coordinator, meeting=panel.meeting)
    assert close_url in meeting_page(client, panel.meeting)
    assert close_url not in meeting_page(signed_in_client(panel.officer), panel.meeting)
    response = client.post(close_url)
    assert response.status_code == 302
    panel.meeting.refresh_from_db()
    assert panel.meeting.status == Meeting.Status.CLOSED
    page = meeting_page(client, panel.meeting)
    assert "its minutes and actions are final" in page and close_url not in page


def test_closing_a_planned_meeting_is_refused_with_a_message(panel, signed_in_client):
    client = signed_in_client(panel.coordinator)
    response = client.post(reverse("panels:meeting_close", args=[panel.meeting.pk]), follow=True)
    assert "you cannot close it now" in response.content.decode()
    panel.meeting.refresh_from_db()
    assert panel.meeting.status == Meeting.Status.PLANNED


def test_an_attending_practitioner_cannot_close_the_meeting(panel, signed_in_client):
    meeting_mark_held(actor=panel.coordinator, meeting=panel.meeting)
    url = reverse("panels:meeting_close", args=[panel.meeting.pk])
    assert signed_in_client(panel.officer).post(url).status_code == 404
    panel.meeting.refresh_from_db()
    assert panel.meeting.status == Meeting.Status.HELD


# --- cancelling an action ------------------------------------------------------------------


def test_the_meeting_page_offers_the_coordinator_only_a_cancel_link(
    panel, action, signed_in_client
):
    assert cancel_action_url(action) in meeting_page(
        signed_in_client(panel.coordinator), panel.meeting
    )
    officer_page = meeting_page(signed_in_client(panel.officer), panel.meeting)
    assert reverse("panels:action_complete", args=[action.pk]) in officer_page
    assert cancel_action_url(action) not in officer_page


def test_the_coordinator_cancels_an_action(panel, action, signed_in_client):
    client = signed_in_client(panel.coordinator)
    form = client.get(cancel_action_url(action)).content.decode()
    assert "Police marker on the address" in form
    response = client.post(cancel_action_url(action), {"reason": "Victim moved out of area"})
    assert response.status_code == 302
    meeting_url = reverse("panels:meeting_detail", args=[panel.meeting.pk])
    assert response["Location"] == f"{meeting_url}#item-{action.agenda_item_id}"
    action.refresh_from_db()
    assert action.status == Action.Status.CANCELLED
    page = meeting_page(client, panel.meeting)
    assert "Victim moved out of area" in page
    assert cancel_action_url(action) not in page
    case_page = client.get(reverse("pathways:case_detail", args=[action.case_id])).content
    assert b"Action cancelled: Police marker on the address" in case_page


def test_a_missing_reason_is_asked_for_when_cancelling_an_action(panel, action, signed_in_client):
    response = signed_in_client(panel.coordinator).post(cancel_action_url(action), {"reason": ""})
    assert response.status_code == 400
    assert "Give a reason for cancelling the action" in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.OPEN


def test_a_closed_action_cannot_be_cancelled_again(panel, action, signed_in_client):
    client = signed_in_client(panel.coordinator)
    client.post(cancel_action_url(action), {"reason": "Not needed"})
    content = client.get(cancel_action_url(action)).content.decode()
    assert "only an open action can be cancelled" in content
    client.post(cancel_action_url(action), {"reason": "Again"})
    action.refresh_from_db()
    assert action.cancellation_reason == "Not needed"


@pytest.mark.parametrize("who", ["officer", "colleague", "outsider", "manager"])
def test_others_get_404_and_a_denied_entry_when_cancelling_an_action(
    panel, action, signed_in_client, who
):
    users = {
        "officer": panel.officer,  # owns the action: completes it, does not cancel it
        "colleague": UserFactory(agency=panel.police),
        "outsider": panel.outsider,
        "manager": UserFactory(agency=panel.police, role=role("manager")),
    }
    client = signed_in_client(users[who])
    assert client.get(cancel_action_url(action)).status_code == 404
    assert client.post(cancel_action_url(action), {"reason": "x"}).status_code == 404
    assert AuditEvent.objects.filter(actor=users[who], action="denied").count() == 2
    action.refresh_from_db()
    assert action.status == Action.Status.OPEN


def test_a_guessed_action_id_is_404(panel, signed_in_client):
    url = reverse("panels:action_cancel", args=[uuid.uuid4()])
    assert signed_in_client(panel.coordinator).get(url).status_code == 404


def test_the_action_list_offers_cancel_only_on_meetings_the_user_runs(
    panel, item, signed_in_client
):
    # The coordinator's own agency attends and owns one action: it is on their list.
    MeetingAttendee.objects.create(meeting=panel.meeting, agency=panel.coordinator.agency)
    theirs = action_agree(
        actor=panel.coordinator,
        agenda_item=item,
        description="Coordinator to write to the GP",
        owner_agency=panel.coordinator.agency,
        due_date=timezone.localdate() + timedelta(days=10),
    )
    officers = action_agree(
        actor=panel.coordinator,
        agenda_item=item,
        description="Police marker",
        owner_agency=panel.police,
        due_date=timezone.localdate() + timedelta(days=10),
    )
    coordinator_list = (
        signed_in_client(panel.coordinator).get(reverse("panels:action_list")).content.decode()
    )
    assert cancel_action_url(theirs) in coordinator_list
    officer_list = signed_in_client(panel.officer).get(reverse("panels:action_list")).content
    assert reverse("panels:action_complete", args=[officers.pk]).encode() in officer_list
    assert cancel_action_url(officers).encode() not in officer_list
