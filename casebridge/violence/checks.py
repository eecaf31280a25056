from typing import Any

from django.core import checks
from django.core.exceptions import ValidationError


@checks.register()
def incident_rule_facts_known(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """A rule naming a fact the engine cannot read would fail on the first incident recorded,
    and with it the incident (or the whole import): refuse to start instead."""
    from casebridge.pathways.definitions import read_definitions
    from casebridge.violence.criteria import FACTS, facts_named

    try:
        definitions = read_definitions()
    except ValidationError:
        return []  # casebridge.E001 reports it
    return [
        checks.Error(
            f"{definition['code']}: incident_rule names unknown fact {fact!r}",
            hint=f"Known facts: {', '.join(sorted(FACTS))}.",
            id="casebridge.E040",
        )
        for definition in definitions
        if "incident_rule" in definition
        for fact in sorted(facts_named(definition["incident_rule"]["when"]) - set(FACTS))
    ]
