from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casebridge.accounts.models import User
from casebridge.accounts.services import role_grant
from casebridge.agencies.models import Role
from casebridge.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Give a person a role besides those they hold, privileged ones included (which the web "
        "never grants), in the "
        "name of another system administrator and with a reason; audited, and flagged for "
        "information governance when the role is privileged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="whose account")
        parser.add_argument("role", help="the role's code, as in permissions.yaml")
        parser.add_argument(
            "--as", dest="admin", required=True, help="the system administrator granting it"
        )
        parser.add_argument("--reason", required=True, help="why; kept in the audit trail")

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = User.objects.select_related("agency", "team")
        user = accounts.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No account {options['username']!r}.")
        actor = accounts.filter(username=options["admin"]).first()
        if actor is None:
            raise CommandError(f"No account {options['admin']!r}.")
        role = Role.objects.filter(code=options["role"]).first()
        if role is None:
            raise CommandError(f"No role {options['role']!r}: roles are in permissions.yaml.")
        try:
            role_grant(actor=actor, user=user, role=role, reason=options["reason"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(f"{user.username} now holds the role {role.code}; audited.")
        )
