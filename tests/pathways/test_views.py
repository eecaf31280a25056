import pytest
from django.urls import reverse

from casebridge.audit.models import AuditEvent
from casebridge.pathways.models import Case
from tests.factories import AgencyFactory, CaseFactory, PersonFactory, UserFactory, role
from tests.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _refer(client, person, **overrides):
    data = {
        "pathway": "da-marac",
        "referral_reason": "Strangulation last week; she fears for her life.",
        "consent": "given",
        "lawful_basis": "consent",
        **overrides,
    }
    return client.post(reverse("pathways:refer", args=[person.pk]), data)


# --- referral ----------------------------------------------------------------------------


def test_a_marac_referral_meeting_no_criterion_asks_for_professional_judgement(
    world, signed_in_client
):
    client = signed_in_client(world.practitioner_a)
    person = PersonFactory(recorded_by_agency=world.agency_a, name=("Ann", "Newcase"))
    response = _refer(client, person)
    assert response.status_code == 200
    assert "say why" in response.content.decode()
    response = _refer(client, person, judgement_reason="Threats to kill yesterday")
    assert response.status_code == 302
    case = Case.objects.get(subject=person)
    assert list(case.criteria.values_list("code", flat=True)) == ["professional_judgement"]
    assert case.marac.victim_aware is False


def test_a_referral_to_a_service_goes_to_that_service(world, signed_in_client):
    service = AgencyFactory(kind="charity", name="Advocacy Service")
    response = _refer(
        signed_in_client(world.practitioner_a),
        world.person,
        pathway="idva",
        owner_agency=str(service.pk),
    )
    assert response.status_code == 302
    assert Case.objects.get(pathway__code="idva").owner_agency == service


def close(case):
    case.state = "closed"
    case.save()


def test_referral_creates_a_case_and_shows_it(world, signed_in_client):
    close(world.case)  # referred again within 12 months of the last referral: a repeat
    client = signed_in_client(world.practitioner_a)
    response = _refer(client, world.person)
    case = Case.objects.exclude(pk=world.case.pk).get()
    assert list(case.criteria.values_list("code", flat=True)) == ["repeat"]
    assert response.status_code == 302
    assert response["Location"] == reverse("pathways:case_detail", args=[case.pk])
    assert case.state == "referred" and case.referred_by == world.practitioner_a
    assert case.reference in client.get(response["Location"]).content.decode()


def test_referral_form_reshows_typed_values_with_the_service_error(world, signed_in_client):
    close(world.case)
    response = _refer(
        signed_in_client(world.practitioner_a),
        world.person,
        consent="refused",
        lawful_basis="consent",
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Consent cannot be the lawful basis" in content
    assert "Strangulation last week; she fears for her life.</textarea>" in content
    assert 'value="refused" checked' in content
    assert 'value="consent" checked' in content
    assert 'href="#id_lawful_basis_0"' in content  # the error summary points at the field
    assert Case.objects.count() == 1


def test_the_victims_needs_ticked_on_the_form_are_recorded(world, signed_in_client):
    person = PersonFactory(recorded_by_agency=world.agency_a)
    response = _refer(
        signed_in_client(world.practitioner_a),
        person,
        judgement_reason="Threats to kill yesterday",
        relationship="child_to_parent",
        needs=["mental_health", "drugs"],
    )
    assert response.status_code == 302
    referral = Case.objects.get(subject=person).marac
    assert referral.needs == ["mental_health", "drugs"]
    assert referral.relationship == "child_to_parent"


def test_the_needs_ticked_are_still_ticked_when_the_form_is_shown_again(world, signed_in_client):
    person = PersonFactory(recorded_by_agency=world.agency_a)
    response = _refer(signed_in_client(world.practitioner_a), person, needs=["alcohol"])
    content = response.content.decode()
    assert "say why" in content  # no criterion met and no judgement given
    assert 'value="alcohol" checked' in content
    assert 'value="mental_health" checked' not in content


def test_referral_form_requires_a_reason(world, signed_in_client):
    response = _refer(signed_in_client(world.practitioner_a), world.person, referral_reason="")
    assert "Enter why you are making this referral" in response.content.decode()
    assert Case.objects.count() == 1


# --- case page ---------------------------------------------------------------------------


def test_case_page_shows_the_case_and_records_a_view(world, signed_in_client):
    content = (
        signed_in_client(world.practitioner_a)
        .get(reverse("pathways:case_detail", args=[world.case.pk]))
        .content.decode()
    )
    assert world.case.reference in content
    assert "Jo Canarysdottir" in content
    assert "Visible high risk" in content
    assert (
        AuditEvent.objects.filter(
            action="view", object_type="case", object_id=str(world.case.pk)
        ).count()
        == 1
    )


def test_coordinator_sees_transitions_and_practitioner_does_not(world, signed_in_client):
    url = reverse("pathways:case_detail", args=[world.case.pk])
    assert "Accept referral" in signed_in_client(world.coordinator).get(url).content.decode()
    assert "Accept referral" not in signed_in_client(world.practitioner_a).get(url).content.decode()


def test_coordinator_accepts_a_referral(world, signed_in_client):
    response = signed_in_client(world.coordinator).post(
        reverse("pathways:transition", args=[world.case.pk]), {"transition": "accept"}
    )
    world.case.refresh_from_db()
    assert response.status_code == 302
    assert world.case.state == "accepted"


def test_practitioner_cannot_take_a_coordinator_only_transition(world, signed_in_client):
    response = signed_in_client(world.practitioner_a).post(
        reverse("pathways:transition", args=[world.case.pk]), {"transition": "accept"}
    )
    world.case.refresh_from_db()
    assert response.status_code == 400
    assert "that action is not available to you now" in response.content.decode()
    assert world.case.state == "referred"


def test_decline_needs_a_reason_and_keeps_the_form(world, signed_in_client):
    response = signed_in_client(world.coordinator).post(
        reverse("pathways:transition", args=[world.case.pk]),
        {"transition": "decline", "reason": "   "},
    )
    world.case.refresh_from_db()
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    assert 'href="#reason-decline"' in response.content.decode()
    assert world.case.state == "referred"


@pytest.mark.parametrize("role_code", ["manager", "sysadmin", "auditor"])
def test_roles_without_case_rules_see_no_cases(world, signed_in_client, role_code):
    user = UserFactory(agency=world.agency_a, role=role(role_code))
    CaseFactory(owner_agency=world.agency_a)
    client = signed_in_client(user)
    assert (
        "There are no cases you can see"
        in client.get(reverse("pathways:case_list")).content.decode()
    )
    assert client.get(reverse("pathways:case_detail", args=[world.case.pk])).status_code == 404


def test_case_list_shows_only_visible_cases(world, signed_in_client):
    other = CaseFactory(owner_agency=world.agency_b)
    content = (
        signed_in_client(world.practitioner_a).get(reverse("pathways:case_list")).content.decode()
    )
    assert world.case.reference in content
    assert other.reference not in content


def test_home_lists_my_open_cases(world, signed_in_client):
    content = signed_in_client(world.practitioner_a).get(reverse("web:home")).content.decode()
    assert world.case.reference in content
