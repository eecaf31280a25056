"""Reads: the review queue, and "is this the same person?" when someone is recorded."""

from datetime import date

import pytest

from casebridge.access.policy import AccessDenied
from casebridge.linkage.candidates import candidate_ids
from casebridge.linkage.models import MatchReview
from casebridge.linkage.records import current_people
from casebridge.linkage.selectors import review_get, review_queue, same_person_candidates
from casebridge.people.models import Person
from casebridge.people.services import AddressDetails, PersonDetails
from tests.factories import AddressFactory, AgencyFactory, UserFactory, role
from tests.linkage.factories import analyst, current_model, pending_review, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return AgencyFactory()


@pytest.fixture
def practitioner(agency):
    return UserFactory(agency=agency, role=role("practitioner"))


def details(
    given="Amira",
    family="Hussain",
    born=date(1991, 3, 8),
    postcode="SE15 4QT",
    sex=Person.Sex.FEMALE,
    **address,
):
    addresses = ()
    if postcode:
        addresses = (
            AddressDetails(
                line_1="2 High Street",
                town="London",
                postcode=postcode,
                valid_from=date(2024, 1, 1),
                **address,
            ),
        )
    return PersonDetails(
        given_name=given,
        family_name=family,
        date_of_birth=born,
        sex=sex,
        addresses=addresses,
    )


# --- "is this the same person?" ------------------------------------------------------------


def test_the_true_match_comes_first_among_likely_people(practitioner, agency):
    current_model()
    amira = person("Amira", "Hussain", agency=agency)
    person("Amina", "Hussain", date(1991, 3, 8), agency=agency)  # same birthday, another name
    person("Amira", "Hussain", date(1958, 11, 2), postcode="SW9 2LA", agency=agency)

    found = same_person_candidates(
        user=practitioner, details=details(family="Husain", postcode="SE15 4QU")
    )

    assert found[0].id == amira.pk
    assert found[0].name == "Amira Hussain" and found[0].postcode == "SE15 4QT"
    assert found[0].date_of_birth == date(1991, 3, 8)


def test_a_nickname_and_a_transposed_date_still_find_the_person(practitioner, agency):
    current_model()
    william = person("William", "Okafor", date(1984, 3, 9), sex="male", agency=agency)

    found = same_person_candidates(
        user=practitioner, details=details("Bill", "Okafor", date(1984, 9, 3), sex="male")
    )

    assert [c.id for c in found] == [william.pk]


def test_only_people_the_user_may_see_are_offered(practitioner, agency):
    current_model()
    hidden = person(agency=AgencyFactory())  # another agency's identical record

    assert same_person_candidates(user=practitioner, details=details()) == []
    shown = person(agency=agency)
    assert [c.id for c in same_person_candidates(user=practitioner, details=details())] == [
        shown.pk
    ]
    assert hidden.pk not in [
        c.id for c in same_person_candidates(user=practitioner, details=details())
    ]


def test_people_below_the_lower_threshold_are_not_offered(practitioner, agency):
    current_model()
    person("Fatima", "Hussain", date(1994, 7, 21), agency=agency)  # her sister

    assert same_person_candidates(user=practitioner, details=details()) == []


def test_merged_records_are_not_offered_their_survivor_is(practitioner, agency):
    current_model()
    survivor = person(agency=agency)
    duplicate = person(agency=agency)
    duplicate.merged_into = survivor
    duplicate.save()

    found = same_person_candidates(user=practitioner, details=details())

    assert [c.id for c in found] == [survivor.pk]


def test_without_a_model_only_the_same_names_and_birth_date_are_offered(practitioner, agency):
    same = person(agency=agency)
    person("Amira", "Hussain", date(1958, 11, 2), agency=agency)
    person("Amira", "Husain", agency=agency)

    found = same_person_candidates(user=practitioner, details=details(postcode=None))

    assert [(c.id, c.match_weight) for c in found] == [(same.pk, None)]


def test_a_confidential_postcode_never_finds_anyone(agency):
    at_refuge = person("Amira", "Smith", None, postcode=None, agency=agency)
    AddressFactory(person=at_refuge, postcode="ZZ9 9ZQ", is_confidential=True)
    record = {"given_name": "Amira", "family_name": "Jones", "postcode": "ZZ9 9ZQ"}

    assert candidate_ids(people=current_people(), record=record) == []
    AddressFactory(person=at_refuge, postcode="ZZ9 9ZQ")
    assert candidate_ids(people=current_people(), record=record) == [at_refuge.pk]


def test_a_typed_confidential_address_is_not_used_to_look_people_up(practitioner, agency):
    current_model()
    neighbour = person("Amira", "Jones", None, postcode="ZZ9 9ZQ", agency=agency)

    typed = details("Amira", "Hussain", None, postcode="ZZ9 9ZQ", is_confidential=True)

    assert neighbour.pk not in [
        c.id for c in same_person_candidates(user=practitioner, details=typed)
    ]


def test_candidates_are_capped(agency):
    for _ in range(60):
        person(agency=agency)

    assert len(candidate_ids(people=current_people(), record={"date_of_birth": "1991-03-08"})) <= 50


# --- the analysts' queue -------------------------------------------------------------------


def test_the_queue_is_pending_pairs_strongest_first():
    weak = pending_review(person(), person(), weight=7)
    strong = pending_review(person(), person(), weight=15)
    decided = pending_review(person(), person(), weight=19)
    decided.status = MatchReview.Status.REJECTED
    decided.save()

    assert [p.review_id for p in review_queue(user=analyst())] == [strong.pk, weak.pk]


@pytest.mark.parametrize("role_code", ["practitioner", "panel_coordinator", "manager"])
def test_the_queue_is_the_analysts_alone(role_code):
    with pytest.raises(AccessDenied):
        review_queue(user=UserFactory(role=role(role_code)))


@pytest.mark.parametrize("review_id", ["0d9e5f07-7a6c-4a50-9b1e-3f6d2b7c8a41", "not-an-id"])
def test_a_review_that_does_not_exist_is_refused_like_a_hidden_one(review_id):
    pending_review(person(), person())
    with pytest.raises(AccessDenied):
        review_get(user=analyst(), review_id=review_id)


def test_a_pair_whose_records_were_linked_to_the_same_person_since_leaves_the_queue():
    held, custody, probation = person(), person(), person()
    pending_review(custody, probation)
    waiting = pending_review(person("Kyle", "Bennett"), person("Kyle", "Benett"))
    Person.objects.filter(pk__in=[custody.pk, probation.pk]).update(merged_into=held)
    assert [p.review_id for p in review_queue(user=analyst())] == [waiting.pk]
