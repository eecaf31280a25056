import django.db.models.deletion
from django.db import migrations, models

# Each name takes its person's agency and date of birth (see PersonName), in one statement.
COPY = """
UPDATE people_personname
SET recorded_by_agency_id = people_person.recorded_by_agency_id,
    date_of_birth = people_person.date_of_birth
FROM people_person
WHERE people_person.id = people_personname.person_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0003_role_privileged"),
        ("people", "0006_merged_into_indexed_where_set"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="personname", name="personname_search"),
        migrations.AddField(
            model_name="personname",
            name="date_of_birth",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="personname",
            name="recorded_by_agency",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.agency",
            ),
        ),
        migrations.RunSQL(COPY, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="personname",
            name="recorded_by_agency",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.agency",
            ),
        ),
        migrations.AddIndex(
            model_name="personname",
            index=models.Index(
                fields=["family_name_key", "given_name_key"],
                include=("person", "recorded_by_agency", "date_of_birth"),
                name="personname_search",
            ),
        ),
    ]
