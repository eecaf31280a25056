"""An attacker of the public board report, and the judge who knows the truth.

``attack`` runs every attack on what a reader of the public edition has (see ``reading``);
``judge`` then compares each claim with the true counts, computed from the engine, which the
attacker never sees: a claim that is right about a suppressed value is a recovery.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from casebridge.analytics.engine import Engine
from casebridge.analytics.periods import parse_period
from casebridge.analytics.presentation import category_label
from tests.reports.attacker.attacks import (
    Claim,
    Pattern,
    completions,
    differencing,
    programme,
    zero_or_all,
)
from tests.reports.attacker.reading import Expr, RatioFact, Reading, Rules, Var, read_report

SMALL_GROUP = 10  # a 0% or 100% of fewer people than this says something of each of them


@dataclass
class Outcome:
    reading: Reading
    claims: list[Claim] = field(default_factory=list)
    zero_or_all: list[RatioFact] = field(default_factory=list)


def attack(
    report: Any,
    rules: Rules,
    *,
    population: Any,
    pattern: Pattern | None = None,
    exhaustive: bool = True,
) -> Outcome:
    """Every attack on the report; ``exhaustive``: the integer programme too (slower)."""
    reading = read_report(report, rules, population)
    outcome = Outcome(reading)
    outcome.claims += differencing(reading)
    outcome.claims += completions(reading, rules, pattern=pattern)
    if exhaustive:
        outcome.claims += programme(reading, rules)
        outcome.zero_or_all = zero_or_all(reading, rules, group=SMALL_GROUP)
    return outcome


class Truth:
    """The true value of what the attacker names, from the engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.cache: dict[tuple[str, str, str], dict[str, int]] = {}

    def var(self, var: Var) -> int:
        measure_key, label, by, category = var
        key = (measure_key, label, by)
        if key not in self.cache:
            measure, period = json.loads(measure_key), parse_period(label)
            if by:
                grouped = self.engine.grouped(measure, period, by)
                self.cache[key] = {
                    category_label(by, code): int(value) for code, (value, _) in grouped.items()
                }
            else:
                (measured,) = self.engine.across(measure, [period])
                self.cache[key] = {"": int(measured.value)}
        return self.cache[key].get(category, 0)

    def __call__(self, expression: Expr) -> int:
        return sum(coef * self.var(var) for var, coef in expression)


@dataclass
class Verdict:
    recovered: list[Claim]
    wrong: list[Claim]  # claims the truth contradicts: the attacker misread the structure
    violated: list[str]  # printed facts the truth contradicts


def judge(outcome: Outcome, truth: Truth) -> Verdict:
    recovered, wrong = [], []
    for claim in outcome.claims:
        (recovered if truth(claim.expr) == claim.value else wrong).append(claim)
    violated = [
        fact.where for fact in outcome.reading.facts if not fact.lo <= truth(fact.expr) <= fact.hi
    ]
    return Verdict(recovered, wrong, violated)
