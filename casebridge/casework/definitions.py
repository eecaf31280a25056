"""What a pathway's definition lets casework record: its tiers, need areas and services."""

from typing import Any

from casebridge.core.errors import ApplicationError
from casebridge.pathways.models import Pathway


def entries(pathway: Pathway, kind: str) -> list[dict[str, Any]]:
    """The pathway's ``tiers``, ``needs`` or ``services`` (none when it does not define them)."""
    return list(pathway.definition.get(kind, []))


def entry(pathway: Pathway, kind: str, code: str) -> dict[str, Any] | None:
    return next((e for e in entries(pathway, kind) if e["code"] == code), None)


def label(pathway: Pathway, kind: str, code: str) -> str:
    found = entry(pathway, kind, code)
    return str(found["label"]) if found else code


def option_label(options: list[dict[str, Any]], code: str) -> str:
    return next((str(o["label"]) for o in options if o["code"] == code), code)


def required_entry(pathway: Pathway, kind: str, code: str, *, field: str) -> dict[str, Any]:
    found = entry(pathway, kind, code)
    if found is None:
        noun = {"tiers": "tier", "needs": "need", "services": "service"}[kind]
        raise ApplicationError(f"Select a {noun} that {pathway.name} uses.", field=field)
    return found
