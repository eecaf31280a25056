from typing import Any

from django.core import checks
from django.core.exceptions import ValidationError


@checks.register()
def definitions_are_valid(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse to start with a pathway or permission file that does not validate."""
    from casebridge.access.definitions import read_permissions
    from casebridge.pathways.definitions import read_definitions

    errors: list[checks.CheckMessage] = []
    for reader, check_id in (
        (read_definitions, "casebridge.E001"),
        (read_permissions, "casebridge.E002"),
    ):
        try:
            reader()
        except ValidationError as error:
            errors.append(checks.Error(str(error.message), id=check_id))
    if not errors:
        errors += _transition_roles_exist(read_definitions(), read_permissions())
    return errors


def _transition_roles_exist(
    definitions: list[dict[str, Any]], permissions: dict[str, Any]
) -> list[checks.CheckMessage]:
    """A transition whose roles nobody holds can never be taken: its cases would stick."""
    roles = {role["code"] for role in permissions["roles"]}
    return [
        checks.Error(
            f"{definition['code']}: transition {transition['code']!r} names unknown role "
            f"{unknown!r}",
            id="casebridge.E003",
        )
        for definition in definitions
        for transition in definition["transitions"]
        for unknown in sorted(set(transition["roles"]) - roles)
    ]
