"""The board report's definitions (reports/definitions/*.yaml), each checked on reading against
the schema (``schema.json`` beside this file) and against the indicator registry, so a wrong
target or an unknown headline measure stops the report rather than printing a wrong rating."""

import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from casebridge.analytics.registry import registry
from casebridge.core.errors import ApplicationError

DEFINITIONS = Path(__file__).parent.parent / "definitions"
SCHEMA = json.loads((Path(__file__).parent / "schema.json").read_text(encoding="utf-8"))


def read_definition(name: str, *, directory: Path = DEFINITIONS) -> dict[str, Any]:
    """A definition file by name (``board.yaml``, ``board-violence.yaml``), checked."""
    definition = yaml.safe_load((directory / name).read_text(encoding="utf-8"))
    schema = SCHEMA["$defs"]["report" if name == "board.yaml" else "section"]
    try:
        jsonschema.validate(definition, {**SCHEMA, **schema})
    except jsonschema.ValidationError as error:
        path = "/".join(str(part) for part in error.absolute_path) or "(top)"
        raise ApplicationError(f"{name}: {path}: {error.message}") from error
    if problems := _problems(definition.get("summary", {}).get("headline", [])):
        raise ApplicationError(f"{name}: summary: {'; '.join(problems)}")
    return definition


def _problems(headline: list[dict[str, Any]]) -> list[str]:
    known, problems = registry(), []
    for item in headline:
        indicator = known.get(item["indicator"])
        if indicator is None:
            problems.append(f"there is no indicator {item['indicator']!r}")
            continue
        if "target" in item and item.get("better") not in ("higher", "lower"):
            problems.append(f"{indicator.id}: a target says which way is better (higher, lower)")
        if "tolerance" in item and "target" not in item:
            problems.append(f"{indicator.id}: a tolerance needs a target")
        if indicator.unit == "percent" and not 0 <= item.get("target", 0) <= 100:
            problems.append(f"{indicator.id}: a percentage's target is between 0 and 100")
    ids = [item["indicator"] for item in headline]
    if repeated := sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"headline measures repeat: {', '.join(repeated)}")
    return problems
