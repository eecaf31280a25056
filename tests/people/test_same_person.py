"""Recording a person asks "is this the same person?" first, when someone likely is."""

import pytest
from django.urls import reverse

from casebridge.audit.models import AuditEvent
from casebridge.people.models import Person
from tests.factories import AgencyFactory, UserFactory, role
from tests.linkage.factories import current_model, person

pytestmark = pytest.mark.django_db

TYPED = {
    "given_name": "Amira",
    "family_name": "Husain",
    "date_of_birth_day": "8",
    "date_of_birth_month": "3",
    "date_of_birth_year": "1991",
    "sex": "female",
    "ethnicity": "asian",
    "disability": "no",
    "line_1": "14 Rye Lane",
    "town": "London",
    "postcode": "SE15 4QT",
}


@pytest.fixture
def agency():
    return AgencyFactory()


@pytest.fixture
def client(agency, signed_in_client):
    current_model()
    return signed_in_client(UserFactory(agency=agency, role=role("practitioner")))


def _new_people():
    return Person.objects.filter(names__family_name="Husain")


def test_likely_matches_are_offered_before_anyone_is_recorded(agency, client):
    amira = person("Amira", "Hussain", agency=agency)

    response = client.post(reverse("people:create"), TYPED)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Is this the same person?" in content
    assert reverse("people:detail", args=[amira.pk]) in content
    assert "Amira Hussain" in content and "8 March 1991" in content and "SE15 4QT" in content
    assert "No, record a new person" in content
    assert not _new_people().exists()
    entry = AuditEvent.objects.get(action="search", object_type="person")
    assert entry.changes["results"] == [str(amira.pk)] and "Amira" not in entry.summary


def test_the_question_keeps_what_was_typed(agency, client):
    person("Amira", "Hussain", agency=agency)

    content = client.post(reverse("people:create"), TYPED).content.decode()

    assert content.count('name="given_name" value="Amira"') == 1  # the hidden copy
    assert 'value="Amira"' in content and 'value="14 Rye Lane"' in content
    assert 'name="date_of_birth_year" value="1991"' in content
    assert 'name="confirm_new" value="yes"' in content


def test_saying_no_records_the_new_person_with_the_typed_details(agency, client):
    person("Amira", "Hussain", agency=agency)

    response = client.post(reverse("people:create"), {**TYPED, "confirm_new": "yes"})

    created = _new_people().get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[created.pk])
    assert created.primary_name.given_name == "Amira"
    assert str(created.date_of_birth) == "1991-03-08" and created.ethnicity == "asian"
    assert created.addresses.get().postcode == "SE15 4QT"


def test_with_nobody_likely_the_person_is_recorded_at_once(agency, client):
    person("Fatima", "Okafor", agency=agency)

    response = client.post(reverse("people:create"), TYPED)

    assert response.status_code == 302
    assert _new_people().exists()


def test_people_the_user_may_not_see_are_never_offered(client):
    hidden = person("Amira", "Hussain", agency=AgencyFactory())

    response = client.post(reverse("people:create"), TYPED)

    assert response.status_code == 302
    assert reverse("people:detail", args=[hidden.pk]) not in response.content.decode()
    assert _new_people().exists()
