"""Pathway definitions: YAML files validated by a JSON schema and a few cross-checks."""

from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from casebridge.core.schemas import Schema
from casebridge.pathways.models import Pathway

DEFINITIONS_DIR = Path(__file__).parent / "definitions"
SCHEMA = Schema(DEFINITIONS_DIR / "schema.json")


def validate_definition(definition: dict[str, Any], *, source: str) -> None:
    SCHEMA.check(definition, source=source)
    states = [state["code"] for state in definition["states"]]
    problems = []
    if len(set(states)) != len(states):
        problems.append("state codes repeat")
    if definition["initial_state"] not in states:
        problems.append(f"initial_state {definition['initial_state']!r} is not a state")
    codes = set()
    for transition in definition["transitions"]:
        for end in ("from", "to"):
            if transition[end] not in states:
                problems.append(f"transition {transition['code']!r}: {end} is not a state")
        if (transition["code"], transition["from"]) in codes:
            problems.append(f"transition {transition['code']!r} repeats from one state")
        codes.add((transition["code"], transition["from"]))
        outcomes = [outcome["code"] for outcome in transition.get("outcomes", [])]
        if len(set(outcomes)) != len(outcomes):
            problems.append(f"transition {transition['code']!r}: outcome codes repeat")
    problems += _repeated_codes(definition)
    # A panel cannot rate an area without the levels to rate it at.
    if definition.get("risk_areas") and not definition.get("risk_levels"):
        problems.append("risk_areas need risk_levels")
    if problems:
        raise ValidationError(f"{source}: " + "; ".join(problems))


def _repeated_codes(definition: dict[str, Any]) -> list[str]:
    """Codes that repeat in a list where each must name one thing (a tier, a need, a service,
    one of a need's outcomes or a service's elements)."""
    lists: list[tuple[str, list[dict[str, Any]]]] = [
        (key, definition.get(key, []))
        for key in ("activities", "tiers", "needs", "services", "risk_areas", "risk_levels")
    ]
    lists += [
        (f"need {need['code']!r}: outcomes", need["outcomes"])
        for need in definition.get("needs", [])
    ]
    lists += [
        (f"service {service['code']!r}: elements", service.get("elements", []))
        for service in definition.get("services", [])
    ]
    problems = []
    for name, items in lists:
        codes = [item["code"] for item in items]
        if len(set(codes)) != len(codes):
            problems.append(f"{name}: codes repeat")
    return problems


def read_definitions(directory: Path = DEFINITIONS_DIR) -> list[dict[str, Any]]:
    definitions = []
    for path in sorted(directory.glob("*.yaml")):
        definition = yaml.safe_load(path.read_text())
        validate_definition(definition, source=path.name)
        definitions.append(definition)
    return definitions


@transaction.atomic
def load_pathways(directory: Path = DEFINITIONS_DIR) -> list[Pathway]:
    """Create or update each pathway from its file (existing cases keep their states)."""
    return [
        Pathway.objects.update_or_create(
            code=definition["code"],
            defaults={
                "name": definition["name"],
                "reference_prefix": definition["reference_prefix"],
                "version": definition["version"],
                "definition": definition,
            },
        )[0]
        for definition in read_definitions(directory)
    ]
