"""A user of agency B who guesses agency A's ids gets 404 everywhere, and it is audited."""

import re

import pytest
from django.urls import reverse

from casebridge.audit.models import AuditEvent
from tests.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _denials(user):
    return AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.DENIED)


@pytest.mark.parametrize(
    ("method", "url_name", "target"),
    [
        ("get", "pathways:case_detail", "case"),
        ("post", "pathways:transition", "case"),
        ("get", "people:detail", "person"),
        ("get", "pathways:refer", "person"),
        ("get", "api:person", "person"),
        ("get", "api:case", "case"),
    ],
)
def test_other_agency_gets_404_and_a_denied_entry(
    world, signed_in_client, method, url_name, target
):
    obj = world.case if target == "case" else world.person
    client = signed_in_client(world.practitioner_b)
    url = reverse(url_name, args=[obj.pk])

    response = getattr(client, method)(url, {"transition": "accept"} if method == "post" else {})

    assert response.status_code == 404
    denial = _denials(world.practitioner_b).get()
    assert denial.object_type == target
    assert denial.object_id == str(obj.pk)


def test_denied_api_call_answers_json_not_found(world, signed_in_client):
    client = signed_in_client(world.practitioner_b)
    response = client.get(reverse("api:case", args=[world.case.pk]))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}


def test_a_case_that_does_not_exist_looks_the_same_as_a_forbidden_one(world, signed_in_client):
    client = signed_in_client(world.practitioner_b)
    forbidden = client.get(reverse("pathways:case_detail", args=[world.case.pk]))
    missing = client.get(
        reverse("pathways:case_detail", args=["0" * 8 + "-0000-4000-8000-" + "0" * 12])
    )
    assert forbidden.status_code == missing.status_code == 404
    # Identical but for the per-response CSRF token in the sign-out form.
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub(b"", forbidden.content) == token.sub(b"", missing.content)
