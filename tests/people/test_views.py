import pytest
from django.urls import reverse

from casebridge.access.models import BreakGlass
from casebridge.audit.models import AuditEvent
from casebridge.people.models import Person, Relationship
from tests.factories import CaseFactory, PersonFactory, UserFactory
from tests.world import CANARY, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _views_of(person):
    return AuditEvent.objects.filter(action="view", object_type="person", object_id=str(person.pk))


# --- person page -------------------------------------------------------------------------


def test_each_view_of_a_person_page_adds_exactly_one_view_entry(world, signed_in_client):
    client = signed_in_client(world.practitioner_a)
    url = reverse("people:detail", args=[world.person.pk])
    for expected in (1, 2):
        assert client.get(url).status_code == 200
        assert _views_of(world.person).count() == expected
    entry = _views_of(world.person).first()
    assert entry.actor == world.practitioner_a


def test_person_page_links_related_cases_and_offers_a_referral(world, signed_in_client):
    content = (
        signed_in_client(world.practitioner_a)
        .get(reverse("people:detail", args=[world.person.pk]))
        .content.decode()
    )
    assert world.case.reference in content
    assert reverse("pathways:refer", args=[world.person.pk]) in content


def test_break_glass_link_shown_only_to_permitted_roles_when_records_are_hidden(
    world, signed_in_client
):
    url = reverse("people:detail", args=[world.person.pk])
    link = reverse("people:break_glass", args=[world.person.pk])
    assert link in signed_in_client(world.coordinator).get(url).content.decode()
    assert link not in signed_in_client(world.practitioner_a).get(url).content.decode()


def test_no_break_glass_link_when_nothing_is_hidden(signed_in_client):
    world = make_world()
    world.refuge.delete()
    content = (
        signed_in_client(world.coordinator)
        .get(reverse("people:detail", args=[world.person.pk]))
        .content.decode()
    )
    assert reverse("people:break_glass", args=[world.person.pk]) not in content


def test_a_sealed_case_counts_as_a_restricted_record(signed_in_client):
    world = make_world()
    world.refuge.delete()
    CaseFactory(subject=world.person, owner_agency=world.agency_b, is_restricted=True)
    content = (
        signed_in_client(world.coordinator)
        .get(reverse("people:detail", args=[world.person.pk]))
        .content.decode()
    )
    assert reverse("people:break_glass", args=[world.person.pk]) in content


# --- break glass -------------------------------------------------------------------------


def test_break_glass_with_a_short_reason_reshows_the_form_and_grants_nothing(
    world, signed_in_client
):
    client = signed_in_client(world.coordinator)
    response = client.post(
        reverse("people:break_glass", args=[world.person.pk]), {"reason": "urgent"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "at least 20 characters" in content
    assert ">urgent</textarea>" in content
    assert not BreakGlass.objects.exists()
    assert (
        CANARY not in client.get(reverse("people:detail", args=[world.person.pk])).content.decode()
    )


def test_break_glass_with_a_reason_opens_the_records_and_is_flagged(world, signed_in_client):
    client = signed_in_client(world.coordinator)
    reason = "Police report the perpetrator is outside the refuge now"
    response = client.post(
        reverse("people:break_glass", args=[world.person.pk]), {"reason": reason}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[world.person.pk])
    entry = AuditEvent.objects.get(action="break_glass", object_id=str(world.person.pk))
    assert entry.flagged and entry.reason == reason and entry.actor == world.coordinator
    assert CANARY in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("role_name", ["practitioner_a", "auditor", "manager"])
def test_break_glass_is_refused_to_roles_without_the_rule(world, signed_in_client, role_name):
    client = signed_in_client(world.users()[role_name])
    response = client.post(
        reverse("people:break_glass", args=[world.person.pk]),
        {"reason": "I would really like to see this address please"},
    )
    assert response.status_code == 404
    assert not BreakGlass.objects.exists()


# --- search ------------------------------------------------------------------------------


def test_search_is_a_post_and_records_the_terms(world, signed_in_client):
    client = signed_in_client(world.practitioner_a)
    response = client.post(
        reverse("people:search"),
        {
            "family_name": "canary",
            "given_name": "J",
            "date_of_birth_day": "17",
            "date_of_birth_month": "5",
            "date_of_birth_year": "1990",
        },
    )
    assert response.status_code == 200
    assert reverse("people:detail", args=[world.person.pk]) in response.content.decode()
    entry = AuditEvent.objects.get(action="search", actor=world.practitioner_a)
    assert entry.changes["family_name"] == "canary"
    assert entry.changes["date_of_birth"] == "1990-05-17"
    assert entry.changes["results"] == [str(world.person.pk)]


def test_search_without_family_name_shows_an_error(world, signed_in_client):
    response = signed_in_client(world.practitioner_a).post(
        reverse("people:search"), {"given_name": "Jo"}
    )
    content = response.content.decode()
    assert "Enter the person&#x27;s family name" in content
    assert 'value="Jo"' in content
    assert not AuditEvent.objects.filter(action="search").exists()


def test_search_does_not_find_people_of_other_agencies(world, signed_in_client):
    response = signed_in_client(world.practitioner_b).post(
        reverse("people:search"), {"family_name": "Canarysdottir"}
    )
    assert reverse("people:detail", args=[world.person.pk]) not in response.content.decode()


def test_search_rejects_an_impossible_date(world, signed_in_client):
    response = signed_in_client(world.practitioner_a).post(
        reverse("people:search"),
        {
            "family_name": "Canary",
            "date_of_birth_day": "31",
            "date_of_birth_month": "2",
            "date_of_birth_year": "1990",
        },
    )
    assert "Date of birth must be a real date" in response.content.decode()


# --- create ------------------------------------------------------------------------------


def test_create_person_with_a_confidential_address(world, signed_in_client):
    response = signed_in_client(world.practitioner_a).post(
        reverse("people:create"),
        {
            "given_name": "Sam",
            "family_name": "Newperson",
            "date_of_birth_day": "1",
            "date_of_birth_month": "2",
            "date_of_birth_year": "2001",
            "sex": "male",
            "ethnicity": "white",
            "disability": "no",
            "line_1": "Safe House",
            "town": "Barnet",
            "postcode": "en5 2zz",
            "is_confidential": "on",
        },
    )
    person = Person.objects.get(names__family_name="Newperson")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.recorded_by_agency == world.agency_a
    address = person.addresses.get()
    assert address.is_confidential and address.postcode == "EN5 2ZZ"


def test_a_practitioner_records_that_a_person_is_care_experienced(world, signed_in_client):
    signed_in_client(world.practitioner_a).post(
        reverse("people:create"),
        {
            "given_name": "Kai",
            "family_name": "Careleaver",
            "sex": "male",
            "ethnicity": "white",
            "disability": "no",
            "care_experienced": "on",
            "confirm_new": "True",
        },
    )

    assert Person.objects.get(names__family_name="Careleaver").care_experienced


def test_a_person_learnt_to_be_care_experienced_is_recorded_so_and_audited(world, signed_in_client):
    client = signed_in_client(world.practitioner_a)
    page = client.get(reverse("people:detail", args=[world.person.pk])).content.decode()
    assert "Record as care-experienced" in page
    url = reverse("people:care_experienced", args=[world.person.pk])
    assert client.post(url, {"care_experienced": "yes"}).status_code == 302
    world.person.refresh_from_db()
    assert world.person.care_experienced
    entry = AuditEvent.objects.filter(object_id=str(world.person.pk), action="change").get()
    assert entry.changes == {"care_experienced": [False, True]}


def test_only_those_who_may_change_a_person_record_them_care_experienced(world, signed_in_client):
    # The coordinator sees agency A's person through the MARAC case, but may not change them.
    client = signed_in_client(world.coordinator)
    page = client.get(reverse("people:detail", args=[world.person.pk])).content.decode()
    assert "Record as care-experienced" not in page
    url = reverse("people:care_experienced", args=[world.person.pk])
    assert client.post(url, {"care_experienced": "yes"}).status_code == 404
    world.person.refresh_from_db()
    assert not world.person.care_experienced


def test_create_person_reshows_typed_values_on_error(world, signed_in_client):
    response = signed_in_client(world.practitioner_a).post(
        reverse("people:create"),
        {"given_name": "Sam", "family_name": "", "sex": "male", "line_1": "2 High St"},
    )
    content = response.content.decode()
    assert "Enter a family name" in content
    assert "Enter the town or city" in content
    assert 'value="Sam"' in content and 'value="2 High St"' in content
    assert not Person.objects.filter(names__given_name="Sam").exists()


def test_relationships_to_people_the_user_cannot_see_are_left_out(world, signed_in_client):
    hidden = PersonFactory(recorded_by_agency=world.agency_b, name=("Hidden", "Partner"))
    Relationship.objects.create(person=hidden, related_person=world.person, kind="partner")
    content = (
        signed_in_client(world.practitioner_a)
        .get(reverse("people:detail", args=[world.person.pk]))
        .content.decode()
    )
    assert "Hidden Partner" not in content


@pytest.mark.django_db
def test_a_merged_record_links_to_the_other_records_of_the_person_the_user_may_see(
    signed_in_client,
):
    user = UserFactory()
    main = PersonFactory(recorded_by_agency=user.agency, name=("Kyle", "Bennett"))
    merged = PersonFactory(
        recorded_by_agency=user.agency, name=("Kyle", "Benett"), merged_into=main
    )
    hidden = PersonFactory(name=("Kyle", "Bennet"), merged_into=main)
    page = signed_in_client(user).get(reverse("people:detail", args=[merged.pk]))
    text = page.content.decode()
    assert "This record has been linked to another record of the same person." in text
    assert reverse("people:detail", args=[main.pk]) in text and "(the main record)" in text
    assert reverse("people:detail", args=[hidden.pk]) not in text
