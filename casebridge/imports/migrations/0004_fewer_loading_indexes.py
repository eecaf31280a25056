"""Fewer index entries per row an import loads: the batch's people get a model of their own
(the same table) so that the batch's column is not indexed apart from the unique index that
leads with it; a loaded row's supplier leads its unique index instead of being indexed alone;
the batch that updated a loaded row is indexed only where there is one."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0003_role_privileged"),
        ("imports", "0003_loaded_row_notes"),
        ("people", "0006_merged_into_indexed_where_set"),
    ]

    operations = [
        # The table Django made for ImportBatch.people, now described by a model (no change
        # to the database yet).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportBatchPerson",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "importbatch",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="imports.importbatch",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="people.person"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "imports_importbatch_people",
                        "unique_together": {("importbatch", "person")},
                    },
                ),
                migrations.AlterField(
                    model_name="importbatch",
                    name="people",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="The people it recorded.",
                        related_name="import_batches",
                        through="imports.ImportBatchPerson",
                        to="people.person",
                    ),
                ),
            ],
        ),
        migrations.AlterField(
            model_name="importbatchperson",
            name="importbatch",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                to="imports.importbatch",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="loadedrow",
            name="loadedrow_unique_reference",
        ),
        migrations.AddConstraint(
            model_name="loadedrow",
            constraint=models.UniqueConstraint(
                fields=("supplied_by", "kind", "reference"), name="loadedrow_unique_reference"
            ),
        ),
        migrations.AlterField(
            model_name="loadedrow",
            name="supplied_by",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.agency",
            ),
        ),
        migrations.AlterField(
            model_name="loadedrow",
            name="updated_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="updated_rows",
                to="imports.importbatch",
            ),
        ),
        migrations.AddIndex(
            model_name="loadedrow",
            index=models.Index(
                condition=models.Q(("updated_by__isnull", False)),
                fields=["updated_by"],
                name="loadedrow_updated_by",
            ),
        ),
    ]
