"""Clare's Law pages: requests and decisions on a MARAC case, and who gets the forms."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casebridge.agencies.models import Agency
from casebridge.audit.models import AuditEvent
from casebridge.pathways.disclosures import disclosure_decide, disclosure_request_record
from casebridge.pathways.models import DisclosureRequest, Pathway
from tests.factories import AgencyFactory, CaseFactory, UserFactory, role
from tests.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def pending(world):
    """A right-to-ask request on the world's MARAC case, waiting for a decision."""
    return disclosure_request_record(
        actor=world.coordinator,
        case=world.case,
        route=DisclosureRequest.Route.RIGHT_TO_ASK,
        requested_on=date(2025, 3, 3),
    )


def request_url(case) -> str:
    return reverse("pathways:disclosure_request", args=[case.pk])


def decision_url(request) -> str:
    return reverse("pathways:disclosure_decision", args=[request.case_id, request.pk])


def case_url(case) -> str:
    return reverse("pathways:case_detail", args=[case.pk])


def dated(field: str, day: date) -> dict:
    return {f"{field}_day": day.day, f"{field}_month": day.month, f"{field}_year": day.year}


def reader(world):
    """A colleague of the case owner: may see agency A's cases, may change only their own."""
    return UserFactory(agency=world.agency_a, role=role("practitioner"))


# --- the case page -------------------------------------------------------------------------


def test_the_case_page_lists_requests_and_offers_the_forms_to_whoever_may_change_it(
    world, pending, signed_in_client
):
    content = signed_in_client(world.coordinator).get(case_url(world.case)).content.decode()
    section = content.split('id="disclosures"')[1].split("</section>")[0]
    assert "Clare's Law requests" in content
    assert "Right to ask" in section and "3 Mar 2025" in section
    assert "Awaiting decision" in section
    assert f'href="{decision_url(pending)}"' in section
    assert f'href="{request_url(world.case)}"' in section


def test_someone_who_may_only_read_the_case_sees_the_requests_but_no_forms(
    world, pending, signed_in_client
):
    content = signed_in_client(reader(world)).get(case_url(world.case)).content.decode()
    section = content.split('id="disclosures"')[1].split("</section>")[0]
    assert "Right to ask" in section
    assert decision_url(pending) not in content
    assert request_url(world.case) not in content


def test_a_decided_request_shows_its_decision_and_no_link(world, pending, signed_in_client):
    disclosure_decide(
        actor=world.coordinator, request=pending, decision="disclosed", decided_on=date(2025, 3, 9)
    )
    content = signed_in_client(world.coordinator).get(case_url(world.case)).content.decode()
    section = content.split('id="disclosures"')[1].split("</section>")[0]
    assert "Disclosure made" in section and "9 Mar 2025" in section
    assert decision_url(pending) not in section


def test_an_idva_case_page_has_no_clares_law_section(signed_in_client):
    service = AgencyFactory(kind=Agency.Kind.CHARITY)
    case = CaseFactory(pathway=Pathway.objects.get(code="idva"), owner_agency=service)
    content = signed_in_client(UserFactory(agency=service)).get(case_url(case)).content.decode()
    assert 'id="disclosures"' not in content


# --- recording a request -------------------------------------------------------------------


def test_recording_a_request(world, signed_in_client):
    client = signed_in_client(world.coordinator)
    form = client.get(request_url(world.case)).content.decode()
    assert 'name="route" type="radio" value="right_to_know"' in form
    assert 'name="requested_on_day"' in form
    data = {"route": "right_to_know"} | dated("requested_on", date(2025, 2, 14))
    response = client.post(request_url(world.case), data)
    assert response.status_code == 302
    assert response["Location"] == case_url(world.case) + "#disclosures"
    request = world.case.disclosure_requests.get()
    assert (request.route, request.requested_on) == ("right_to_know", date(2025, 2, 14))
    assert request.recorded_by == world.coordinator
    assert AuditEvent.objects.filter(action="create", object_type="disclosure_request").exists()


def test_the_case_owner_may_record_a_request_too(world, signed_in_client):
    data = {"route": "right_to_ask"} | dated("requested_on", date(2025, 2, 14))
    response = signed_in_client(world.practitioner_a).post(request_url(world.case), data)
    assert response.status_code == 302


def test_missing_answers_are_shown_with_an_error_summary(world, signed_in_client):
    data = {"route": "", "requested_on_day": "", "requested_on_month": "", "requested_on_year": ""}
    response = signed_in_client(world.coordinator).post(request_url(world.case), data)
    content = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in content
    assert "Select how the disclosure was requested" in content
    assert 'href="#id_route_0"' in content
    assert "Enter date of the request" in content and 'href="#id_requested_on_day"' in content
    assert not DisclosureRequest.objects.exists()


def test_a_future_request_date_is_refused_and_what_was_typed_is_kept(world, signed_in_client):
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {"route": "right_to_know"} | dated("requested_on", tomorrow)
    response = signed_in_client(world.coordinator).post(request_url(world.case), data)
    content = response.content.decode()
    assert response.status_code == 400
    assert "The request date cannot be in the future." in content
    assert 'id="id_requested_on-error"' in content  # on the field, not only at the top
    assert re.search(r'name="route" type="radio" value="right_to_know" checked', content)
    assert f'name="requested_on_year" type="text" inputmode="numeric" value="{tomorrow.year}"' in (
        content
    )
    assert not DisclosureRequest.objects.exists()


def test_an_impossible_date_is_refused(world, signed_in_client):
    data = {"route": "right_to_ask", "requested_on_day": "30", "requested_on_month": "2"}
    data["requested_on_year"] = "2025"
    content = (
        signed_in_client(world.coordinator).post(request_url(world.case), data).content.decode()
    )
    assert "Date of the request must be a real date" in content


# --- recording the decision ----------------------------------------------------------------


def test_recording_the_decision(world, pending, signed_in_client):
    client = signed_in_client(world.coordinator)
    form = client.get(decision_url(pending)).content.decode()
    assert "Right to ask, 3 March 2025" in form
    assert 'value="pending"' not in form  # "awaiting decision" is not a decision
    data = {"decision": "not_disclosed"} | dated("decided_on", date(2025, 3, 20))
    response = client.post(decision_url(pending), data)
    assert response.status_code == 302
    assert response["Location"] == case_url(world.case) + "#disclosures"
    pending.refresh_from_db()
    assert (pending.decision, pending.decided_on) == ("not_disclosed", date(2025, 3, 20))


def test_a_decision_before_the_request_is_refused_on_its_field(world, pending, signed_in_client):
    data = {"decision": "disclosed"} | dated("decided_on", date(2025, 3, 1))
    response = signed_in_client(world.coordinator).post(decision_url(pending), data)
    content = response.content.decode()
    assert response.status_code == 400
    assert "The decision cannot come before the request." in content
    assert 'href="#id_decided_on_day"' in content
    assert re.search(r'name="decision" type="radio" value="disclosed" checked', content)
    pending.refresh_from_db()
    assert pending.decision == "pending"


def test_a_missing_decision_is_asked_for(world, pending, signed_in_client):
    data = dated("decided_on", date(2025, 3, 20))
    content = signed_in_client(world.coordinator).post(decision_url(pending), data).content.decode()
    assert "Select whether a disclosure was made" in content


def test_a_decided_request_is_not_decided_again(world, pending, signed_in_client):
    disclosure_decide(
        actor=world.coordinator, request=pending, decision="disclosed", decided_on=date(2025, 3, 9)
    )
    client = signed_in_client(world.coordinator)
    content = client.get(decision_url(pending)).content.decode()
    assert "already been decided" in content and "<form" not in content.split("<main")[1]
    data = {"decision": "not_disclosed"} | dated("decided_on", date(2025, 3, 10))
    client.post(decision_url(pending), data)
    pending.refresh_from_db()
    assert (pending.decision, pending.decided_on) == ("disclosed", date(2025, 3, 9))


# --- who gets a 404 ------------------------------------------------------------------------


def _users(world):
    return {
        "another agency": world.practitioner_b,
        "a reader of the case": reader(world),
        "an auditor": world.auditor,
        "a manager": world.manager,
    }


@pytest.mark.parametrize(
    "who", ["another agency", "a reader of the case", "an auditor", "a manager"]
)
@pytest.mark.parametrize("page", ["request", "decision"])
def test_those_who_may_not_change_the_case_get_404_and_a_denied_entry(
    world, pending, signed_in_client, who, page
):
    user = _users(world)[who]
    url = request_url(world.case) if page == "request" else decision_url(pending)
    client = signed_in_client(user)
    assert client.get(url).status_code == 404
    data = {"route": "right_to_ask", "decision": "disclosed"}
    data |= dated("requested_on", date(2025, 3, 4)) | dated("decided_on", date(2025, 3, 4))
    assert client.post(url, data).status_code == 404
    assert AuditEvent.objects.filter(actor=user, action="denied").count() == 2
    assert DisclosureRequest.objects.count() == 1
    pending.refresh_from_db()
    assert pending.decision == "pending"


def test_guessed_ids_look_like_missing_ones(world, pending, signed_in_client):
    client = signed_in_client(world.coordinator)
    guessed_case = reverse(
        "pathways:disclosure_request", args=["00000000-0000-4000-8000-000000000000"]
    )
    assert client.get(guessed_case).status_code == 404
    guessed_request = reverse("pathways:disclosure_decision", args=[world.case.pk, pending.pk + 99])
    assert client.get(guessed_request).status_code == 404


def test_a_request_is_only_reached_through_its_own_case(world, pending, signed_in_client):
    other_case = CaseFactory(owner_agency=world.agency_b)  # the coordinator sees every MARAC case
    url = reverse("pathways:disclosure_decision", args=[other_case.pk, pending.pk])
    assert signed_in_client(world.coordinator).get(url).status_code == 404


def test_the_forms_are_not_offered_on_an_idva_case(signed_in_client):
    service = AgencyFactory(kind=Agency.Kind.CHARITY)
    case = CaseFactory(pathway=Pathway.objects.get(code="idva"), owner_agency=service)
    advocate = UserFactory(agency=service)  # may change the IDVA case
    assert signed_in_client(advocate).get(request_url(case)).status_code == 404


def test_the_forms_need_signing_in(world, pending, client):
    assert client.get(request_url(world.case)).status_code == 302
    assert client.get(decision_url(pending)).status_code == 302


def test_opening_a_form_is_audited(world, pending, signed_in_client):
    signed_in_client(world.coordinator).get(decision_url(pending))
    entry = AuditEvent.objects.get(actor=world.coordinator, action="view")
    assert entry.object_id == str(world.case.pk)
    assert "Clare's Law decision" in entry.summary
