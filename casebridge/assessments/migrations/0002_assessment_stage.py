from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="stage",
            field=models.CharField(
                blank=True,
                help_text="The instrument's stage, for instruments with stages.",
                max_length=40,
            ),
        ),
    ]
