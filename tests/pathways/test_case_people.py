"""A case's other people come with their names, each person once, in the order they were added,
from one statement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casebridge.pathways.models import CasePerson
from casebridge.pathways.selectors import case_people
from casebridge.people.models import PersonName
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_each_person_once_with_every_name_and_one_with_none():
    case = CaseFactory()
    aliased = PersonFactory(name=("Dee", "Smith"))
    PersonName.objects.create(person=aliased, kind="alias", given_name="D", family_name="Smyth")
    nameless = PersonFactory()
    nameless.names.all().delete()
    child = PersonFactory(name=("Kit", "Smith"))
    for person, role in [
        (child, CasePerson.Role.CHILD),
        (aliased, CasePerson.Role.PERPETRATOR),
        (nameless, CasePerson.Role.OTHER),
    ]:
        CasePerson.objects.create(case=case, person=person, role=role)
    CaseFactory().people.create(person=aliased, role=CasePerson.Role.OTHER)  # another case's

    with CaptureQueriesContext(connection) as queries:
        people = case_people(case=case)
        shown = [
            (link.role, link.person.pk, sorted(n.full_name for n in link.person.names.all()))
            for link in people
        ]
        primary = [link.person.primary_name for link in people]

    assert len(queries) == 1
    assert shown == [
        (CasePerson.Role.CHILD, child.pk, ["Kit Smith"]),
        (CasePerson.Role.PERPETRATOR, aliased.pk, ["D Smyth", "Dee Smith"]),
        (CasePerson.Role.OTHER, nameless.pk, []),
    ]
    assert [name.full_name if name else None for name in primary] == [
        "Kit Smith",
        "Dee Smith",
        None,
    ]
    assert all(link.case is case for link in people)
    assert people[1].person.names.all()[0].person is people[1].person


def test_a_case_with_no_other_people_has_none():
    assert case_people(case=CaseFactory()) == []
