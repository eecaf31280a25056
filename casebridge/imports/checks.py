from typing import Any

from django.core import checks
from django.core.exceptions import ValidationError


@checks.register()
def formats_are_valid(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse to start with an extract format that does not validate."""
    from casebridge.imports.formats import extract_formats

    try:
        extract_formats()
    except ValidationError as error:
        return [checks.Error(str(error.message), id="casebridge.E010")]
    return []
