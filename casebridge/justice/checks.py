from typing import Any

from django.core import checks
from django.core.exceptions import ValidationError


@checks.register()
def event_definitions_are_valid(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse to start with justice event definitions that do not validate."""
    from casebridge.justice.events import event_definitions

    try:
        event_definitions()
    except ValidationError as error:
        return [checks.Error(str(error.message), id="casebridge.E030")]
    return []
