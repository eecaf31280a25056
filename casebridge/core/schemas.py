"""Checking a definition (a YAML file users configure) against its JSON schema."""

import json
from pathlib import Path
from typing import Any

import jsonschema
from django.core.exceptions import ValidationError


class Schema:
    """A JSON schema, itself checked once when read: ``jsonschema.validate`` checks the schema
    on every call, which costs fifty times as much as checking the definition."""

    def __init__(self, path: Path) -> None:
        document = json.loads(path.read_text(encoding="utf-8"))
        validator = jsonschema.validators.validator_for(document)
        validator.check_schema(document)
        self._validator = validator(document)

    def check(self, definition: Any, *, source: str) -> None:
        """Raise ``ValidationError`` naming ``source`` and where the definition breaks the
        schema (the error ``jsonschema.validate`` would raise)."""
        error = jsonschema.exceptions.best_match(self._validator.iter_errors(definition))
        if error is not None:
            path = "/".join(str(p) for p in error.absolute_path) or "(top)"
            raise ValidationError(f"{source}: {path}: {error.message}") from error
