"""SIRM pages: the proposals list and decision page, and the SIRM and community-impact
meeting pages (risk ratings, follow-up meetings, the summary)."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casebridge.agencies.models import Agency
from casebridge.panels.models import Meeting
from casebridge.panels.services import community_impact_schedule, meeting_mark_held, risk_rate
from casebridge.violence.models import SirmProposal
from tests.factories import AgencyFactory, UserFactory, role
from tests.violence.sirm_factories import convened_sirm, officer, serious_incident, vve_coordinator

pytestmark = pytest.mark.django_db

LIST = reverse("violence:sirm_proposal_list")


def detail(proposal):
    return reverse("violence:sirm_proposal_detail", args=[proposal.pk])


def meeting_page(meeting):
    return reverse("panels:meeting_detail", args=[meeting.pk])


@pytest.fixture
def coordinator():
    return vve_coordinator()


@pytest.fixture
def proposal():
    return serious_incident(officer()).sirm_proposal


def test_the_list_shows_each_incident_with_the_criteria_met(
    signed_in_client, coordinator, proposal
):
    page = signed_in_client(coordinator).get(LIST).content.decode()

    assert "01/2345" in page and "Knife or sharp instrument" in page
    assert "Awaiting decision" in page


def test_the_list_filters_by_status(signed_in_client, coordinator, proposal):
    client = signed_in_client(coordinator)

    assert "01/2345" in client.get(LIST, {"status": "proposed"}).content.decode()
    assert "01/2345" not in client.get(LIST, {"status": "convened"}).content.decode()


def test_the_list_takes_the_same_queries_for_one_proposal_or_many(signed_in_client, coordinator):
    police = officer()
    client = signed_in_client(coordinator)
    serious_incident(police, "01/1")
    client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for n in range(2, 6):
        serious_incident(police, f"01/{n}")
    with CaptureQueriesContext(connection) as five:
        client.get(LIST)
    assert len(five) == len(one)


@pytest.mark.parametrize("role_code", ["panel_coordinator", "practitioner"])
def test_others_get_404_for_the_list_and_a_proposal(signed_in_client, proposal, role_code):
    marac = UserFactory(agency=AgencyFactory(kind=Agency.Kind.CHARITY), role=role(role_code))
    client = signed_in_client(marac)

    assert client.get(LIST).status_code == 404
    assert client.get(detail(proposal)).status_code == 404


def test_a_guessed_proposal_id_is_404(signed_in_client, coordinator):
    response = signed_in_client(coordinator).get(
        reverse("violence:sirm_proposal_detail", args=[uuid.uuid4()])
    )
    assert response.status_code == 404


def convene_form(agency, **changes):
    day = timezone.localdate() + timedelta(days=1)
    return {
        "date_day": str(day.day),
        "date_month": str(day.month),
        "date_year": str(day.year),
        "start": "09:30",
        "location": "Civic Centre",
        "agencies": [str(agency.pk)],
    } | changes


def test_the_coordinator_convenes_from_the_proposal_page(signed_in_client, coordinator, proposal):
    client = signed_in_client(coordinator)
    police = proposal.incident.reporting_agency

    assert "Convene a SIRM" in client.get(detail(proposal)).content.decode()
    response = client.post(
        reverse("violence:sirm_convene", args=[proposal.pk]), convene_form(police)
    )

    meeting = Meeting.objects.get(pathway__code="sirm")
    assert response.status_code == 302 and response["Location"] == meeting_page(meeting)
    assert meeting.scheduled_for.hour == 9 and meeting.attendees.get().agency == police
    page = client.get(meeting_page(meeting)).content.decode()
    assert "Risk of reprisal" in page and "Hospital safety and discharge" in page


def test_a_convene_form_with_errors_shows_what_was_typed(signed_in_client, coordinator, proposal):
    response = signed_in_client(coordinator).post(
        reverse("violence:sirm_convene", args=[proposal.pk]),
        convene_form(proposal.incident.reporting_agency, start="25:00", location="Youth Hub"),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Start time must be a real time" in page and 'value="Youth Hub"' in page
    assert SirmProposal.objects.get().status == SirmProposal.Status.PROPOSED


def test_no_sirm_needed_needs_a_reason_on_the_page(signed_in_client, coordinator, proposal):
    client = signed_in_client(coordinator)
    url = reverse("violence:sirm_not_needed", args=[proposal.pk])

    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Linked SIRM already planned"}).status_code == 302
    page = client.get(detail(proposal)).content.decode()
    assert "Linked SIRM already planned" in page and "Convene a SIRM" not in page


@pytest.fixture
def sirm():
    return convened_sirm()


def test_an_agency_not_attending_gets_404_for_the_sirm_meeting(signed_in_client, sirm):
    assert signed_in_client(sirm.outsider).get(meeting_page(sirm.meeting)).status_code == 404
    assert signed_in_client(sirm.social_worker).get(meeting_page(sirm.meeting)).status_code == 200


def test_the_coordinator_rates_a_risk_area_from_the_meeting_page(signed_in_client, sirm):
    client = signed_in_client(sirm.coordinator)
    url = reverse("panels:risk_rate", args=[sirm.item.pk, "reprisal"])

    assert client.post(url, {"level": "high", "assessment": ""}).status_code == 400
    response = client.post(url, {"level": "high", "assessment": "Threats on social media"})

    assert response.status_code == 302
    page = client.get(meeting_page(sirm.meeting)).content.decode()
    assert "High" in page and "Threats on social media" in page


def test_an_unknown_risk_area_is_404_and_attendees_do_not_rate(signed_in_client, sirm):
    assert (
        signed_in_client(sirm.coordinator)
        .get(reverse("panels:risk_rate", args=[sirm.item.pk, "weather"]))
        .status_code
        == 404
    )
    url = reverse("panels:risk_rate", args=[sirm.item.pk, "reprisal"])
    assert signed_in_client(sirm.officer).get(url).status_code == 404


def test_attendees_see_the_ratings_but_no_rating_link(signed_in_client, sirm):
    risk_rate(
        actor=sirm.coordinator,
        agenda_item=sirm.item,
        area="families",
        level="medium",
        assessment="Younger brother at the same school",
    )

    page = signed_in_client(sirm.social_worker).get(meeting_page(sirm.meeting)).content.decode()
    assert "Younger brother at the same school" in page
    assert reverse("panels:risk_rate", args=[sirm.item.pk, "families"]) not in page


def test_a_held_sirm_offers_a_community_impact_meeting(signed_in_client, sirm):
    client = signed_in_client(sirm.coordinator)
    create = reverse("panels:community_impact_create", args=[sirm.meeting.pk])
    assert create not in client.get(meeting_page(sirm.meeting)).content.decode()
    meeting_mark_held(actor=sirm.coordinator, meeting=sirm.meeting)
    assert create in client.get(meeting_page(sirm.meeting)).content.decode()

    form = client.get(create).content.decode()
    assert sirm.teacher.agency.name in form and sirm.outsider.agency.name not in form
    response = client.post(create, convene_form(sirm.teacher.agency, title="Estate meeting"))

    follow_up = Meeting.objects.get(purpose=Meeting.Purpose.COMMUNITY_IMPACT)
    assert response["Location"] == meeting_page(follow_up)
    assert "Estate meeting" in client.get(meeting_page(sirm.meeting)).content.decode()


@pytest.fixture
def community_meeting(sirm):
    meeting_mark_held(actor=sirm.coordinator, meeting=sirm.meeting)
    return community_impact_schedule(
        actor=sirm.coordinator,
        meeting=sirm.meeting,
        scheduled_for=timezone.now() + timedelta(days=3),
        attending_agencies=[sirm.teacher.agency],
    )


def test_a_school_sees_the_community_impact_meeting_but_not_the_sirm(
    signed_in_client, sirm, community_meeting
):
    client = signed_in_client(sirm.teacher)

    page = client.get(meeting_page(community_meeting)).content.decode()
    assert "Summary" in page and "Agenda" not in page
    assert sirm.case.reference not in page and sirm.incident.reference not in page
    assert client.get(meeting_page(sirm.meeting)).status_code == 404
    case_page = reverse("pathways:case_detail", args=[sirm.case.pk])
    assert client.get(case_page).status_code == 404


def test_the_coordinator_records_the_summary_on_the_page(signed_in_client, sirm, community_meeting):
    client = signed_in_client(sirm.coordinator)
    url = reverse("panels:community_impact_summary", args=[community_meeting.pk])

    assert client.post(url, {"summary": " "}).status_code == 400
    assert client.post(url, {"summary": "Extra patrols at home time"}).status_code == 302
    page = signed_in_client(sirm.teacher).get(meeting_page(community_meeting)).content.decode()
    assert "Extra patrols at home time" in page and "Save summary" not in page
