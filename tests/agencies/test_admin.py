"""What the admin site may change of the organisation and of the definitions, and its audit."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

import casebridge.config.urls  # noqa: F401  (installs the OTP admin site, as a request would)
from casebridge.access.models import PermissionRule
from casebridge.accounts.services import administrator_permissions
from casebridge.agencies.models import Agency, Role, Team
from casebridge.assessments.models import Instrument
from casebridge.audit.models import AuditEvent
from casebridge.audit.verification import verify_chain
from casebridge.pathways.models import Pathway
from tests.factories import AgencyFactory, TeamFactory, UserFactory, role

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin():
    user = UserFactory(role=role("sysadmin"), is_staff=True)
    user.user_permissions.set(administrator_permissions())
    return user


@pytest.fixture
def admin_client(sysadmin, signed_in_client):
    return signed_in_client(sysadmin)


@pytest.fixture
def superuser_client(signed_in_client):
    return signed_in_client(UserFactory(role=None, is_staff=True, is_superuser=True))


def url(model: type, view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", [PermissionRule, Role, Pathway, Instrument])
def test_definitions_are_shown_but_not_changed_even_by_a_superuser(model, superuser_client):
    obj = model.objects.first()
    assert superuser_client.get(url(model, "change", obj.pk)).status_code == 200

    assert superuser_client.post(url(model, "change", obj.pk), {}).status_code == 403
    assert superuser_client.post(url(model, "add"), {}).status_code == 403
    assert superuser_client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_a_permission_rule_cannot_be_widened_from_the_web(superuser_client):
    rule = PermissionRule.objects.filter(scope=PermissionRule.Scope.AGENCY).first()

    superuser_client.post(
        url(PermissionRule, "change", rule.pk),
        {
            "role": rule.role_id,
            "agency_kind": rule.agency_kind,
            "resource": rule.resource,
            "action": rule.action,
            "scope": PermissionRule.Scope.ALL,
        },
    )

    rule.refresh_from_db()
    assert rule.scope == PermissionRule.Scope.AGENCY


def test_second_factors_and_groups_are_not_in_the_admin_site():
    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(Group)


def test_an_agencys_kind_and_code_stay_as_added_and_a_new_name_is_audited(sysadmin, admin_client):
    agency = AgencyFactory(name="Barnet Refuge", kind=Agency.Kind.CHARITY)
    code = agency.code

    response = admin_client.post(
        url(Agency, "change", agency.pk),
        {"name": "Barnet Refuges", "code": "police-now", "kind": Agency.Kind.POLICE},
    )

    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.name, agency.code, agency.kind) == ("Barnet Refuges", code, "charity")
    entry = AuditEvent.objects.latest("sequence")
    assert (entry.actor, entry.action, entry.object_type) == (sysadmin, "change", "agency")
    assert entry.changes == {"name": ["Barnet Refuge", "Barnet Refuges"]}
    assert verify_chain().intact


def test_adding_an_agency_is_audited(admin_client):
    response = admin_client.post(
        url(Agency, "add"), {"name": "Barnet Mind", "code": "barnet-mind", "kind": "charity"}
    )

    assert response.status_code == 302
    entry = AuditEvent.objects.latest("sequence")
    assert entry.action == "create"
    assert entry.object_id == str(Agency.objects.get(code="barnet-mind").pk)
    assert entry.changes["kind"] == [None, "charity"]


def test_a_team_stays_in_its_agency(admin_client):
    team = TeamFactory(name="Harbour")

    admin_client.post(
        url(Team, "change", team.pk), {"name": "Harbour", "agency": AgencyFactory().pk}
    )

    assert Team.objects.get(pk=team.pk).agency == team.agency


def test_deleting_a_team_is_audited_in_its_transaction(admin_client):
    team = TeamFactory(name="Old duty desk")

    response = admin_client.post(url(Team, "delete", team.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Team.objects.filter(pk=team.pk).exists()
    entry = AuditEvent.objects.latest("sequence")
    assert (entry.action, entry.object_type, entry.object_id) == ("delete", "team", str(team.pk))
    assert entry.changes["name"] == ["Old duty desk", None]


def test_deleting_teams_together_audits_each(admin_client):
    teams = TeamFactory.create_batch(2)

    response = admin_client.post(
        url(Team, "changelist"),
        {"action": "delete_selected", "_selected_action": [t.pk for t in teams], "post": "yes"},
    )

    assert response.status_code == 302
    deleted = AuditEvent.objects.filter(action="delete", object_type="team")
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted(str(t.pk) for t in teams)
