"""The people a batch recorded were a row each in ``imports_importbatch_people``: for every
person an import recorded, a row, two foreign keys checked one row at a time and three index
entries, about a tenth of the server's work for an import. They are now two flags on the loaded
row where the batch first named each of them (its record's victim or person, its incident's
suspect), read back through the keys the loaded row and its record already have
(``imports.selectors.batch_people``, ``person_batches``). Every row of the table is carried over
(the migration refuses to drop one it cannot) and the table is rebuilt from the flags if the
migration is reversed."""

from django.db import migrations, models

# The first loaded row of each (batch, person) whose record names the person there.
_FLAG_FIRST = """
UPDATE imports_loadedrow SET {flag} = %s WHERE id IN (
    SELECT MIN(r.id) FROM imports_importbatch_people b
    JOIN imports_loadedrow r ON r.batch_id = b.importbatch_id
    JOIN {table} x ON x.id = r.{record} AND x.{person} = b.person_id
    GROUP BY b.id
)
"""
_NAMED = (
    ("recorded_subject", "incidents_incident", "incident_id", "victim_id"),
    ("recorded_suspect", "incidents_incident", "incident_id", "suspect_id"),
    ("recorded_subject", "imports_partnerevent", "event_id", "person_id"),
)
# (batch, person) for each flag set: the table's rows, once carried over.
_FLAGGED = """
SELECT r.batch_id, i.victim_id FROM imports_loadedrow r
    JOIN incidents_incident i ON i.id = r.incident_id WHERE r.recorded_subject
UNION SELECT r.batch_id, i.suspect_id FROM imports_loadedrow r
    JOIN incidents_incident i ON i.id = r.incident_id WHERE r.recorded_suspect
UNION SELECT r.batch_id, e.person_id FROM imports_loadedrow r
    JOIN imports_partnerevent e ON e.id = r.event_id WHERE r.recorded_subject
"""
_NOT_CARRIED = f"""
SELECT COUNT(*) FROM (
    SELECT importbatch_id, person_id FROM imports_importbatch_people
    EXCEPT SELECT * FROM ({_FLAGGED}) flagged
) missing
"""  # nosec B608  # fixed SQL, no input


FLAGS = ("recorded_subject", "recorded_suspect")


def add_flags(apps, schema_editor):
    """Columns added in place: Django's own AddField rebuilds the table on SQLite from the
    model, which would lose the keys migration 0005 gave it (the model says db_constraint=False
    for the batch and the supplier)."""
    for flag in FLAGS:
        schema_editor.execute(
            f"ALTER TABLE imports_loadedrow ADD COLUMN {flag} boolean NOT NULL DEFAULT false"
        )
        if schema_editor.connection.vendor == "postgresql":
            # As Django leaves a column it adds: the default is the model's, not the table's.
            schema_editor.execute(f"ALTER TABLE imports_loadedrow ALTER COLUMN {flag} DROP DEFAULT")


def drop_flags(apps, schema_editor):
    for flag in FLAGS:
        schema_editor.execute(f"ALTER TABLE imports_loadedrow DROP COLUMN {flag}")


def flags_from_table(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for flag, table, record, person in _NAMED:
            sql = _FLAG_FIRST.format(flag=flag, table=table, record=record, person=person)
            cursor.execute(sql, [True])
        cursor.execute(_NOT_CARRIED)
        (missing,) = cursor.fetchone()
    if missing:
        raise RuntimeError(
            f"{missing} of the batches' recorded people are named by none of their loaded rows, "
            "so they cannot be carried over; nothing was changed."
        )


def table_from_flags(apps, schema_editor):
    schema_editor.execute(
        f"INSERT INTO imports_importbatch_people (importbatch_id, person_id) {_FLAGGED}"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0005_loaded_row_keyed_by_batch_and_supplier"),
        ("incidents", "0005_suspect_indexed_where_known"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="loadedrow", name=flag, field=models.BooleanField(default=False)
                )
                for flag in FLAGS
            ],
            database_operations=[migrations.RunPython(add_flags, drop_flags)],
        ),
        migrations.RunPython(flags_from_table, table_from_flags),
        migrations.RemoveField(model_name="importbatch", name="people"),
        migrations.DeleteModel(name="ImportBatchPerson"),
    ]
