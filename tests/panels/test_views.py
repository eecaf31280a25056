"""Meeting pages and exports: who sees what, what is written, what is never shown."""

import csv
import io
import re
import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casebridge.audit.models import AuditEvent
from casebridge.panels.models import Action, InformationShared, Meeting
from casebridge.panels.services import action_agree, agenda_add, information_share
from tests.factories import AddressFactory, CaseFactory, PersonFactory, UserFactory, role
from tests.panels.factories import (
    ActionFactory,
    AgendaItemFactory,
    MeetingAttendeeFactory,
    MeetingFactory,
)
from tests.panels.pdf_text import pdf_text

pytestmark = pytest.mark.django_db

REFUGE_LINE = "7 Hidden Refuge Lane"
REFUGE_POSTCODE = "ZZ1 7QQ"


@pytest.fixture
def agenda(panel):
    """A case on the agenda whose subject has a refuge address quoted in the referral reason."""
    person = PersonFactory(name=("Jo", "Agendason"), date_of_birth=date(1988, 3, 4))
    AddressFactory(
        person=person, line_1=REFUGE_LINE, postcode=REFUGE_POSTCODE, is_confidential=True
    )
    case = CaseFactory(
        subject=person,
        state="accepted",
        owner_agency=panel.police,
        referral_reason=f"=HYPERLINK(1) Now at {REFUGE_LINE}, {REFUGE_POSTCODE}; threats",
    )
    item = agenda_add(actor=panel.coordinator, meeting=panel.meeting, case=case)
    information_share(actor=panel.officer, agenda_item=item, text="Two call-outs", phase="before")
    action_agree(
        actor=panel.coordinator,
        agenda_item=item,
        description="Police marker on the phone number",
        owner_agency=panel.police,
        owner_user=panel.officer,
        due_date=timezone.localdate() + timedelta(days=10),
    )
    return item


def _url(name, meeting):
    return reverse(f"panels:{name}", args=[meeting.pk])


@pytest.mark.parametrize("name", ["meeting_detail", "export_csv", "export_pdf"])
def test_agency_not_at_the_meeting_gets_404_and_a_denied_entry(
    panel, agenda, signed_in_client, name
):
    response = signed_in_client(panel.outsider).get(_url(name, panel.meeting))
    assert response.status_code == 404
    assert b"Agendason" not in response.content
    denied = AuditEvent.objects.get(actor=panel.outsider, action="denied")
    assert denied.object_type == "meeting" and denied.object_id == str(panel.meeting.pk)
    assert not AuditEvent.objects.filter(actor=panel.outsider, action="export").exists()


def test_agency_not_at_the_meeting_cannot_open_its_cases(panel, agenda, signed_in_client):
    client = signed_in_client(panel.outsider)
    case_url = reverse("pathways:case_detail", args=[agenda.case_id])
    assert client.get(case_url).status_code == 404
    assert b"Agendason" not in client.get(reverse("pathways:case_list")).content


def test_a_guessed_meeting_id_looks_like_a_missing_one(panel, signed_in_client):
    client = signed_in_client(panel.outsider)
    forbidden = client.get(_url("meeting_detail", panel.meeting))
    missing = client.get(reverse("panels:meeting_detail", args=[uuid.uuid4()]))
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert forbidden.status_code == missing.status_code == 404
    assert token.sub(b"", forbidden.content) == token.sub(b"", missing.content)


def test_attending_agency_sees_the_agenda_but_not_other_marac_cases(
    panel, agenda, signed_in_client
):
    other = CaseFactory(subject=PersonFactory(name=("Sam", "Notonagenda")), state="accepted")
    client = signed_in_client(panel.social_worker)
    page = client.get(_url("meeting_detail", panel.meeting)).content.decode()
    assert agenda.case.reference in page and "Agendason" in page
    assert "Two call-outs" in page and "Police marker" in page
    assert other.reference not in page
    assert client.get(reverse("pathways:case_detail", args=[agenda.case_id])).status_code == 200
    assert client.get(reverse("pathways:case_detail", args=[other.pk])).status_code == 404
    entry = AuditEvent.objects.get(
        actor=panel.social_worker, action="view", object_type="meeting", object_id=panel.meeting.pk
    )
    assert entry.changes == {"cases": [str(agenda.case_id)]}


def test_meeting_page_never_shows_an_address_from_free_text(panel, agenda, signed_in_client):
    for user in (panel.social_worker, panel.coordinator):
        content = signed_in_client(user).get(_url("meeting_detail", panel.meeting)).content
        assert REFUGE_LINE.encode() not in content and REFUGE_POSTCODE.encode() not in content
        assert b"[address removed]" in content


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_export_has_banner_rows_no_address_and_is_audited(panel, agenda, signed_in_client):
    response = signed_in_client(panel.officer).get(_url("export_csv", panel.meeting))
    assert response.status_code == 200
    rows = _csv_rows(response)
    assert rows[0] == ["OFFICIAL-SENSITIVE: MARAC - do not forward"]
    assert rows[-1] == rows[0]
    agenda_row = next(r for r in rows if agenda.case.reference in r and "Jo Agendason" in r)
    assert agenda_row[3] == "04/03/1988"
    assert agenda_row[4] == agenda.case.referring_agency.name
    assert agenda_row[5].startswith("'=HYPERLINK")  # no formula for a spreadsheet to run
    assert REFUGE_LINE not in agenda_row[5] and REFUGE_POSTCODE not in agenda_row[5]
    assert any("Police marker on the phone number" in r for r in rows)
    disposition = response["Content-Disposition"]
    assert "Agendason" not in disposition and agenda.case.reference not in disposition
    assert disposition.endswith('-agenda.csv"')
    entry = AuditEvent.objects.get(actor=panel.officer, action="export")
    assert entry.object_id == str(panel.meeting.pk)
    assert entry.changes["cases"] == [str(agenda.case_id)]


def test_pdf_export_has_banner_and_rows_and_is_audited(panel, agenda, signed_in_client):
    response = signed_in_client(panel.coordinator).get(_url("export_pdf", panel.meeting))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "OFFICIAL-SENSITIVE: MARAC - do not forward" in text
    assert agenda.case.reference in text and "Jo Agendason" in text
    assert "Police marker on the phone number" in text
    assert REFUGE_LINE not in text and REFUGE_POSTCODE not in text
    assert AuditEvent.objects.filter(
        actor=panel.coordinator, action="export", changes__format="pdf"
    ).exists()


def test_exports_leave_out_cases_the_viewer_may_not_see(panel, agenda, signed_in_client):
    sealed = CaseFactory(
        subject=PersonFactory(name=("Kim", "Sealedcase")), state="accepted", is_restricted=True
    )
    from casebridge.access.models import Entitlement

    Entitlement.objects.create(
        user=panel.coordinator, case=sealed, reason="Coordinator", granted_by=panel.coordinator
    )
    agenda_add(actor=panel.coordinator, meeting=panel.meeting, case=sealed)
    client = signed_in_client(panel.officer)
    csv_text = client.get(_url("export_csv", panel.meeting)).content.decode("utf-8-sig")
    pdf = pdf_text(client.get(_url("export_pdf", panel.meeting)).content)
    page = client.get(_url("meeting_detail", panel.meeting)).content.decode()
    for content in (csv_text, pdf, page):
        assert sealed.reference not in content and "Sealedcase" not in content
        assert agenda.case.reference in content


def test_overdue_action_shows_on_the_owners_home_page_only(panel, agenda, signed_in_client):
    action = Action.objects.get(agenda_item=agenda)
    Action.objects.filter(pk=action.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    home = reverse("web:home")
    owner_page = signed_in_client(panel.officer).get(home).content.decode()
    assert "overdue action" in owner_page
    assert reverse("panels:action_complete", args=[action.pk]) in owner_page
    colleague = UserFactory(agency=panel.police)
    assert "overdue action" in signed_in_client(colleague).get(home).content.decode()
    for other in (panel.social_worker, panel.outsider, panel.coordinator):
        assert "overdue action" not in signed_in_client(other).get(home).content.decode()


def test_not_yet_due_action_is_not_overdue(panel, agenda, signed_in_client):
    page = signed_in_client(panel.officer).get(reverse("web:home")).content.decode()
    assert "overdue action" not in page
    actions_page = signed_in_client(panel.officer).get(reverse("panels:action_list"))
    assert "Police marker on the phone number" in actions_page.content.decode()


def test_schedule_form_creates_the_meeting(panel, signed_in_client):
    client = signed_in_client(panel.coordinator)
    response = client.post(
        reverse("panels:meeting_create"),
        {
            "pathway": "da-marac",
            "title": "MARAC - March",
            "date_day": "12",
            "date_month": "3",
            "date_year": str(timezone.localdate().year + 1),
            "start": "09:30",
            "location": "Online",
            "agencies": [str(panel.police.pk), str(panel.outsider_agency.pk)],
        },
    )
    meeting = Meeting.objects.get(title="MARAC - March")
    assert response.status_code == 302
    assert response["Location"] == reverse("panels:meeting_detail", args=[meeting.pk])
    assert timezone.localtime(meeting.scheduled_for).strftime("%H:%M") == "09:30"
    assert {a.agency for a in meeting.attendees.all()} == {panel.police, panel.outsider_agency}


def test_schedule_form_reshows_input_with_an_error_summary(panel, signed_in_client):
    client = signed_in_client(panel.coordinator)
    response = client.post(
        reverse("panels:meeting_create"),
        {"pathway": "da-marac", "title": "MARAC - April", "date_day": "31", "start": "25:00"},
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in content
    assert 'value="MARAC - April"' in content
    assert "Select at least one attending agency" in content
    assert "Start time must be a real time" in content


def test_practitioner_cannot_open_the_schedule_form(panel, signed_in_client):
    assert signed_in_client(panel.officer).get(reverse("panels:meeting_create")).status_code == 404


def test_agree_action_form_with_errors_and_then_success(panel, agenda, signed_in_client):
    client = signed_in_client(panel.coordinator)
    url = reverse("panels:action_agree", args=[agenda.pk])
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "description": "Safety plan review",
            "owner_agency": str(panel.police.pk),
            "owner_user": str(panel.social_worker.pk),
            "due_date_day": "1",
            "due_date_month": "1",
            "due_date_year": str(timezone.localdate().year + 1),
        },
    )
    assert bad.status_code == 400
    assert "does not work for Met Police" in bad.content.decode()
    assert "Safety plan review" in bad.content.decode()
    good = client.post(
        url,
        {
            "description": "Safety plan review",
            "owner_agency": str(panel.council.pk),
            "owner_user": str(panel.social_worker.pk),
            "due_date_day": "1",
            "due_date_month": "1",
            "due_date_year": str(timezone.localdate().year + 1),
        },
    )
    assert good.status_code == 302
    assert Action.objects.filter(description="Safety plan review", owner_user=panel.social_worker)


def test_share_information_form_is_for_attending_agencies(panel, agenda, signed_in_client):
    url = reverse("panels:information_share", args=[agenda.pk])
    assert signed_in_client(panel.coordinator).get(url).status_code == 404
    assert signed_in_client(panel.outsider).get(url).status_code == 404
    client = signed_in_client(panel.social_worker)
    assert client.get(url).status_code == 200
    response = client.post(url, {"phase": "before", "text": "Known to children's services"})
    assert response.status_code == 302
    assert InformationShared.objects.filter(agency=panel.council).exists()


def test_complete_action_form(panel, agenda, signed_in_client):
    action = Action.objects.get(agenda_item=agenda)
    url = reverse("panels:action_complete", args=[action.pk])
    assert signed_in_client(panel.social_worker).get(url).status_code == 404
    client = signed_in_client(panel.officer)
    assert client.post(url, {"note": ""}).status_code == 400
    assert client.post(url, {"note": "Marker added"}).status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETED


def test_build_agenda_button(panel, signed_in_client):
    case = CaseFactory(state="accepted")
    client = signed_in_client(panel.coordinator)
    response = client.post(reverse("panels:agenda_build", args=[panel.meeting.pk]), follow=True)
    assert "1 accepted referrals added" in response.content.decode()
    assert case.reference in response.content.decode()


def test_case_page_lists_its_meetings_and_actions(panel, agenda, signed_in_client):
    page = signed_in_client(panel.officer).get(
        reverse("pathways:case_detail", args=[agenda.case_id])
    )
    content = page.content.decode()
    assert panel.meeting.title in content and "Police marker on the phone number" in content


@pytest.mark.parametrize(("who", "shown"), [("officer", True), ("coordinator", True)])
def test_meetings_link_in_navigation(panel, signed_in_client, who, shown):
    content = signed_in_client(getattr(panel, who)).get(reverse("web:home")).content.decode()
    nav = content.split('id="navigation"')[1].split("</ul>")[0]
    assert (f'href="{reverse("panels:meeting_list")}"' in nav) is shown


def test_meeting_list_shows_only_attended_meetings(panel, signed_in_client):
    for user, expected in ((panel.officer, True), (panel.outsider, False)):
        content = signed_in_client(user).get(reverse("panels:meeting_list")).content.decode()
        assert (panel.meeting.title in content) is expected


def _other_meeting_item(panel):
    """An item of another MARAC that only the outsider's agency attends."""
    meeting = MeetingFactory(chair=panel.coordinator)
    MeetingAttendeeFactory(meeting=meeting, agency=panel.outsider_agency)
    item = AgendaItemFactory(meeting=meeting, case=CaseFactory(state="accepted"))
    return item, ActionFactory(
        agenda_item=item, owner_agency=panel.police, owner_user=panel.officer
    )


def test_share_information_is_a_404_to_another_role_of_an_attending_agency_and_a_guessed_item(
    panel, agenda, signed_in_client
):
    url = reverse("panels:information_share", args=[agenda.pk])
    other, _ = _other_meeting_item(panel)
    analyst_there = signed_in_client(UserFactory(agency=panel.council, role=role("analyst")))
    assert analyst_there.get(url).status_code == 404
    client = signed_in_client(panel.social_worker)
    # Another meeting's item (a real id), and an id no item has.
    other_url = reverse("panels:information_share", args=[other.pk])
    missing_url = reverse("panels:information_share", args=[other.pk + 1000])
    for guessed in (other_url, missing_url):
        assert client.get(guessed).status_code == 404
        assert client.post(guessed, {"phase": "before", "text": "x"}).status_code == 404
    assert not InformationShared.objects.filter(agency=panel.council).exists()


def test_the_meeting_page_offers_sharing_only_to_the_attending_agencies(
    panel, agenda, signed_in_client
):
    share = reverse("panels:information_share", args=[agenda.pk])
    page = signed_in_client(panel.social_worker).get(_url("meeting_detail", panel.meeting))
    assert share in page.content.decode()
    # The coordinator runs the meeting, but their agency does not attend it.
    page = signed_in_client(panel.coordinator).get(_url("meeting_detail", panel.meeting))
    assert page.status_code == 200 and share not in page.content.decode()


def test_complete_action_is_a_404_to_another_role_of_the_owning_agency_and_a_guessed_id(
    panel, agenda, signed_in_client
):
    action = Action.objects.get(agenda_item=agenda)
    url = reverse("panels:action_complete", args=[action.pk])
    manager_there = signed_in_client(UserFactory(agency=panel.police, role=role("manager")))
    assert manager_there.get(url).status_code == 404
    assert manager_there.post(url, {"note": "Done"}).status_code == 404
    # The officer owns an action of a meeting their agency does not attend, and guesses another.
    _, hidden = _other_meeting_item(panel)
    client = signed_in_client(panel.officer)
    for guessed in (hidden.pk, uuid.uuid4()):
        guessed_url = reverse("panels:action_complete", args=[guessed])
        assert client.get(guessed_url).status_code == 404
        assert client.post(guessed_url, {"note": "Done"}).status_code == 404
    assert not Action.objects.filter(status=Action.Status.COMPLETED).exists()


def test_the_coordinator_running_the_meeting_completes_an_action_of_another_agency(
    panel, agenda, signed_in_client
):
    action = Action.objects.get(agenda_item=agenda)
    url = reverse("panels:action_complete", args=[action.pk])
    client = signed_in_client(panel.coordinator)
    assert client.get(url).status_code == 200
    assert client.post(url, {"note": "Reported done at the meeting"}).status_code == 302
    action.refresh_from_db()
    assert action.completed_by == panel.coordinator
