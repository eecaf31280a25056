"""Loading the permission rules from their YAML file."""

from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction

from casebridge.access.models import PermissionRule
from casebridge.agencies.models import Agency, Role

PERMISSIONS_FILE = Path(__file__).parent / "definitions" / "permissions.yaml"
RULE_KEYS = {"role", "agency_kind", "resource", "action", "pathway", "scope"}
# Resources that never hold a person's record: counts, occupancy figures, plans. Every other
# resource is a record about people (or the audit of who saw them), so a new one counts by default.
IMPERSONAL_RESOURCES = {
    PermissionRule.Resource.REFUGE,
    PermissionRule.Resource.TRAINING,
    PermissionRule.Resource.FIGURES,
    PermissionRule.Resource.RESTRICTED_FIGURES,
    PermissionRule.Resource.ACTION_PLAN,
}


def reaches_every_agency(rule: dict[str, Any]) -> bool:
    """Whether the rule opens records about people held by any agency, to anyone with the role.

    A rule limited to one kind of agency follows the agency its holder works for, which is an
    administrator's audited decision about another person, so it does not make the role privileged.
    """
    return (
        rule.get("scope") == PermissionRule.Scope.ALL
        and not rule.get("agency_kind")
        and rule.get("resource") not in IMPERSONAL_RESOURCES
    )


def read_permissions(path: Path = PERMISSIONS_FILE) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    errors = []
    privileged = {role["code"]: role.get("privileged", False) for role in data.get("roles", [])}
    role_codes = set(privileged)
    for code, flag in privileged.items():
        if not isinstance(flag, bool):
            errors.append(f"role {code!r}: privileged must be true or false")
    for number, rule in enumerate(data.get("rules", []), start=1):
        unknown = set(rule) - RULE_KEYS
        if unknown:
            errors.append(f"rule {number}: unknown keys {sorted(unknown)}")
        if rule.get("role") not in role_codes:
            errors.append(f"rule {number}: role {rule.get('role')!r} is not declared")
        for key, choices in (
            ("resource", PermissionRule.Resource.values),
            ("action", PermissionRule.Action.values),
            ("scope", PermissionRule.Scope.values),
        ):
            if rule.get(key) not in choices:
                errors.append(f"rule {number}: {key} must be one of {choices}")
        if rule.get("agency_kind", "") not in ["", *Agency.Kind.values]:
            errors.append(f"rule {number}: agency_kind must be one of {Agency.Kind.values}")
        if reaches_every_agency(rule) and privileged.get(rule.get("role")) is False:
            errors.append(
                f"rule {number}: role {rule['role']!r} reaches every agency's {rule['resource']} "
                "records, so it must be declared privileged: true"
            )
    if errors:
        raise ValidationError(f"{path.name}: " + "; ".join(errors))
    return data


@transaction.atomic
def load_permissions(path: Path = PERMISSIONS_FILE) -> int:
    """Replace the roles' rules with those in the file. Returns the number of rules."""
    data = read_permissions(path)
    roles = {}
    for role in data["roles"]:
        roles[role["code"]], _ = Role.objects.update_or_create(
            code=role["code"],
            defaults={
                "name": role["name"],
                "description": role.get("description", ""),
                "privileged": role.get("privileged", False),
            },
        )
    pathways = apps.get_model("pathways", "Pathway")._default_manager
    PermissionRule.objects.all().delete()
    for number, rule in enumerate(data["rules"], start=1):
        pathway = None
        if rule.get("pathway"):
            pathway = pathways.filter(code=rule["pathway"]).first()
            if pathway is None:
                raise ValidationError(f"rule {number}: pathway {rule['pathway']!r} is not loaded")
        PermissionRule.objects.create(
            role=roles[rule["role"]],
            agency_kind=rule.get("agency_kind", ""),
            resource=rule["resource"],
            action=rule["action"],
            pathway=pathway,
            scope=rule["scope"],
        )
    return len(data["rules"])
