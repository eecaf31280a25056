from typing import Any

from django.core import checks
from django.core.exceptions import ValidationError


@checks.register()
def instruments_are_valid(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse to start with an instrument file (shipped or configured) that does not validate."""
    from casebridge.assessments.definitions import read_instruments

    try:
        read_instruments()
    except ValidationError as error:
        return [checks.Error(str(error.message), id="assessments.E001")]
    return []
