"""The indicator registry: every figure declared once, as data (indicators/*.yaml)."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.core.exceptions import ValidationError

from casebridge.analytics.tables import DERIVED_TABLES, TABLES

INDICATORS_DIR = Path(__file__).parent / "indicators"
SCHEMA = json.loads((Path(__file__).parent / "schema.json").read_text())
KNOWN_TABLES = {*TABLES, *DERIVED_TABLES}


@dataclass(frozen=True)
class Indicator:
    id: str
    section: str
    title: str
    definition: str
    unit: str
    numerator: dict[str, Any]
    denominator: dict[str, Any] | None
    per: int | None
    breakdowns: tuple[str, ...]


# The tables a measure reads besides its own: the people filter's, and the fixed ones a
# reoffending or around measure counts over.
FIXED_TABLES = {"reoffending": ("justice_events",), "around": ("case_states", "justice_events")}
PERSON_MEASURES = tuple(FIXED_TABLES)


def _tables(measure: dict[str, Any]) -> list[str]:
    tables = [measure["table"]] if "table" in measure else []
    if "people" in measure:
        tables.append(measure["people"]["table"])
    for kind, fixed in FIXED_TABLES.items():
        if kind in measure:
            tables += fixed
    return tables


def _problems(indicator: dict[str, Any]) -> list[str]:
    problems = []
    if indicator["unit"] == "count" and "denominator" in indicator:
        problems.append("a count has no denominator")
    if indicator["unit"] in ("percent", "rate", "ratio") and "denominator" not in indicator:
        problems.append(f"a {indicator['unit']} needs a denominator")
    if indicator["unit"] == "rate" and "per" not in indicator:
        problems.append("a rate says what it is per (per: 1000)")
    for part in ("numerator", "denominator"):
        measure = indicator.get(part, {})
        if "sum" in measure and "distinct" in measure:
            problems.append(f"{part}: a measure sums a column or counts distinct values, not both")
        for table in _tables(measure):
            if table not in KNOWN_TABLES:
                problems.append(f"{part}: no snapshot table {table!r}")
        if indicator.get("breakdowns") and any(kind in measure for kind in PERSON_MEASURES):
            problems.append(f"{part}: a measure of people is not broken down")
    return problems


def validate_file(definition: Any, *, source: str) -> None:
    try:
        jsonschema.validate(definition, SCHEMA)
    except jsonschema.ValidationError as error:
        path = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise ValidationError(f"{source}: {path}: {error.message}") from error
    for indicator in definition["indicators"]:
        if problems := _problems(indicator):
            raise ValidationError(f"{source}: {indicator['id']}: {'; '.join(problems)}")


def read_indicators(directory: Path = INDICATORS_DIR) -> list[Indicator]:
    indicators: list[Indicator] = []
    for path in sorted(directory.glob("*.yaml")):
        definition = yaml.safe_load(path.read_text(encoding="utf-8"))
        validate_file(definition, source=path.name)
        indicators += [
            Indicator(
                id=item["id"],
                section=definition["section"],
                title=item["title"],
                definition=" ".join(item["definition"].split()),
                unit=item["unit"],
                numerator=item["numerator"],
                denominator=item.get("denominator"),
                per=item.get("per"),
                breakdowns=tuple(item.get("breakdowns", ())),
            )
            for item in definition["indicators"]
        ]
    ids = [indicator.id for indicator in indicators]
    if repeated := sorted({i for i in ids if ids.count(i) > 1}):
        raise ValidationError(f"indicator ids repeat: {', '.join(repeated)}")
    return indicators


@cache
def registry() -> dict[str, Indicator]:
    return {indicator.id: indicator for indicator in read_indicators()}
