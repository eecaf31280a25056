import uuid

import pytest
from django.db.models import F

from casebridge.agencies.models import Agency
from casebridge.core.lookups import AnyOf
from casebridge.people.models import Person
from tests.factories import AgencyFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds_by_text_and_by_uuid():
    agencies = [AgencyFactory() for _ in range(5)]
    wanted = [agencies[1].code, agencies[3].code, "not-an-agency"]
    found = Agency.objects.filter(AnyOf(F("code"), wanted)).values_list("code", flat=True)
    assert sorted(found) == sorted(wanted[:2])
    people = [PersonFactory() for _ in range(3)]
    ids = [people[0].pk, people[2].pk, uuid.uuid4()]
    found_people = Person.objects.filter(AnyOf(F("pk"), ids)).values_list("pk", flat=True)
    assert set(found_people) == set(ids[:2])


def test_any_of_nothing_finds_nothing():
    PersonFactory()
    assert not Person.objects.filter(AnyOf(F("pk"), [])).exists()


def test_any_of_takes_one_parameter_however_many_values():
    values = [f"ref-{n}" for n in range(5_000)]
    query = Person.objects.filter(AnyOf(F("names__family_name"), values)).query
    _, params = query.get_compiler("default").as_sql()
    assert len(params) == 1
