"""The indicator registry: every figure declared once, as data (indicators/*.yaml)."""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError

from casebridge.analytics.periods import (
    FINANCIAL_YEAR_START,
    FOLLOW_UP_MONTHS,
    QUARTERS,
    WAITING_MONTHS,
    Basis,
)
from casebridge.analytics.tables import DERIVED_TABLES, TABLES
from casebridge.core.schemas import Schema

INDICATORS_DIR = Path(__file__).parent / "indicators"
SCHEMA = Schema(Path(__file__).parent / "schema.json")
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
    # Rows as at a day or over a span (open cases at the quarter's end): the same row is in
    # each quarter's figure, so quarters' figures are never added up.
    stock: bool = False
    # The periods it is reported for, on the dashboard and in the board report alike.
    basis: Basis = field(default_factory=Basis)

    @property
    def population(self) -> dict[str, Any] | None:
        """The population a rate divides by (its ``population`` measure), or None."""
        for measure in (self.numerator, self.denominator or {}):
            if "population" in measure:
                return dict(measure["population"])
        return None

    @property
    def mid_year_estimate(self) -> str | None:
        """Which year's mid-year estimate the population is taken from, for a period."""
        population = self.population
        if population is None:
            return None
        return str(population.get("mid_year_estimate", FINANCIAL_YEAR_START))


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
    if bool(indicator.get("stock")) != _counts_a_stock(indicator["numerator"]):
        problems.append(
            "stock: true is said of a figure of rows as at a day or over a span (as_at, "
            "overlaps), and only of one"
        )
    for part in ("numerator", "denominator"):
        measure = indicator.get(part, {})
        if "sum" in measure and "distinct" in measure:
            problems.append(f"{part}: a measure sums a column or counts distinct values, not both")
        for table in _tables(measure):
            if table not in KNOWN_TABLES:
                problems.append(f"{part}: no snapshot table {table!r}")
        if indicator.get("breakdowns") and any(kind in measure for kind in PERSON_MEASURES):
            problems.append(f"{part}: a measure of people is not broken down")
        if (months := _follow_up_months(measure)) > 3 * _lag(indicator):
            problems.append(
                f"{part}: its follow-up of {months} months ends after the quarter it would be "
                f"reported for; reporting: lag_quarters must be at least {-(-months // 3)}"
            )
    return problems


def _counts_a_stock(measure: dict[str, Any]) -> bool:
    return "as_at" in measure or "overlaps" in measure


def _lag(indicator: dict[str, Any]) -> int:
    return int(indicator.get("reporting", {}).get("lag_quarters", 0))


def _follow_up_months(measure: dict[str, Any]) -> int:
    """How long after its period a measure's figure waits to be known (0: known at once), so
    that the latest period shown for a quarter is always one whose follow-up has ended."""
    if "reoffending" in measure:
        spec = measure["reoffending"]
        return int(
            spec.get("follow_up_months", FOLLOW_UP_MONTHS)
            + spec.get("waiting_months", WAITING_MONTHS)
        )
    if measure.get("around", {}).get("side") == "after":
        return int(measure["around"]["months"])
    return 0


def _with_defaults(measure: dict[str, Any]) -> dict[str, Any]:
    """The measure as computed: a population says which year's estimate it takes."""
    if "population" not in measure:
        return measure
    population = {"mid_year_estimate": FINANCIAL_YEAR_START, **measure["population"]}
    return {**measure, "population": population}


def validate_file(definition: Any, *, source: str) -> None:
    SCHEMA.check(definition, source=source)
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
                numerator=_with_defaults(item["numerator"]),
                denominator=_with_defaults(item["denominator"]) if "denominator" in item else None,
                per=item.get("per"),
                breakdowns=tuple(item.get("breakdowns", ())),
                stock=bool(item.get("stock")),
                basis=Basis(
                    periods=item.get("reporting", {}).get("periods", QUARTERS),
                    lag_quarters=_lag(item),
                ),
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
