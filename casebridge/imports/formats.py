"""The partner extract formats, declared as data (definitions/*.yaml) and checked on loading.

A format says which columns an extract has, of what type, which are required, which codes a
coded column takes, which column is the partner's reference (so a re-sent row is recognised),
which column says when it happened, and which columns describe the people in it. The reader,
the validator, the loaders and docs/data-formats.md all work from these definitions.
"""

from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError

from casebridge.core.schemas import Schema

DEFINITIONS_DIR = Path(__file__).parent / "definitions"
EXAMPLES_DIR = Path(__file__).parent / "examples"
SCHEMA = Schema(Path(__file__).parent / "schema.json")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    required: bool = False
    # May be left blank, but a row that does is loaded with a note saying what that means.
    recommended: bool = False
    required_with: str = ""
    only_with: str = ""
    # With only_with: given (for a boolean, Y) only when that column has this code.
    only_with_code: str = ""
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    past: bool = False
    not_before: str = ""
    codes: tuple[tuple[str, str], ...] = ()

    @cached_property
    def code_values(self) -> frozenset[str]:
        return frozenset(code for code, _ in self.codes)


@dataclass(frozen=True)
class Subject:
    """A person an extract row is about (a victim, a suspect, a patient), by their columns."""

    role: str
    given_name: str
    family_name: str
    date_of_birth: str
    sex: str
    postcode: str
    identifier_scheme: str = ""
    identifier_column: str = ""
    # The ages, in whole years on the day of the event, of everyone an extract of this kind
    # holds (a school's pupils, probation's adults): evidence of age on a row that lacks a date
    # of birth, which linkage reads (``selectors.person_ages``). None: no bound.
    min_age: int | None = None
    max_age: int | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns that describe this subject."""
        named = (self.given_name, self.family_name, self.date_of_birth, self.sex, self.postcode)
        return (*named, self.identifier_column) if self.identifier_column else named


@dataclass(frozen=True)
class ExtractFormat:
    kind: str
    title: str
    supplied_by: str
    description: str
    target: str
    reference: str
    occurred: str
    columns: tuple[Column, ...]
    subjects: tuple[Subject, ...]
    updatable: tuple[str, ...] = ()

    @cached_property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @cached_property
    def columns_by_name(self) -> dict[str, Column]:
        return {column.name: column for column in self.columns}

    @cached_property
    def ruled_columns(self) -> tuple[Column, ...]:
        """The columns with a rule beyond their type (required, given with or only with
        another, not before another): the only ones a row's rules look at."""
        return tuple(
            column
            for column in self.columns
            if column.required or column.required_with or column.only_with or column.not_before
        )

    @cached_property
    def personal_columns(self) -> frozenset[str]:
        """The columns that describe the people a row is about."""
        return frozenset(name for subject in self.subjects for name in subject.columns)

    @cached_property
    def subject_of(self) -> dict[str, Subject]:
        """The subject each personal column describes (the first, were two to share one)."""
        found: dict[str, Subject] = {}
        for subject in self.subjects:
            for name in subject.columns:
                found.setdefault(name, subject)
        return found

    @cached_property
    def recommended_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.recommended)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Columns the header must have: the required ones (the others may be left out)."""
        return tuple(column.name for column in self.columns if column.required)

    def example_path(self) -> Path:
        return EXAMPLES_DIR / f"{self.kind}.csv"


def _references(definition: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, column name) for every place a definition names one of its columns."""
    names = [("reference", definition["reference"]), ("occurred", definition["occurred"])]
    names += [("updatable", name) for name in definition.get("updatable", [])]
    for column in definition["columns"]:
        for key in ("required_with", "only_with", "not_before"):
            if key in column:
                names.append((f"{column['name']}.{key}", column[key]))
    for subject in definition.get("subjects", []):
        for key in ("given_name", "family_name", "date_of_birth", "sex", "postcode"):
            names.append((f"subjects.{subject['role']}.{key}", subject[key]))
        if "identifier" in subject:
            names.append(
                (f"subjects.{subject['role']}.identifier", subject["identifier"]["column"])
            )
    return names


def _problems(definition: dict[str, Any]) -> list[str]:
    columns = {column["name"]: column for column in definition["columns"]}
    problems = [
        f"{where} names no column {name!r}"
        for where, name in _references(definition)
        if name not in columns
    ]
    if len(columns) < len(definition["columns"]):
        problems.append("a column is declared twice")
    for column in definition["columns"]:
        if column.get("required") and column.get("recommended"):
            problems.append(f"{column['name']}: a column is required or recommended, not both")
        if (column["type"] == "code") != ("codes" in column):
            problems.append(f"{column['name']}: codes go with type code, and only with it")
        if "only_with_code" in column:
            other = columns.get(column.get("only_with", ""), {})
            if column["only_with_code"] not in other.get("codes", {}):
                problems.append(
                    f"{column['name']}: only_with_code must be a code of its only_with column"
                )
    if definition["target"] == "events" and len(definition.get("subjects", [])) > 1:
        problems.append("an event is about one person: give at most one subject")
    for subject in definition.get("subjects", []):
        age = subject.get("age", {})
        if age.get("minimum", 0) > age.get("maximum", age.get("minimum", 0)):
            problems.append(f"subjects.{subject['role']}.age: the minimum is above the maximum")
        if age and definition["target"] != "events":
            problems.append(f"subjects.{subject['role']}.age: only an event's subject has one")
    if {definition["reference"], definition["occurred"]} & set(definition.get("updatable", [])):
        problems.append("a row's reference and when it happened never change: not updatable")
    for role in ("reference", "occurred"):
        column = columns.get(definition[role], {})
        if column and not column.get("required"):
            problems.append(f"the {role} column must be required")
    return problems


def _column(raw: dict[str, Any]) -> Column:
    codes = tuple((str(code), label) for code, label in raw.pop("codes", {}).items())
    return Column(**raw, codes=codes)


def _subject(raw: dict[str, Any]) -> Subject:
    age = raw.pop("age", {})
    raw |= {"min_age": age.get("minimum"), "max_age": age.get("maximum")}
    identifier = raw.pop("identifier", None)
    if identifier:
        raw |= {
            "identifier_scheme": identifier["scheme"],
            "identifier_column": identifier["column"],
        }
    return Subject(**raw)


def parse_definition(definition: Any, *, source: str) -> ExtractFormat:
    SCHEMA.check(definition, source=source)
    if problems := _problems(definition):
        raise ValidationError(f"{source}: {'; '.join(problems)}")
    return ExtractFormat(
        **{
            key: definition[key]
            for key in definition
            if key not in ("columns", "subjects", "updatable")
        },
        columns=tuple(_column(dict(column)) for column in definition["columns"]),
        subjects=tuple(_subject(dict(subject)) for subject in definition.get("subjects", [])),
        updatable=tuple(definition.get("updatable", [])),
    )


@cache
def extract_formats() -> dict[str, ExtractFormat]:
    """Every format, by kind, in the order of their titles."""
    formats = [
        parse_definition(yaml.safe_load(path.read_text()), source=path.name)
        for path in sorted(DEFINITIONS_DIR.glob("*.yaml"))
    ]
    return {f.kind: f for f in sorted(formats, key=lambda f: f.title)}


def extract_format(kind: str) -> ExtractFormat:
    try:
        return extract_formats()[kind]
    except KeyError:
        known = ", ".join(extract_formats())
        raise ValidationError(f"No extract format {kind!r}; the formats are: {known}.") from None
