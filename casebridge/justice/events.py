"""Criminal justice events: what partners' extracts, police-recorded offences and workers'
justice contacts say happened to a person, as the reoffending and first-time-entrant figures
count it. Which record becomes which kind of event is data (``definitions/events.yaml``),
checked on loading; this module applies it to plain values, so the snapshot can stream rows.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

import yaml
from django.core.exceptions import ValidationError
from django.utils import timezone

from casebridge.imports.formats import extract_formats

DEFINITIONS = Path(__file__).parent / "definitions" / "events.yaml"
SOURCES = ("partner_events", "incidents", "justice_contacts")
# What a rule may test or date an incident or a justice contact by (a partner event's columns
# are its import format's).
FIELDS = {
    "incidents": {"category", "domestic_abuse", "occurred_at", "outcome", "outcome_on"},
    "justice_contacts": {"stage", "outcome", "occurred_on", "offence_on"},
}
# The column that says how a proven offence or a contact was dealt with, in the order looked for.
DETAIL_COLUMNS = ("sentence", "disposal", "outcome")


@dataclass(frozen=True)
class EventKind:
    code: str
    label: str
    proven: bool = False
    index: bool = False


@dataclass(frozen=True)
class Rule:
    """A source record is an event of ``kind`` when every ``where`` column holds one of its
    codes; ``day`` and ``offence_on`` name the columns giving its days ("" for the default)."""

    kind: str
    day: str = ""
    offence_on: str = ""
    where: tuple[tuple[str, frozenset[str]], ...] = ()
    format: str = ""

    def matches(self, values: Mapping[str, object]) -> bool:
        return all(str(values.get(column) or "") in codes for column, codes in self.where)

    @property
    def columns(self) -> list[tuple[str, str]]:
        named = [("day", self.day), ("offence_on", self.offence_on)]
        return [(role, name) for role, name in named if name] + [
            ("where", column) for column, _ in self.where
        ]


@dataclass(frozen=True)
class EventDefinitions:
    kinds: dict[str, EventKind]
    rules: dict[str, tuple[Rule, ...]]  # by source


@dataclass(frozen=True)
class JusticeEvent:
    event_id: str
    person_id: UUID
    kind: str
    source: str
    detail: str
    offence_on: date | None
    occurred_on: date


def _codes(value: Any) -> frozenset[str]:
    return frozenset(str(code) for code in (value if isinstance(value, list) else [value]))


def _rule(raw: dict[Any, Any]) -> Rule:
    where = tuple((column, _codes(codes)) for column, codes in raw.get("where", {}).items())
    return Rule(
        kind=raw["kind"],
        day=raw.get("day", ""),
        offence_on=raw.get("offence_on", ""),
        where=where,
        format=raw.get("format", ""),
    )


def _partner_problems(rule: Rule) -> list[str]:
    extract = extract_formats().get(rule.format)
    if extract is None:
        return [f"{rule.kind}: no import format {rule.format!r}"]
    columns = {column.name: column for column in extract.columns}
    problems = [
        f"{rule.kind} ({rule.format}): {role} names no column {name!r}"
        for role, name in rule.columns
        if name not in columns
    ]
    for column, codes in rule.where:
        known = columns[column].code_values if column in columns else frozenset()
        if known and (unknown := codes - known):
            problems.append(
                f"{rule.kind} ({rule.format}): {column} has no code {', '.join(sorted(unknown))}"
            )
    return problems


def _problems(kinds: list[EventKind], rules: dict[str, tuple[Rule, ...]]) -> list[str]:
    codes = {kind.code for kind in kinds}
    problems = ["a kind is declared twice"] if len(codes) < len(kinds) else []
    for source, source_rules in rules.items():
        for rule in source_rules:
            if rule.kind not in codes:
                problems.append(f"{source}: no kind {rule.kind!r}")
            if source == "partner_events":
                problems += _partner_problems(rule)
            else:
                problems += [
                    f"{source}: {rule.kind}: {role} names no field {name!r}"
                    for role, name in rule.columns
                    if name not in FIELDS[source]
                ]
    return problems


def parse_definitions(definition: Any, *, source: str) -> EventDefinitions:
    try:
        kinds = [EventKind(**kind) for kind in definition["kinds"]]
        rules = {name: tuple(_rule(raw) for raw in definition.get(name, [])) for name in SOURCES}
    except (KeyError, TypeError) as error:
        raise ValidationError(f"{source}: not a list of kinds and rules ({error})") from error
    if problems := _problems(kinds, rules):
        raise ValidationError(f"{source}: {'; '.join(problems)}")
    return EventDefinitions({kind.code: kind for kind in kinds}, rules)


@cache
def event_definitions() -> EventDefinitions:
    return parse_definitions(yaml.safe_load(DEFINITIONS.read_text()), source=DEFINITIONS.name)


def _day(value: object) -> date | None:
    """The London calendar day of a date, a time or either written as ISO (partner details)."""
    if isinstance(value, str) and value:
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value if isinstance(value, date) else None


@dataclass(frozen=True)
class _Record:
    source: str  # the definitions' section
    pk: object
    person_id: UUID | None
    values: Mapping[str, object]
    on: date  # the record's own day, unless a rule names another column
    offence_on: date | None = None
    format: str = ""


def _events(record: _Record) -> Iterator[JusticeEvent]:
    if record.person_id is None:
        return
    values = record.values
    source = record.source.removesuffix("s")
    detail = next((str(values[c]) for c in DETAIL_COLUMNS if values.get(c)), "")
    for rule in event_definitions().rules[record.source]:
        if rule.format != record.format or not rule.matches(values):
            continue
        occurred_on = _day(values.get(rule.day)) if rule.day else record.on
        if occurred_on is None:  # dated by a column left blank: nothing to count it on yet
            continue
        yield JusticeEvent(
            event_id=f"{source}:{record.pk}:{rule.kind}",
            person_id=record.person_id,
            kind=rule.kind,
            source=source,
            detail=detail,
            offence_on=_day(values.get(rule.offence_on)) if rule.offence_on else record.offence_on,
            occurred_on=occurred_on,
        )


def partner_event_events(
    *, pk: int, kind: str, occurred_on: date, person_id: UUID | None, details: Mapping[str, object]
) -> Iterator[JusticeEvent]:
    """The justice events a partner event of import format ``kind`` is."""
    return _events(_Record("partner_events", pk, person_id, details, occurred_on, format=kind))


def incident_events(
    *,
    pk: UUID,
    suspect_id: UUID | None,
    category: str,
    domestic_abuse: bool,
    occurred_at: datetime,
    outcome: str,
    outcome_on: date | None,
) -> Iterator[JusticeEvent]:
    """The justice events of a police-recorded offence, for its suspect (none without one)."""
    values = {
        "category": category,
        "domestic_abuse": domestic_abuse,
        "occurred_at": occurred_at,
        "outcome": outcome,
        "outcome_on": outcome_on,
    }
    return _events(_Record("incidents", pk, suspect_id, values, timezone.localdate(occurred_at)))


def contact_events(
    *,
    pk: int,
    subject_id: UUID | None,
    stage: str,
    outcome: str,
    occurred_on: date,
    offence_on: date | None,
) -> Iterator[JusticeEvent]:
    """The justice events of a contact a worker recorded on a case, for the case's subject."""
    values = {
        "stage": stage,
        "outcome": outcome,
        "occurred_on": occurred_on,
        "offence_on": offence_on,
    }
    return _events(
        _Record("justice_contacts", pk, subject_id, values, occurred_on, offence_on=offence_on)
    )
