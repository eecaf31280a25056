"""Referring to the Serious Adult Violence panel from a person's page, and the case page."""

from datetime import date

import pytest
from django.urls import reverse

from casebridge.agencies.models import Agency
from casebridge.pathways.models import Case
from tests.factories import AgencyFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return UserFactory(agency=AgencyFactory(kind=Agency.Kind.PROBATION))


def _refer(client, person, **overrides):
    data = {
        "pathway": "sav",
        "referral_reason": "Released on licence after a knife-point robbery",
        "consent": "given",
        "lawful_basis": "consent",
        "gang_affiliated": "yes",
        "youth_transition": "no",
        **overrides,
    }
    return client.post(reverse("pathways:refer", args=[person.pk]), data)


def test_the_answers_are_recorded_and_shown_on_the_case(officer, signed_in_client):
    client = signed_in_client(officer)
    person = PersonFactory(recorded_by_agency=officer.agency, date_of_birth=date(1999, 2, 3))

    response = _refer(client, person)

    case = Case.objects.get(subject=person)
    assert response.status_code == 302
    assert (case.sav.gang_affiliated, case.sav.youth_transition) == (True, False)
    page = client.get(response["Location"]).content.decode()
    assert "Affiliated to a gang</dt>" in page
    assert "Moving from youth justice to adult services</dt>" in page


def test_an_unanswered_question_is_asked_again_keeping_the_other_answer(officer, signed_in_client):
    person = PersonFactory(recorded_by_agency=officer.agency)

    response = _refer(signed_in_client(officer), person, youth_transition="")

    content = response.content.decode()
    assert "Select whether the person is moving to adult services" in content
    assert 'name="gang_affiliated" type="radio" value="yes" checked' in content
    assert not Case.objects.filter(subject=person).exists()


def test_a_child_is_refused_with_the_answers_kept(officer, signed_in_client):
    person = PersonFactory(recorded_by_agency=officer.agency, date_of_birth=date(2012, 1, 1))

    response = _refer(signed_in_client(officer), person)

    content = response.content.decode()
    assert "Serious Adult Violence panel is for adults" in content
    assert 'name="youth_transition" type="radio" value="no" checked' in content
