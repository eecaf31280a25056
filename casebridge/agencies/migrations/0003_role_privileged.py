"""Roles that reach every agency's records, the audit trail or the administration are privileged.

The flag is data from permissions.yaml, kept in step by ``sync-definitions``; the data step marks
the roles the shipped file declares privileged, so a database migrated before its next sync does
not let the web grant them in the meantime.
"""

from django.db import migrations, models

# The shipped permissions.yaml's privileged roles when this migration was written.
PRIVILEGED_ROLES = ["panel_coordinator", "vve_coordinator", "analyst", "auditor", "sysadmin"]


def mark_privileged(apps, schema_editor):
    Role = apps.get_model("agencies", "Role")
    Role.objects.filter(code__in=PRIVILEGED_ROLES).update(privileged=True)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0002_school_and_community_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="role",
            name="privileged",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Reaches every agency's records, the audit trail or the administration: "
                    "granted only from the command line (casebridge grant-role), never from the "
                    "web."
                ),
            ),
        ),
        migrations.RunPython(mark_privileged, migrations.RunPython.noop),
    ]
