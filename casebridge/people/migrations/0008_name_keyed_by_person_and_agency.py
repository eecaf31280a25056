"""On PostgreSQL a name's person and its copy of the person's agency are checked by one foreign
key, (person, agency) against the person's (id, agency), instead of one key each: an import
writes a name for every person it records, and each key is checked row by row (an index
look-up and a row lock), so this is one check a name fewer. It checks more, too: that the copy
is the person's (``PersonName.COPIED_FROM``), which only the code kept before; a person's agency
changed carries to their names (ON UPDATE CASCADE). SQLite keeps a key on each column (adding
one over two columns there means rebuilding the table).

The key it points at, unique (agency, id) on the person, leads with the agency, so it stands in
for the index of the agency alone (the policy's "recorded by my agency"): a person recorded
writes as many index entries as before."""

from django.db import migrations, models

NAME_PERSON_AGENCY = "personname_person_agency"


def _drop_single_column_keys(schema_editor, table, columns):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    for name, constraint in constraints.items():
        if constraint["foreign_key"] and constraint["columns"] in [[column] for column in columns]:
            schema_editor.execute(
                f"ALTER TABLE {table} DROP CONSTRAINT {schema_editor.quote_name(name)}"
            )


def one_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Checked as the update runs, so that no check is left pending when the table is altered.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # Copies the code wrote from the person: made right before the database holds them so.
    schema_editor.execute(
        "UPDATE people_personname n SET recorded_by_agency_id = p.recorded_by_agency_id "
        "FROM people_person p WHERE p.id = n.person_id "
        "AND n.recorded_by_agency_id <> p.recorded_by_agency_id"
    )
    _drop_single_column_keys(
        schema_editor, "people_personname", ["person_id", "recorded_by_agency_id"]
    )
    schema_editor.execute(
        f"ALTER TABLE people_personname ADD CONSTRAINT {NAME_PERSON_AGENCY} "
        "FOREIGN KEY (person_id, recorded_by_agency_id) "
        "REFERENCES people_person (id, recorded_by_agency_id) "
        "ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED"
    )
    schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def a_key_each(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE people_personname DROP CONSTRAINT {NAME_PERSON_AGENCY}")
    schema_editor.execute(
        "ALTER TABLE people_personname ADD CONSTRAINT personname_person_id_fk "
        "FOREIGN KEY (person_id) REFERENCES people_person (id) DEFERRABLE INITIALLY DEFERRED"
    )
    schema_editor.execute(
        "ALTER TABLE people_personname ADD CONSTRAINT personname_recorded_by_agency_id_fk "
        "FOREIGN KEY (recorded_by_agency_id) REFERENCES agencies_agency (id) "
        "DEFERRABLE INITIALLY DEFERRED"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0003_role_privileged"),
        ("people", "0007_name_copies_person_for_search"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="recorded_by_agency",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.PROTECT,
                related_name="recorded_people",
                to="agencies.agency",
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                fields=("recorded_by_agency", "id"), name="person_agency_id"
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="personname",
                    name="person",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="names",
                        to="people.person",
                    ),
                ),
                migrations.AlterField(
                    model_name="personname",
                    name="recorded_by_agency",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="+",
                        to="agencies.agency",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(one_key, a_key_each)],
        )
    ]
