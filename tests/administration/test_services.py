"""Administering accounts: the system administrator anywhere, an agency's lead in their own
agency, nobody else; a privileged role never from the web; every change audited."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.access.policy import AccessDenied, visible
from casebridge.accounts.models import User
from casebridge.administration.services import (
    invitation_renew,
    user_access_end,
    user_access_set,
    user_invite,
    user_second_factor_reset,
)
from casebridge.audit.models import AuditEvent
from casebridge.audit.verification import verify_chain
from casebridge.core.errors import ApplicationError
from casebridge.pathways.models import Case
from tests.factories import PASSWORD, CaseFactory, PersonFactory, TeamFactory, UserFactory, role

pytestmark = pytest.mark.django_db

REASON = "Joined the IDVA service on 1 December"


def _invite(actor, agency, roles=("practitioner",), **overrides):
    values = {
        "actor": actor,
        "username": "new.worker",
        "first_name": "Noor",
        "last_name": "Ahmed",
        "email": "noor@example.org",
        "agency": agency,
        "team": None,
        "roles": [role(code) for code in roles],
        "reason": REASON,
        **overrides,
    }
    return user_invite(**values)


def _entries(user):
    entries = AuditEvent.objects.filter(object_type="user", object_id=str(user.pk))
    return entries.order_by("sequence")


def test_the_administrator_invites_a_user_with_two_roles_to_any_agency(office):
    team = TeamFactory(agency=office.agency_b)

    user, token = _invite(
        office.sysadmin, office.agency_b, ("practitioner", "victim_coordinator"), team=team
    )

    assert (user.agency, user.team, user.is_active) == (office.agency_b, team, True)
    assert user.role_codes == {"practitioner", "victim_coordinator"}
    assert not user.has_usable_password() and token
    created = AuditEvent.objects.get(object_type="user", object_id=str(user.pk))
    assert (created.actor, created.action, created.reason) == (office.sysadmin, "create", REASON)
    assert created.changes["roles"] == [None, ["practitioner", "victim_coordinator"]]
    assert AuditEvent.objects.filter(object_type="invitation", actor=office.sysadmin).exists()
    assert verify_chain().intact


def test_a_lead_invites_to_their_own_agency_only(office):
    user, _ = _invite(office.lead_a, office.agency_a)
    assert user.agency == office.agency_a

    with pytest.raises(ApplicationError) as refused:
        _invite(office.lead_a, office.agency_b, username="elsewhere")
    assert refused.value.field == "agency"
    assert not User.objects.filter(username="elsewhere").exists()


@pytest.mark.parametrize("code", ["practitioner", "manager", "auditor", "panel_coordinator"])
def test_roles_without_an_account_rule_invite_nobody(office, code):
    with pytest.raises(AccessDenied):
        _invite(UserFactory(agency=office.agency_a, role=role(code)), office.agency_a)


@pytest.mark.parametrize("privileged", ["auditor", "analyst", "panel_coordinator", "sysadmin"])
def test_nobody_grants_a_privileged_role_from_the_web(office, privileged):
    for actor in (office.sysadmin, office.lead_a):
        with pytest.raises(ApplicationError, match="privileged"):
            _invite(actor, office.agency_a, ("practitioner", privileged))
        with pytest.raises(ApplicationError, match="privileged"):
            user_access_set(
                actor=actor,
                user=office.staff_a,
                agency=office.agency_a,
                team=None,
                roles=[role("practitioner"), role(privileged)],
                reason=REASON,
            )
    assert office.staff_a.role_codes == {"practitioner"}


def test_a_taken_username_is_refused(office):
    with pytest.raises(ApplicationError) as refused:
        _invite(office.sysadmin, office.agency_a, username=office.staff_b.username.upper())
    assert refused.value.field == "username"


def test_a_move_to_another_agency_changes_what_they_see_at_once(office, signed_in_client):
    case_b = CaseFactory(
        owner_agency=office.agency_b, subject=PersonFactory(recorded_by_agency=office.agency_b)
    )
    mover = office.staff_a
    client = signed_in_client(mover)
    detail = reverse("pathways:case_detail", args=[case_b.pk])
    assert client.get(detail).status_code == 404
    team_b = TeamFactory(agency=office.agency_b)

    user_access_set(
        actor=office.sysadmin,
        user=mover,
        agency=office.agency_b,
        team=team_b,
        roles=[role("practitioner")],
        reason="Moved to Agency B's safeguarding team",
    )

    assert client.get(detail).status_code == 200
    fresh = User.objects.get(pk=mover.pk)
    assert set(visible(user=fresh, action="view", queryset=Case.objects.all())) == {case_b}
    moved = _entries(mover).last()
    assert moved.summary == f"Moved {mover.username} to Agency B"
    assert moved.changes["agency"] == [office.agency_a.code, office.agency_b.code]


def test_a_lead_changes_roles_in_their_agency_but_moves_nobody_out_of_it(office):
    user_access_set(
        actor=office.lead_a,
        user=office.staff_a,
        agency=office.agency_a,
        team=None,
        roles=[role("practitioner"), role("victim_coordinator")],
        reason=REASON,
    )
    assert office.staff_a.role_codes == {"practitioner", "victim_coordinator"}

    with pytest.raises(ApplicationError) as refused:
        user_access_set(
            actor=office.lead_a,
            user=office.staff_a,
            agency=office.agency_b,
            team=None,
            roles=[role("practitioner")],
            reason=REASON,
        )
    assert refused.value.field == "agency"


def test_the_wrong_agencys_lead_changes_nothing(office):
    for act in (
        lambda: user_access_end(actor=office.lead_b, user=office.staff_a, reason=REASON),
        lambda: user_second_factor_reset(actor=office.lead_b, user=office.staff_a, reason=REASON),
        lambda: user_access_set(
            actor=office.lead_b,
            user=office.staff_a,
            agency=office.agency_b,
            team=None,
            roles=[role("practitioner")],
            reason=REASON,
        ),
    ):
        with pytest.raises(AccessDenied):
            act()
    office.staff_a.refresh_from_db()
    assert office.staff_a.is_active and office.staff_a.agency == office.agency_a


def test_a_lead_leaves_privileged_colleagues_to_the_administrator(office):
    coordinator = UserFactory(agency=office.agency_a, role=role("panel_coordinator"))
    with pytest.raises(ApplicationError, match="only a system administrator"):
        user_access_end(actor=office.lead_a, user=coordinator, reason=REASON)
    user_access_end(actor=office.sysadmin, user=coordinator, reason=REASON)
    assert not coordinator.is_active


def test_nobody_ends_their_own_access(office):
    with pytest.raises(ApplicationError, match="own"):
        user_access_end(actor=office.lead_a, user=office.lead_a, reason=REASON)


def test_a_leavers_open_sessions_end_at_once(office, signed_in_client):
    leaver = office.staff_a
    client = signed_in_client(leaver)
    assert client.get(reverse("web:home")).status_code == 200

    user_access_end(actor=office.lead_a, user=leaver, reason="Left the council on Friday")

    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )
    signing_in = Client().post(
        reverse("accounts:login"), {"username": leaver.username, "password": PASSWORD}
    )
    assert signing_in.status_code == 200  # refused: the sign-in page again
    ended = _entries(leaver).last()
    assert ended.changes == {"is_active": [True, False], "sessions_ended": 1}
    assert ended.reason == "Left the council on Friday"


def test_a_reset_second_factor_is_enrolled_again_at_the_next_sign_in(office, signed_in_client):
    user = office.staff_a
    client = signed_in_client(user)

    user_second_factor_reset(actor=office.sysadmin, user=user, reason="Phone lost")

    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get(reverse("web:home")).status_code == 302
    fresh = Client()
    fresh.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    page = fresh.get(reverse("accounts:two_factor"))
    assert page.context["enrolling"]
    entry = _entries(user).get(actor=office.sysadmin)
    assert entry.reason == "Phone lost"
    assert "second_factor" in entry.changes


def test_a_new_invitation_link_only_for_someone_who_has_not_set_a_password(office):
    with pytest.raises(ApplicationError, match="has set a password"):
        invitation_renew(actor=office.lead_a, user=office.staff_a)
    invited, _ = _invite(office.lead_a, office.agency_a)
    assert invitation_renew(actor=office.lead_a, user=invited)
