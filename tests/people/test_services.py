from datetime import date

import pytest

from casebridge.access.policy import AccessDenied
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.pathways.models import CasePerson
from casebridge.people.models import Person, PersonName, Relationship
from casebridge.people.selectors import person_relationships, person_search
from casebridge.people.services import (
    AddressDetails,
    PersonDetails,
    address_add,
    people_bulk_create,
    people_record_for_import,
    person_create,
    relationship_add,
)
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    PersonFactory,
    PersonNameFactory,
    UserFactory,
    role,
)

pytestmark = pytest.mark.django_db


def test_person_create_records_names_addresses_identifiers_and_an_audit_entry():
    user = UserFactory()
    person = person_create(
        actor=user,
        details=PersonDetails(
            given_name="Siobhán",
            family_name="O'Brien-Smith",
            date_of_birth=date(1988, 2, 29),
            aliases=[("Shiv", "Smith")],
            addresses=[AddressDetails("1 High St", "Northbridge", "NB1 2AB", date(2021, 4, 1))],
            identifiers=[("nhs", "9434765919")],
        ),
    )
    assert person.recorded_by_agency == user.agency
    assert person.names.count() == 2
    assert person.addresses.get().postcode == "NB1 2AB"
    assert person.identifiers.get().value == "9434765919"
    assert AuditEvent.objects.filter(action="create", object_id=str(person.pk)).exists()


def test_every_name_carries_its_persons_agency_and_date_of_birth_however_recorded():
    """The search judges and orders people by these copies (``PersonName.COPIED_FROM``)."""
    user = UserFactory()
    born = date(1971, 6, 30)
    details = PersonDetails(
        given_name="Ann", family_name="Copy", date_of_birth=born, aliases=[("Annie", "Kopy")]
    )
    one = person_create(actor=user, details=details)
    bulk = people_bulk_create(actor=user, people=[details], source="test")
    imported = people_record_for_import(people=[details], recorded_by=AgencyFactory())
    added = PersonFactory(date_of_birth=None)
    added.names.create(given_name="B", family_name="Alias", kind=PersonName.Kind.ALIAS)
    people = Person.objects.filter(pk__in=[one.pk, bulk[0].pk, *imported, added.pk])
    assert len(people) == 4
    for person in people:
        names = person.names.values_list("recorded_by_agency_id", "date_of_birth")
        assert len(names) == 2
        assert set(names) == {(person.recorded_by_agency_id, person.date_of_birth)}


def test_a_corrected_date_of_birth_reaches_the_names_the_search_orders_by():
    user = UserFactory()
    person = PersonFactory(recorded_by_agency=user.agency, name=("Ann", "Corrected"))
    person.date_of_birth = date(1980, 1, 2)
    person.save(update_fields=["date_of_birth"])

    [match] = person_search(user=user, family_name="corrected", date_of_birth=date(1980, 1, 2))
    assert match.id == person.pk


def test_roles_without_a_rule_cannot_record_people():
    with pytest.raises(AccessDenied):
        person_create(
            actor=UserFactory(role=role("manager")),
            details=PersonDetails(given_name="A", family_name="B"),
        )


def test_bulk_create_writes_one_audit_entry_for_the_batch():
    user = UserFactory()
    before = AuditEvent.objects.count()
    people = people_bulk_create(
        actor=user,
        people=[PersonDetails(given_name=f"P{n}", family_name="Bulk") for n in range(25)],
        source="test extract",
    )
    assert len(people) == 25
    assert Person.objects.filter(names__family_name="Bulk").count() == 25
    assert AuditEvent.objects.count() == before + 1


def test_confidential_address_is_not_written_into_the_audit_log():
    user = UserFactory()
    person = PersonFactory(recorded_by_agency=user.agency)
    address_add(
        actor=user,
        person=person,
        address=AddressDetails(
            "CANARY Refuge", "Northbridge", "NB9 9ZZ", date(2022, 1, 1), is_confidential=True
        ),
    )
    for event in AuditEvent.objects.all():
        assert "CANARY" not in str(event.summary) + str(event.changes)
        assert "NB9 9ZZ" not in str(event.summary) + str(event.changes)


def found(**search):
    return [match.id for match in person_search(**search)]


def test_search_matches_name_prefixes_whatever_the_punctuation_and_accents():
    user = UserFactory()
    person = PersonFactory(recorded_by_agency=user.agency, name=("Siobhán", "O'Brien-Smith"))
    assert found(user=user, family_name="obrien") == [person.pk]
    assert found(user=user, family_name="O'BRIEN-S", given_name="siob") == [person.pk]
    assert found(user=user, family_name="Brien") == []


def test_search_finds_aliases_and_filters_by_date_of_birth():
    user = UserFactory()
    person = PersonFactory(recorded_by_agency=user.agency, name=("Jo", "Bloggs"))
    person.names.create(
        kind="alias",
        given_name="Joanne",
        family_name="Smith",
        given_name_key="joanne",
        family_name_key="smith",
    )
    [match] = person_search(user=user, family_name="smith")
    assert (match.id, match.name, match.other_names) == (person.pk, "Jo Bloggs", ["Joanne Smith"])
    assert found(user=user, family_name="smith", date_of_birth=date(2000, 1, 1)) == []


def test_each_person_found_shows_every_name_their_own_first_then_the_others_as_recorded():
    user = UserFactory()

    def name(person: Person, kind: str, given: str, family: str) -> None:
        PersonNameFactory(person=person, kind=kind, given_name=given, family_name=family)

    def person(born: date, given: str) -> Person:
        found = PersonFactory(
            recorded_by_agency=user.agency, date_of_birth=born, name=(given, "Shared")
        )
        name(found, "previous", given, "Maiden")
        name(found, "alias", given, "Other")
        return found

    later, earlier = person(date(1990, 1, 1), "Ann"), person(date(1980, 1, 1), "Bea")
    # A primary name recorded after the others (corrected) still comes first.
    earlier.names.filter(kind="primary").delete()
    name(earlier, "primary", "Bea", "Shared")

    assert [
        (match.id, match.name, match.other_names, match.date_of_birth)
        for match in person_search(user=user, family_name="shared")
    ] == [
        (earlier.pk, "Bea Shared", ["Bea Maiden", "Bea Other"], date(1980, 1, 1)),
        (later.pk, "Ann Shared", ["Ann Maiden", "Ann Other"], date(1990, 1, 1)),
    ]


def test_search_returns_only_people_the_user_may_see():
    PersonFactory(name=("Jo", "Hidden"))
    assert found(user=UserFactory(), family_name="Hidden") == []


def test_search_returns_the_first_people_the_user_may_see_by_birth_however_many_are_hidden():
    user = UserFactory()
    elsewhere = AgencyFactory()

    def person(day: int, agency=elsewhere) -> Person:
        return PersonFactory(
            recorded_by_agency=agency, name=("Jo", "Shared"), date_of_birth=date(1980, 1, day)
        )

    # Hidden, and each born before everyone shown: recorded elsewhere, the subject of a sealed
    # case of the user's agency, named in another agency's case.
    hidden = [person(day) for day in range(1, 21)]
    CaseFactory(owner_agency=user.agency, subject=hidden[0], is_restricted=True)
    CasePerson.objects.create(case=CaseFactory(subject=hidden[1]), person=hidden[2], role="child")
    # Shown: recorded by the user's agency, the subject of its case, named in its case.
    mine = person(25, agency=user.agency)
    subject = CaseFactory(owner_agency=user.agency, subject=person(23)).subject
    named = person(22)
    theirs = CaseFactory(owner_agency=user.agency)
    CasePerson.objects.create(case=theirs, person=named, role="child")
    later = [person(day, agency=user.agency) for day in (26, 27)]

    assert found(user=user, family_name="shared", limit=3) == [named.pk, subject.pk, mine.pk]
    assert found(user=user, family_name="shared") == [
        named.pk,
        subject.pk,
        mine.pk,
        *(p.pk for p in later),
    ]


def test_relationships_read_the_right_way_round_and_hide_people_the_viewer_cannot_see():
    user = UserFactory()
    mother = PersonFactory(recorded_by_agency=user.agency)
    child = PersonFactory(recorded_by_agency=user.agency)
    relationship_add(actor=user, person=mother, related_person=child, kind="parent")
    Relationship.objects.create(person=mother, related_person=PersonFactory(), kind="ex_partner")
    assert [(r.label, r.person) for r in person_relationships(user=user, person=mother)] == [
        ("Child", child)
    ]
    assert [(r.label, r.person) for r in person_relationships(user=user, person=child)] == [
        ("Parent", mother)
    ]


def test_cannot_relate_a_person_to_someone_the_user_cannot_see():
    user = UserFactory()
    with pytest.raises(AccessDenied):
        relationship_add(
            actor=user,
            person=PersonFactory(recorded_by_agency=user.agency),
            related_person=PersonFactory(),
            kind="partner",
        )


def test_a_search_matching_too_many_names_asks_for_more_detail(monkeypatch):
    monkeypatch.setattr("casebridge.people.selectors.MAX_NAME_MATCHES", 2)
    user = UserFactory()
    for given in ("Ann", "Bea", "Cat"):
        PersonFactory(recorded_by_agency=user.agency, name=(given, "Common"))
    with pytest.raises(ApplicationError, match="Add more of the family name"):
        person_search(user=user, family_name="common")
    # Refused, not "no one found", to a user who may see none of them.
    with pytest.raises(ApplicationError, match="Add more of the family name"):
        person_search(user=UserFactory(roles=list(user.roles.all())), family_name="common")
    assert len(person_search(user=user, family_name="common", given_name="a")) == 1
    assert person_search(user=user, family_name="common", given_name="z") == []
