"""The admin site's account pages, driven as a signed-in, second-factor-verified administrator."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

import casebridge.config.urls  # noqa: F401  (installs the OTP admin site, as a request would)
from casebridge.accounts.models import User
from casebridge.accounts.services import administrator_permissions
from casebridge.audit.models import AuditEvent
from casebridge.audit.services import UNRECORDED
from casebridge.audit.verification import verify_chain
from tests.factories import AgencyFactory, TeamFactory, UserFactory, role

pytestmark = pytest.mark.django_db

REASON = "Moved to the Barnet MARAC team from 1 March"


@pytest.fixture
def sysadmin():
    user = UserFactory(role=role("sysadmin"), is_staff=True)
    user.user_permissions.set(administrator_permissions())
    return user


@pytest.fixture
def admin_client(sysadmin, signed_in_client):
    return signed_in_client(sysadmin)


def change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def form_data(user: User, **overrides: object) -> dict[str, object]:
    """What the change form posts for the account as it is, with ``overrides`` applied."""
    data: dict[str, object] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "agency": user.agency_id,
        "team": user.team_id,
        "roles": sorted(user.role_ids),
        "is_active": "on" if user.is_active else None,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "reason": "",
        **overrides,
    }
    return {name: value for name, value in data.items() if value is not None}


def last_entry_about(user: User) -> AuditEvent:
    return AuditEvent.objects.filter(object_type="user", object_id=str(user.pk)).latest("sequence")


def test_an_administrator_cannot_change_their_own_role_agency_or_team(sysadmin, admin_client):
    other_agency = AgencyFactory()
    other_team = TeamFactory(agency=other_agency)
    before = (sysadmin.role_ids, sysadmin.agency_id, sysadmin.team_id)
    page = admin_client.get(change_url(sysadmin)).content.decode()
    assert 'name="roles"' not in page and 'name="agency"' not in page

    admin_client.post(
        change_url(sysadmin),
        form_data(
            sysadmin,
            roles=[role("panel_coordinator").pk],
            agency=other_agency.pk,
            team=other_team.pk,
            reason=REASON,
        ),
    )

    sysadmin.refresh_from_db()
    assert (sysadmin.role_ids, sysadmin.agency_id, sysadmin.team_id) == before


def test_nobody_is_made_staff_or_superuser_from_the_web(sysadmin, admin_client):
    colleague = UserFactory()
    page = admin_client.get(change_url(colleague)).content.decode()
    for field in ("is_superuser", "is_staff", "groups", "user_permissions"):
        assert f'name="{field}"' not in page

    forged = {
        "is_superuser": "on",
        "is_staff": "on",
        "user_permissions": [p.pk for p in Permission.objects.all()[:5]],
    }
    for user in (sysadmin, colleague):
        response = admin_client.post(change_url(user), form_data(user, **forged))
        assert response.status_code == 302

    for user in (sysadmin, colleague):
        user.refresh_from_db()
        assert not user.is_superuser
        assert user.is_staff == (user == sysadmin)
    assert not colleague.user_permissions.exists()


def test_a_privileged_role_is_not_offered_and_a_forged_grant_is_refused(admin_client):
    colleague = UserFactory()
    form = admin_client.get(change_url(colleague)).context["adminform"].form
    offered = set(form.fields["roles"].queryset.values_list("code", flat=True))
    assert "practitioner" in offered
    assert not offered & {"auditor", "sysadmin", "panel_coordinator", "vve_coordinator", "analyst"}

    response = admin_client.post(
        change_url(colleague),
        form_data(colleague, roles=[role("practitioner").pk, role("auditor").pk], reason=REASON),
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.role_codes == {"practitioner"}


def test_an_account_is_not_created_with_a_privileged_role(admin_client):
    agency = AgencyFactory()
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "new.auditor",
            "usable_password": "true",
            "password1": "a long and unguessable passphrase",
            "password2": "a long and unguessable passphrase",
            "agency": agency.pk,
            "team": TeamFactory(agency=agency).pk,
            "roles": [role("auditor").pk],
            "reason": REASON,
        },
    )

    assert response.status_code == 200
    assert not User.objects.filter(username="new.auditor").exists()


def test_moving_a_colleague_to_another_team_is_in_the_audit_chain(sysadmin, admin_client):
    colleague = UserFactory()
    old_team = colleague.team
    new_team = TeamFactory(agency=colleague.agency)

    response = admin_client.post(
        change_url(colleague), form_data(colleague, team=new_team.pk, reason=REASON)
    )

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.team == new_team
    entry = last_entry_about(colleague)
    assert entry.actor == sysadmin
    assert entry.action == "change"
    assert entry.changes == {"team": [str(old_team), str(new_team)]}
    assert entry.reason == REASON
    assert verify_chain().intact


def test_an_access_change_needs_a_reason(admin_client):
    colleague = UserFactory()
    new_team = TeamFactory(agency=colleague.agency)

    response = admin_client.post(change_url(colleague), form_data(colleague, team=new_team.pk))

    assert response.status_code == 200
    assert "Say why the account" in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.team != new_team


def test_a_team_of_another_agency_is_refused(admin_client):
    colleague = UserFactory()
    elsewhere = TeamFactory()

    response = admin_client.post(
        change_url(colleague), form_data(colleague, team=elsewhere.pk, reason=REASON)
    )

    assert response.status_code == 200
    colleague.refresh_from_db()
    assert colleague.team != elsewhere


def test_a_change_of_name_alone_is_audited_without_a_reason(admin_client):
    colleague = UserFactory(last_name="Smith")

    response = admin_client.post(change_url(colleague), form_data(colleague, last_name="Jones"))

    assert response.status_code == 302
    assert last_entry_about(colleague).changes == {"last_name": ["Smith", "Jones"]}


def test_deactivating_an_account_ends_its_sessions_at_once(admin_client, signed_in_client):
    colleague = UserFactory()
    their_client = signed_in_client(colleague)
    assert their_client.get(reverse("web:home")).status_code == 200

    admin_client.post(change_url(colleague), form_data(colleague, is_active=None, reason=REASON))

    assert last_entry_about(colleague).changes == {"is_active": [True, False], "sessions_ended": 1}
    response = their_client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_account_created_in_the_admin_site_is_audited_without_its_password(admin_client):
    agency = AgencyFactory()
    team = TeamFactory(agency=agency)
    passphrase = "a long and unguessable passphrase"

    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "new.idva",
            "usable_password": "true",
            "password1": passphrase,
            "password2": passphrase,
            "agency": agency.pk,
            "team": team.pk,
            "roles": [role("practitioner").pk],
            "reason": "New IDVA joining the Barnet team",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="new.idva")
    entry = last_entry_about(user)
    assert entry.action == "create"
    assert entry.changes["roles"] == [None, ["practitioner"]]
    assert entry.changes["agency"] == [None, agency.code]
    assert entry.reason == "New IDVA joining the Barnet team"
    assert "password" not in entry.changes
    assert user.password not in str(entry.changes)


def test_a_password_reset_by_an_administrator_is_audited_without_the_password(
    sysadmin, admin_client
):
    colleague = UserFactory()
    passphrase = "another long and unguessable passphrase"

    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[colleague.pk]),
        {"usable_password": "true", "password1": passphrase, "password2": passphrase},
    )

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.check_password(passphrase)
    entry = last_entry_about(colleague)
    assert entry.actor == sysadmin
    assert entry.changes == {"password": UNRECORDED}
    assert passphrase not in str(entry.changes) and colleague.password not in entry.summary


def test_a_superusers_account_is_not_changed_by_an_administrator(admin_client):
    superuser = UserFactory(role=None, is_superuser=True, is_staff=True)

    response = admin_client.post(
        change_url(superuser), form_data(superuser, is_active=None, reason=REASON)
    )

    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_active


def test_accounts_are_deactivated_not_deleted(admin_client):
    colleague = UserFactory()

    response = admin_client.post(
        reverse("admin:accounts_user_delete", args=[colleague.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert User.objects.filter(pk=colleague.pk).exists()
