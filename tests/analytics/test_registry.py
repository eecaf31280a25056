"""The indicator registry: definitions as data, checked before they are used."""

import copy

import pytest
import yaml
from django.core.exceptions import ValidationError

from casebridge.analytics.registry import INDICATORS_DIR, read_indicators, validate_file

SHIPPED = yaml.safe_load((INDICATORS_DIR / "domestic-abuse.yaml").read_text())


def with_first(**changes):
    definition = copy.deepcopy(SHIPPED)
    definition["indicators"][0] |= changes
    return definition


def test_the_shipped_indicators_are_valid_and_each_declared_once():
    ids = [indicator.id for indicator in read_indicators()]
    assert "marac-repeat-rate" in ids and len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"unit": "count"}, "a count has no denominator"),
        ({"per": None}, "per"),
        ({"numerator": {"table": "nowhere", "date": "day"}}, "no snapshot table 'nowhere'"),
        ({"numerator": {"table": "cases"}}, "numerator"),
        ({"unit": "average"}, "unit"),
    ],
)
def test_a_broken_definition_is_refused_saying_what_is_wrong(changes, message):
    definition = with_first(**changes)
    if changes.get("per", 0) is None:
        del definition["indicators"][0]["per"]
    with pytest.raises(ValidationError, match=message):
        validate_file(definition, source="test.yaml")
