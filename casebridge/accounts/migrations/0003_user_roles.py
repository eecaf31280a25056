"""A user holds one or more roles: each user's one role becomes the first of their roles, and
going back, a user's roles become one (the one granted first, by the lowest id in the through
table; the others are lost, so going back is for an empty or single-role database)."""

from django.db import migrations, models


def roles_from_role(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    through = User.roles.through
    through.objects.bulk_create(
        through(user_id=user_id, role_id=role_id)
        for user_id, role_id in User.objects.filter(role__isnull=False).values_list("pk", "role_id")
    )


def role_from_roles(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    first: dict[int, int] = {}
    for user_id, role_id in User.roles.through.objects.order_by("pk").values_list(
        "user_id", "role_id"
    ):
        first.setdefault(user_id, role_id)
    for user_id, role_id in first.items():
        User.objects.filter(pk=user_id).update(role_id=role_id)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_sign_in_throttle"),
        ("agencies", "0001_initial"),
    ]

    operations = [
        # The one role's reverse name is the roles' now.
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="agencies.role",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="roles",
            field=models.ManyToManyField(blank=True, related_name="users", to="agencies.role"),
        ),
        migrations.RunPython(roles_from_role, role_from_roles),
        migrations.RemoveField(model_name="user", name="role"),
    ]
