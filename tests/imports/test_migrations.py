"""Migration imports 0006 carries the batches' people from their table onto the loaded rows,
and back when reversed: no batch forgets whom it recorded."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from casebridge.imports.selectors import batch_people
from tests.imports.factories import HEADER, analyst, offence, offences_csv, police, run_import

# On PostgreSQL, whose schema changes are transactional, so the test's own transaction undoes
# them; SQLite's schema editor refuses to run inside one, and the migration's SQL is the same.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

TABLE = [("imports", "0005_loaded_row_keyed_by_batch_and_supplier")]
FLAGS = [("imports", "0006_batch_people_on_loaded_rows")]


def migrate(targets: list[tuple[str, str]]) -> None:
    with connection.cursor() as cursor:
        # The import's keys are checked at commit: now, so that its tables may be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def table_rows() -> set[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT importbatch_id, person_id FROM imports_importbatch_people")
        return {(batch, str(person).replace("-", "")) for batch, person in cursor.fetchall()}


def test_the_people_a_batch_recorded_survive_the_migration_both_ways():
    suspect = ",suspect_given_name,suspect_family_name,suspect_date_of_birth,suspect_sex"
    content = offences_csv(
        offence("01/1/22") + ",Dean,Price,1988-02-01,M",
        offence("01/2/22", victim_given_name="Lena") + ",Dean,Price,1988-02-01,M",
        offence("01/3/22", victim_given_name="Dean", victim_family_name="Price")
        + ",Amira,Hussain,1991-03-08,F",
        header=HEADER + suspect,
    )
    supplier = police()
    batches = [
        run_import(actor=analyst(), supplied_by=supplier, content=content),
        run_import(actor=analyst(), supplied_by=supplier, content=offences_csv(offence("02/1/22"))),
    ]
    recorded = {
        (batch.pk, person.hex)
        for batch in batches
        for person in batch_people(batch).values_list("pk", flat=True)
    }
    assert len(recorded) == sum(batch.people_created for batch in batches) == 6

    migrate(TABLE)
    assert table_rows() == recorded
    migrate(FLAGS)
    assert {
        (batch.pk, person.hex)
        for batch in batches
        for person in batch_people(batch).values_list("pk", flat=True)
    } == recorded
