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
    return errors
