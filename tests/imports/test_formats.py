from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError

from casebridge.imports.documentation import formats_markdown
from casebridge.imports.formats import DEFINITIONS_DIR, extract_formats, parse_definition

DOCS = Path(__file__).resolve().parents[2] / "docs" / "data-formats.md"


def definition(**changes):
    raw = yaml.safe_load((DEFINITIONS_DIR / "police-custody.yaml").read_text())
    return raw | changes


def test_the_shipped_formats_all_load_and_each_has_an_example():
    formats = extract_formats()
    assert {"police-offences", "police-custody", "court-outcomes", "probation-events"} <= set(
        formats
    )
    assert all(extract.example_path().is_file() for extract in formats.values())


def test_the_documentation_is_written_from_the_definitions():
    assert DOCS.read_text() == formats_markdown(), (
        "docs/data-formats.md is out of date: run "
        "`casebridge data-formats --out docs/data-formats.md`"
    )


def test_a_definition_naming_a_column_it_lacks_is_refused():
    with pytest.raises(ValidationError, match="reference names no column 'custody_ref'"):
        parse_definition(definition(reference="custody_ref"), source="custody.yaml")


def test_a_coded_column_without_codes_is_refused():
    broken = definition()
    broken["columns"][2] = {"name": "offence_group", "type": "code", "description": "x"}
    with pytest.raises(ValidationError, match="codes go with type code"):
        parse_definition(broken, source="custody.yaml")


def test_an_unknown_column_type_is_refused_with_where():
    broken = definition()
    broken["columns"][0]["type"] = "string"
    with pytest.raises(ValidationError, match=r"custody.yaml: columns/0/type: 'string' is not"):
        parse_definition(broken, source="custody.yaml")


def test_an_event_about_two_people_is_refused():
    broken = definition()
    broken["subjects"] = broken["subjects"] * 2
    with pytest.raises(ValidationError, match="an event is about one person"):
        parse_definition(broken, source="custody.yaml")


def test_a_format_whose_when_column_may_be_blank_is_refused():
    broken = definition()
    broken["columns"][1]["required"] = False
    with pytest.raises(ValidationError, match="the occurred column must be required"):
        parse_definition(broken, source="custody.yaml")


def test_a_subjects_age_range_is_read_and_one_upside_down_is_refused():
    (pupil,) = extract_formats()["school-exclusions"].subjects
    assert (pupil.min_age, pupil.max_age) == (4, 19)
    broken = definition()
    broken["subjects"] = [broken["subjects"][0] | {"age": {"minimum": 18, "maximum": 10}}]
    with pytest.raises(ValidationError, match="the minimum is above the maximum"):
        parse_definition(broken, source="custody.yaml")
