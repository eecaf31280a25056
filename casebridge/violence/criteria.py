"""The SIRM rule engine: a pathway's ``incident_rule`` checked against one recorded incident.

Which facts the rule requires, and how they combine, is data (sirm.yaml); what each fact means
is code, here, because it reads the incident's fields.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from casebridge.core.dates import age_on
from casebridge.incidents.models import Incident
from casebridge.people.models import Person


@dataclass(frozen=True)
class ConditionMet:
    """One condition of the rule that held, and what in the record shows it."""

    label: str
    evidence: str


@dataclass(frozen=True)
class RuleResult:
    met: bool
    conditions: tuple[ConditionMet, ...]

    def as_json(self) -> list[dict[str, str]]:
        """The conditions as a proposal keeps them (``SirmProposal.criteria``)."""
        return [{"label": c.label, "evidence": c.evidence} for c in self.conditions]


Fact = Callable[[Incident], str | None]


def _household(role: str) -> Fact:
    def fact(incident: Incident) -> str | None:
        if not getattr(incident, f"child_in_{role}_household"):
            return None
        return f"A child lives in the {role}'s household"

    return fact


# Each fact gives its evidence when it holds, None when it does not.
FACTS: dict[str, Fact] = {
    "weapon_used": lambda i: i.get_weapon_display() if i.weapon else None,
    "firearm_discharged": lambda i: "Firearm discharged" if i.firearm_discharged else None,
    "kidnapping": lambda i: "Kidnapping" if i.kidnapping else None,
    "serious_assault": lambda i: i.get_injury_display() if i.serious_assault else None,
    "gang_related": lambda i: (
        "Recorded as potentially linked to gangs or exploitation" if i.gang_related else None
    ),
    "child_in_victim_household": _household("victim"),
    "child_in_suspect_household": _household("suspect"),
}

# The incident's fields each fact reads (a test holds each fact to them), so that a sift can
# judge once the incidents that are alike in every field a rule reads.
FACT_FIELDS: dict[str, tuple[str, ...]] = {
    "weapon_used": ("weapon",),
    "firearm_discharged": ("firearm_discharged",),
    "kidnapping": ("kidnapping",),
    "serious_assault": ("injury",),
    "gang_related": ("gang_related",),
    "child_in_victim_household": ("child_in_victim_household",),
    "child_in_suspect_household": ("child_in_suspect_household",),
}


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _under_age(incident: Incident, rule: dict[str, Any]) -> list[str]:
    day = timezone.localdate(incident.occurred_at)
    found = []
    for role in rule["roles"]:
        person: Person | None = getattr(incident, role)
        age = age_on(person.date_of_birth, day) if person is not None else None
        # An unknown date of birth proves nothing either way, so it does not meet the rule.
        if person is None or age is None:
            continue
        care_limit = rule.get("care_experienced_years")
        if person.care_experienced and care_limit is not None:
            if age < care_limit:
                found.append(f"{role.capitalize()} aged {age} on {_day(day)}, care-experienced")
        elif age < rule["years"]:
            found.append(f"{role.capitalize()} aged {age} on {_day(day)}")
    return found


def _label(condition: dict[str, Any], default: str) -> str:
    return str(condition.get("label", default))


def _evaluate(incident: Incident, condition: dict[str, Any]) -> tuple[bool, list[ConditionMet]]:
    if "all" in condition:
        results = [_evaluate(incident, part) for part in condition["all"]]
        held = all(ok for ok, _ in results)
        return held, [met for ok, found in results if ok for met in found]
    if "any" in condition:
        results = [_evaluate(incident, part) for part in condition["any"]]
        return any(ok for ok, _ in results), [met for ok, found in results if ok for met in found]
    if "fact" in condition:
        evidence = FACTS[condition["fact"]](incident)
        if evidence is None:
            return False, []
        return True, [ConditionMet(_label(condition, condition["fact"]), evidence)]
    found = _under_age(incident, condition["under_age"])
    label = _label(condition, f"Under {condition['under_age']['years']}")
    return bool(found), [ConditionMet(label, evidence) for evidence in found]


def incident_rule_met(*, incident: Incident, rule: dict[str, Any]) -> RuleResult:
    """Check one incident against a pathway's ``incident_rule`` (its ``when`` condition).

    Returns:
        Whether the rule is met, and every condition that held with its evidence (also when
        the rule as a whole is not met, so a reader can see what was missing).
    """
    met, conditions = _evaluate(incident, rule["when"])
    return RuleResult(met=met, conditions=tuple(conditions))


def incident_rule_may_be_met(*, incident: Incident, rule: dict[str, Any]) -> bool:
    """Whether the rule could be met, whoever the incident's people are: an age condition is
    counted as met when the incident names anyone it asks about. A rule has no negation (all,
    any, facts, ages), so an incident for which this is False does not meet the rule; it reads
    only the incident's own fields, so many are sifted without loading their people."""
    return _may_hold(incident, rule["when"])


def _may_hold(incident: Incident, condition: dict[str, Any]) -> bool:
    if "all" in condition:
        return all(_may_hold(incident, part) for part in condition["all"])
    if "any" in condition:
        return any(_may_hold(incident, part) for part in condition["any"])
    if "fact" in condition:
        return FACTS[condition["fact"]](incident) is not None
    return any(getattr(incident, f"{role}_id") for role in condition["under_age"]["roles"])


def facts_named(condition: dict[str, Any]) -> set[str]:
    """Every fact a condition names, at any depth (for the start-up check)."""
    if "fact" in condition:
        return {condition["fact"]}
    parts = condition.get("all", []) + condition.get("any", [])
    return {fact for part in parts for fact in facts_named(part)}


def sift_reads(condition: dict[str, Any]) -> tuple[list[str], list[str]]:
    """What ``incident_rule_may_be_met`` reads of an incident for ``condition``: the fields of
    its facts, and the people's id fields (read only as given or not)."""
    fields = {field for fact in facts_named(condition) for field in FACT_FIELDS[fact]}
    return sorted(fields), sorted(f"{role}_id" for role in _roles_named(condition))


def _roles_named(condition: dict[str, Any]) -> set[str]:
    if "under_age" in condition:
        return set(condition["under_age"]["roles"])
    parts = condition.get("all", []) + condition.get("any", [])
    return {role for part in parts for role in _roles_named(part)}
