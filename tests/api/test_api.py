import pytest
from django.test import Client
from django.urls import reverse

from casebridge.audit.models import AuditEvent
from tests.factories import PASSWORD
from tests.world import CANARY, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_person_api_gives_visible_details_and_audits(world, signed_in_client):
    response = signed_in_client(world.practitioner_a).get(
        reverse("api:person", args=[world.person.pk])
    )
    body = response.json()
    assert response.status_code == 200
    assert body["names"][0]["family_name"] == "Canarysdottir"
    assert body["date_of_birth"] == "1990-05-17"
    assert [a["line_1"] for a in body["addresses"]] == ["1 Open Street"]
    assert body["cases"] == [{"id": str(world.case.pk), "reference": world.case.reference}]
    assert CANARY not in response.content.decode()
    assert AuditEvent.objects.filter(
        action="view", object_type="person", object_id=str(world.person.pk)
    ).exists()


def test_case_api_gives_state_and_timeline(world, signed_in_client):
    client = signed_in_client(world.coordinator)
    client.post(reverse("pathways:transition", args=[world.case.pk]), {"transition": "accept"})
    body = client.get(reverse("api:case", args=[world.case.pk])).json()
    assert body["reference"] == world.case.reference
    assert body["pathway"]["code"] == "da-marac"
    assert body["state"] == {"code": "accepted", "label": "Accepted"}
    assert body["timeline"][-1]["to_state"] == "accepted"


@pytest.mark.parametrize("name", ["api:person", "api:case"])
def test_anonymous_gets_401_json_not_a_redirect(world, client, name):
    obj = world.person if name == "api:person" else world.case
    response = client.get(reverse(name, args=[obj.pk]))
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required"}


def test_password_only_session_gets_401_json(world):
    client = Client()
    client.post(
        reverse("accounts:login"), {"username": world.practitioner_a.username, "password": PASSWORD}
    )
    response = client.get(reverse("api:case", args=[world.case.pk]))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_api_is_read_only(world, signed_in_client):
    client = signed_in_client(world.practitioner_a)
    response = client.post(reverse("api:case", args=[world.case.pk]), {})
    assert response.status_code == 405


def test_missing_person_is_a_json_404(world, signed_in_client):
    response = signed_in_client(world.practitioner_a).get(
        reverse("api:person", args=["11111111-1111-4111-8111-111111111111"])
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}
