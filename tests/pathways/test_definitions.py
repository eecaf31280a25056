import pytest
import yaml
from django.core.exceptions import ValidationError

from casebridge.pathways.definitions import DEFINITIONS_DIR, read_definitions, validate_definition


def shipped_marac():
    return yaml.safe_load((DEFINITIONS_DIR / "da-marac.yaml").read_text())


def test_shipped_definitions_are_valid():
    assert "da-marac" in [d["code"] for d in read_definitions()]


def test_a_transition_to_an_unknown_state_is_rejected_with_its_name():
    definition = shipped_marac()
    definition["transitions"][0]["to"] = "limbo"
    with pytest.raises(ValidationError, match="transition 'accept': to is not a state"):
        validate_definition(definition, source="da-marac.yaml")


def test_a_missing_field_is_rejected_with_where_it_is():
    definition = shipped_marac()
    del definition["transitions"][1]["roles"]
    with pytest.raises(ValidationError, match="transitions/1: 'roles' is a required property"):
        validate_definition(definition, source="da-marac.yaml")


def test_an_unknown_initial_state_is_rejected():
    definition = shipped_marac() | {"initial_state": "nowhere"}
    with pytest.raises(ValidationError, match="initial_state 'nowhere' is not a state"):
        validate_definition(definition, source="da-marac.yaml")


def test_a_transition_listing_an_outcome_twice_is_refused():
    definition = yaml.safe_load((DEFINITIONS_DIR / "sanctuary.yaml").read_text())
    withdraw = next(t for t in definition["transitions"] if t.get("outcomes"))
    withdraw["outcomes"].append(dict(withdraw["outcomes"][0]))
    with pytest.raises(ValidationError, match="outcome codes repeat"):
        validate_definition(definition, source="test")


def test_a_transition_naming_a_role_nobody_holds_stops_start_up():
    from casebridge.access.definitions import read_permissions
    from casebridge.pathways.checks import _transition_roles_exist
    from casebridge.pathways.definitions import read_definitions

    definitions = read_definitions()
    assert _transition_roles_exist(definitions, read_permissions()) == []
    sirm = next(d for d in definitions if d["code"] == "sirm")
    sirm["transitions"][0]["roles"] = ["sirm_chair"]
    (error,) = _transition_roles_exist([sirm], read_permissions())
    assert error.id == "casebridge.E003" and "'sirm_chair'" in error.msg


def shipped_sirm():
    return yaml.safe_load((DEFINITIONS_DIR / "sirm.yaml").read_text())


def test_risk_areas_without_levels_to_rate_them_at_are_refused():
    definition = shipped_sirm()
    del definition["risk_levels"]
    with pytest.raises(ValidationError, match="risk_areas need risk_levels"):
        validate_definition(definition, source="sirm.yaml")


def test_a_risk_area_listed_twice_is_refused():
    definition = shipped_sirm()
    definition["risk_areas"].append(dict(definition["risk_areas"][0]))
    with pytest.raises(ValidationError, match="risk_areas: codes repeat"):
        validate_definition(definition, source="sirm.yaml")
