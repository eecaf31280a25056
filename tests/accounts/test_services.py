"""The accounts services refuse what the web may not do, whoever calls them."""

import pytest

from casebridge.accounts.services import administrator_permissions, role_grant, user_access_change
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from tests.factories import TeamFactory, UserFactory, role

pytestmark = pytest.mark.django_db

REASON = "Covering the MARAC coordinator's leave"


@pytest.fixture
def sysadmin():
    user = UserFactory(role=role("sysadmin"), is_staff=True)
    user.user_permissions.set(administrator_permissions())
    return user


def access(user, **changes):
    return {
        "roles": list(user.roles.all()),
        "agency": user.agency,
        "team": user.team,
        "is_active": user.is_active,
        "reason": REASON,
        **changes,
    }


def test_nobody_changes_their_own_access(sysadmin):
    with pytest.raises(ApplicationError, match="own roles"):
        user_access_change(
            actor=sysadmin,
            user=sysadmin,
            **access(sysadmin, team=TeamFactory(agency=sysadmin.agency)),
        )


def test_a_privileged_role_is_not_granted_through_the_web_service(sysadmin):
    colleague = UserFactory()
    with pytest.raises(ApplicationError, match="privileged role"):
        user_access_change(
            actor=sysadmin,
            user=colleague,
            **access(colleague, roles=[role("practitioner"), role("auditor")]),
        )


def test_reactivating_a_privileged_account_counts_as_granting_its_role(sysadmin):
    leaver = UserFactory(role=role("auditor"), is_active=False)
    with pytest.raises(ApplicationError, match="privileged role"):
        user_access_change(actor=sysadmin, user=leaver, **access(leaver, is_active=True))


def test_demoting_an_administrator_closes_the_admin_site_to_them(sysadmin):
    other = UserFactory(role=role("sysadmin"), is_staff=True)
    other.user_permissions.set(administrator_permissions())

    user_access_change(actor=sysadmin, user=other, **access(other, roles=[role("practitioner")]))

    other.refresh_from_db()
    assert not other.is_staff
    assert not other.user_permissions.exists()
    entry = AuditEvent.objects.latest("sequence")
    assert entry.changes == {
        "roles": [["sysadmin"], ["practitioner"]],
        "is_staff": [True, False],
    }


def test_a_privileged_grant_names_the_administrator_and_is_flagged(sysadmin):
    colleague = UserFactory()

    role_grant(actor=sysadmin, user=colleague, role=role("panel_coordinator"), reason=REASON)

    colleague.refresh_from_db()
    assert colleague.role_codes == {"practitioner", "panel_coordinator"}
    entry = AuditEvent.objects.latest("sequence")
    assert (entry.actor, entry.flagged, entry.reason) == (sysadmin, True, REASON)
    assert entry.changes == {"roles": [["practitioner"], ["panel_coordinator", "practitioner"]]}


def test_nobody_grants_themselves_a_role(sysadmin):
    with pytest.raises(ApplicationError, match="themselves"):
        role_grant(actor=sysadmin, user=sysadmin, role=role("auditor"), reason=REASON)


def test_only_an_administrator_grants_roles():
    coordinator = UserFactory(role=role("panel_coordinator"))
    with pytest.raises(ApplicationError, match="not an active system administrator"):
        role_grant(actor=coordinator, user=UserFactory(), role=role("auditor"), reason=REASON)


def test_a_grant_needs_a_reason(sysadmin):
    with pytest.raises(ApplicationError, match="Say why"):
        role_grant(actor=sysadmin, user=UserFactory(), role=role("auditor"), reason="  ")


def test_a_grant_reactivates_an_inactive_account(sysadmin):
    returner = UserFactory(is_active=False)

    role_grant(actor=sysadmin, user=returner, role=role("auditor"), reason=REASON)

    returner.refresh_from_db()
    assert returner.is_active
    assert AuditEvent.objects.latest("sequence").changes["is_active"] == [False, True]


def test_roles_are_given_and_taken_away_together(sysadmin):
    colleague = UserFactory()

    user_access_change(
        actor=sysadmin,
        user=colleague,
        **access(colleague, roles=[role("practitioner"), role("victim_coordinator")]),
    )
    user_access_change(
        actor=sysadmin, user=colleague, **access(colleague, roles=[role("victim_coordinator")])
    )

    colleague.refresh_from_db()
    assert colleague.role_codes == {"victim_coordinator"}
    first, second = AuditEvent.objects.filter(object_id=str(colleague.pk)).order_by("sequence")
    assert first.changes == {"roles": [["practitioner"], ["practitioner", "victim_coordinator"]]}
    assert second.changes == {
        "roles": [["practitioner", "victim_coordinator"], ["victim_coordinator"]]
    }


def test_a_privileged_role_already_held_may_stay_beside_a_new_one(sysadmin):
    coordinator = UserFactory(role=role("panel_coordinator"))

    user_access_change(
        actor=sysadmin,
        user=coordinator,
        **access(coordinator, roles=[role("panel_coordinator"), role("practitioner")]),
    )

    assert coordinator.role_codes == {"panel_coordinator", "practitioner"}
