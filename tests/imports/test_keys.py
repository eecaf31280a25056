"""What the database itself refuses among the rows an import writes, now that two pairs of
columns are checked as one key each on PostgreSQL (migrations imports 0005, people 0008): a
loaded row's batch and supplier, a name's person and agency. On SQLite each column keeps a key
of its own, so there only a missing batch, person or agency is refused. The models say
``db_constraint=False`` for those columns (the keys are the migrations'), so these tests are
what notices a key lost (a table rebuilt on SQLite from the models, say)."""

import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from casebridge.imports.models import LoadedRow
from casebridge.people.models import Person, PersonName
from tests.factories import AgencyFactory, PersonFactory
from tests.imports.factories import analyst, offence, offences_csv, police, run_import

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps a key on each column"
)


def refused(write) -> bool:
    """Whether the database refuses what ``write`` writes, its keys checked at once."""
    try:
        with transaction.atomic():
            write()
            connection.check_constraints()
    except IntegrityError:
        return True
    return False


@pytest.fixture
def loaded() -> LoadedRow:
    supplier = police()
    run_import(actor=analyst(), supplied_by=supplier, content=offences_csv(offence("01/1/22")))
    return LoadedRow.objects.get()


def test_a_loaded_row_of_a_batch_that_does_not_exist_is_refused(loaded):
    assert refused(lambda: LoadedRow.objects.filter(pk=loaded.pk).update(batch_id=10**9))


def test_a_loaded_row_of_an_agency_that_does_not_exist_is_refused(loaded):
    assert refused(lambda: LoadedRow.objects.filter(pk=loaded.pk).update(supplied_by_id=10**9))


@on_postgresql
def test_a_loaded_row_whose_supplier_is_not_its_batchs_is_refused(loaded):
    other = AgencyFactory()
    assert refused(lambda: LoadedRow.objects.filter(pk=loaded.pk).update(supplied_by=other))


def test_a_name_of_a_person_who_does_not_exist_is_refused():
    name = PersonFactory().names.get()
    assert refused(lambda: PersonName.objects.filter(pk=name.pk).update(person_id=uuid.uuid4()))


def test_a_name_of_an_agency_that_does_not_exist_is_refused():
    name = PersonFactory().names.get()
    assert refused(
        lambda: PersonName.objects.filter(pk=name.pk).update(recorded_by_agency_id=10**9)
    )


@on_postgresql
def test_a_name_whose_agency_is_not_its_persons_is_refused():
    name = PersonFactory().names.get()
    other = AgencyFactory()
    assert refused(lambda: PersonName.objects.filter(pk=name.pk).update(recorded_by_agency=other))


@on_postgresql
def test_a_persons_agency_changed_carries_to_their_names():
    person = PersonFactory()
    other = AgencyFactory()
    # Not through Person.save, which copies it itself: the key carries it.
    Person.objects.filter(pk=person.pk).update(recorded_by_agency=other)
    assert person.names.get().recorded_by_agency == other
