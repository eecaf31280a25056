"""Referring to the Victim Coordinator from a panel meeting's page, the case page, and the
Victim Coordinator's list of referrals."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casebridge.casework.services import service_refer
from casebridge.panels.models import Meeting
from casebridge.pathways.models import Case
from casebridge.victims.models import VictimReferral
from casebridge.victims.services import victim_referral_create
from tests.factories import AgencyFactory, PersonFactory, UserFactory, role

pytestmark = pytest.mark.django_db


def refer_link(sirm):
    return (
        f"{reverse('pathways:refer', args=[sirm.victim.pk])}"
        f"?pathway=victim-coordinator&amp;meeting={sirm.meeting.pk}"
    )


def test_a_held_sirm_offers_to_refer_each_person_discussed(sirm, signed_in_client):
    page = signed_in_client(sirm.vve_coordinator).get(
        reverse("panels:meeting_detail", args=[sirm.meeting.pk])
    )

    assert refer_link(sirm) in page.content.decode()


def test_a_planned_meeting_offers_no_referral(sirm, signed_in_client):
    sirm.meeting.status = Meeting.Status.PLANNED
    sirm.meeting.save(update_fields=["status"])

    page = signed_in_client(sirm.vve_coordinator).get(
        reverse("panels:meeting_detail", args=[sirm.meeting.pk])
    )

    assert "Refer to the Victim Coordinator" not in page.content.decode()


def test_the_link_prefills_the_pathway_and_the_meeting(sirm, signed_in_client):
    url = refer_link(sirm).replace("&amp;", "&")

    content = signed_in_client(sirm.vve_coordinator).get(url).content.decode()

    assert 'value="victim-coordinator" checked' in content
    assert f'name="from_meeting" value="{sirm.meeting.pk}"' in content
    assert "Referring from" in content and sirm.meeting.title in content


def test_referring_from_the_meeting_records_it(sirm, signed_in_client):
    client = signed_in_client(sirm.vve_coordinator)
    response = client.post(
        reverse("pathways:refer", args=[sirm.victim.pk]),
        {
            "pathway": "victim-coordinator",
            "referral_reason": "Stabbed outside his home",
            "consent": "given",
            "lawful_basis": "consent",
            "owner_agency": str(sirm.service.pk),
            "victim_kind": "direct",
            "from_meeting": str(sirm.meeting.pk),
        },
    )

    referral = VictimReferral.objects.get()
    assert response.status_code == 302
    assert referral.from_meeting == sirm.meeting
    assert referral.case.owner_agency == sirm.service


def test_a_meeting_the_user_cannot_see_is_not_found(sirm, signed_in_client):
    url = refer_link(sirm).replace("&amp;", "&")
    sirm.meeting.attendees.all().delete()

    assert signed_in_client(sirm.officer).get(url).status_code == 404


def test_someone_the_meeting_did_not_discuss_is_refused_at_the_top_of_the_form(
    sirm, signed_in_client
):
    stranger = PersonFactory(recorded_by_agency=sirm.vve_coordinator.agency)
    response = signed_in_client(sirm.vve_coordinator).post(
        reverse("pathways:refer", args=[stranger.pk]),
        {
            "pathway": "victim-coordinator",
            "referral_reason": "Lives next door",
            "consent": "given",
            "lawful_basis": "consent",
            "owner_agency": str(sirm.service.pk),
            "victim_kind": "indirect",
            "from_meeting": str(sirm.meeting.pk),
        },
    )

    content = response.content.decode()
    assert (
        f'<a href="#main-content">This person was not discussed at {sirm.meeting.title}.' in content
    )
    assert 'value="indirect" checked' in content


def test_the_victim_kind_is_asked_for(sirm, signed_in_client):
    response = signed_in_client(sirm.officer).post(
        reverse("pathways:refer", args=[sirm.victim.pk]),
        {
            "pathway": "victim-coordinator",
            "referral_reason": "Witnessed the stabbing",
            "consent": "given",
            "lawful_basis": "consent",
            "owner_agency": str(sirm.service.pk),
        },
    )

    assert (
        "Select whether the person is a direct or an indirect victim" in response.content.decode()
    )
    assert not Case.objects.filter(pathway__code="victim-coordinator").exists()


def refer(sirm, subject, **extra):
    return victim_referral_create(
        actor=sirm.vve_coordinator,
        subject=subject,
        owner_agency=sirm.service,
        referral_reason="Frightened to go out",
        consent=Case.Consent.GIVEN,
        lawful_basis=Case.LawfulBasis.CONSENT,
        victim_kind="direct",
        **extra,
    )


def test_the_case_page_says_which_panel_referred_and_shows_the_services(sirm, signed_in_client):
    case = refer(sirm, sirm.victim, from_meeting=sirm.meeting)

    page = signed_in_client(sirm.victim_coordinator).get(
        reverse("pathways:case_detail", args=[case.pk])
    )

    content = page.content.decode()
    assert "Direct victim" in content
    # The Victim Coordinator does not attend the SIRM: the panel and date, not its title.
    assert f"Serious Incident Response Meeting, {sirm.meeting.scheduled_for:%-d %B %Y}" in content
    assert sirm.meeting.title not in content
    assert 'id="services-title"' in content


def test_the_list_shows_source_state_and_onward_referrals_in_a_fixed_number_of_queries(
    sirm, signed_in_client
):
    client = signed_in_client(sirm.victim_coordinator)
    url = reverse("victims:referral_list")
    first = refer(sirm, sirm.victim, from_meeting=sirm.meeting)
    service_refer(
        actor=sirm.victim_coordinator,
        case=first,
        service="trauma_therapy",
        referred_on=timezone.localdate(),
    )
    client.get(url)  # warm the session and per-request caches
    with CaptureQueriesContext(connection) as one:
        content = client.get(url).content.decode()
    for _ in range(3):
        agency_referral = refer(sirm, PersonFactory(recorded_by_agency=sirm.vve_coordinator.agency))
        service_refer(
            actor=sirm.victim_coordinator,
            case=agency_referral,
            service="housing",
            referred_on=timezone.localdate(),
        )
    with CaptureQueriesContext(connection) as four:
        client.get(url)

    assert first.reference in content
    assert f"{sirm.meeting.pathway.name}, {sirm.meeting.scheduled_for:%-d %b %Y}" in content
    assert "Trauma therapy" in content
    assert len(four) == len(one)


def test_the_list_is_not_for_those_who_see_no_victim_coordinator_case(signed_in_client, sirm):
    manager = UserFactory(agency=AgencyFactory(), role=role("manager"))

    assert signed_in_client(manager).get(reverse("victims:referral_list")).status_code == 404


def test_the_owning_victim_coordinator_is_offered_casework_and_the_referrer_is_not(
    sirm, signed_in_client
):
    case = refer(sirm, sirm.victim, from_meeting=sirm.meeting)
    url = reverse("pathways:case_detail", args=[case.pk])

    worker = signed_in_client(sirm.victim_coordinator).get(url).content.decode()
    referrer = signed_in_client(sirm.vve_coordinator).get(url).content.decode()

    assert "Record casework" in worker and "Refer to a service" in worker
    assert "Record casework" not in referrer and "Refer to a service" not in referrer
