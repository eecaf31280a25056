import pytest
from django.core.exceptions import ValidationError

from casebridge.access.definitions import PERMISSIONS_FILE, load_permissions, read_permissions
from casebridge.access.models import PermissionRule
from casebridge.agencies.models import Role


def write(tmp_path, text):
    path = tmp_path / "permissions.yaml"
    path.write_text(text)
    return path


def test_shipped_permissions_are_valid():
    assert read_permissions(PERMISSIONS_FILE)["rules"]


def test_a_rule_for_an_undeclared_role_is_rejected(tmp_path):
    path = write(
        tmp_path,
        "roles: [{code: a, name: A}]\n"
        "rules: [{role: b, resource: case, action: view, scope: all}]\n",
    )
    with pytest.raises(ValidationError, match="role 'b' is not declared"):
        read_permissions(path)


def test_an_unknown_scope_is_rejected(tmp_path):
    path = write(
        tmp_path,
        "roles: [{code: a, name: A}]\n"
        "rules: [{role: a, resource: case, action: view, scope: everyone}]\n",
    )
    with pytest.raises(ValidationError, match="scope must be one of"):
        read_permissions(path)


@pytest.mark.django_db
def test_loading_replaces_the_rules_so_a_removed_grant_is_gone(tmp_path):
    path = write(
        tmp_path,
        "roles: [{code: auditor, name: Auditor, privileged: true}]\n"
        "rules: [{role: auditor, resource: audit, action: view, scope: all}]\n",
    )
    assert load_permissions(path) == 1
    assert PermissionRule.objects.count() == 1


def test_a_role_reaching_every_agencys_records_must_be_declared_privileged(tmp_path):
    path = write(
        tmp_path,
        "roles: [{code: a, name: A}]\n"
        "rules: [{role: a, resource: person, action: view, scope: all}]\n",
    )
    with pytest.raises(ValidationError, match="must be declared privileged"):
        read_permissions(path)


def test_a_rule_for_one_kind_of_agency_or_for_figures_does_not_make_a_role_privileged(tmp_path):
    path = write(
        tmp_path,
        "roles: [{code: a, name: A}]\n"
        "rules:\n"
        "  - {role: a, agency_kind: police, resource: case, action: view, scope: all}\n"
        "  - {role: a, resource: figures, action: view, scope: all}\n",
    )
    assert len(read_permissions(path)["rules"]) == 2


@pytest.mark.django_db
def test_the_shipped_privileged_roles_are_the_administrators_auditors_and_those_seeing_all():
    privileged = set(Role.objects.filter(privileged=True).values_list("code", flat=True))
    assert privileged == {"sysadmin", "auditor", "panel_coordinator", "vve_coordinator", "analyst"}
