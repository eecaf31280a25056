"""The one authorisation function: deny unless a rule grants, per agency, role and record."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casebridge.access.models import BreakGlass, Entitlement
from casebridge.access.policy import AccessDenied, authorize, permitted, visible
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.pathways.models import Case, CasePerson, Pathway
from casebridge.people.models import Address, Person
from tests.factories import (
    AddressFactory,
    AgencyFactory,
    CaseFactory,
    PersonFactory,
    UserFactory,
    role,
)

pytestmark = pytest.mark.django_db


def visible_cases(user):
    return set(visible(user=user, action="view", queryset=Case.objects.all()))


def visible_people(user):
    return set(visible(user=user, action="view", queryset=Person.objects.all()))


def test_practitioner_sees_cases_their_agency_owns():
    case = CaseFactory()
    assert visible_cases(UserFactory(agency=case.owner_agency)) == {case}


def test_practitioner_sees_cases_their_agency_referred_to_another():
    referrer = AgencyFactory()
    case = CaseFactory(referring_agency=referrer)
    assert visible_cases(UserFactory(agency=referrer)) == {case}


def test_practitioner_of_another_agency_sees_nothing_and_is_denied_by_id():
    case = CaseFactory()
    outsider = UserFactory()
    assert visible_cases(outsider) == set()
    with pytest.raises(AccessDenied):
        authorize(user=outsider, action="view", obj=case)


def test_coordinator_sees_every_marac_case():
    cases = {CaseFactory(), CaseFactory()}
    assert visible_cases(UserFactory(role=role("panel_coordinator"))) == cases


def test_two_roles_grant_what_either_grants():
    """A coordinator of MARAC who also practises in their agency: every MARAC case, and their
    agency's cases in other pathways; neither role alone sees both."""
    mine = AgencyFactory()
    elsewhere_marac = CaseFactory()
    own_idva = CaseFactory(owner_agency=mine, pathway=Pathway.objects.get(code="idva"))
    elsewhere_idva = CaseFactory(pathway=Pathway.objects.get(code="idva"))
    both = UserFactory(agency=mine, roles=[role("practitioner"), role("panel_coordinator")])

    assert visible_cases(both) == {elsewhere_marac, own_idva}
    assert visible_cases(UserFactory(agency=mine)) == {own_idva}
    coordinator = UserFactory(agency=mine, role=role("panel_coordinator"))
    assert visible_cases(coordinator) == {elsewhere_marac}
    assert elsewhere_idva not in visible_cases(both)


def test_a_change_of_roles_is_judged_at_the_users_next_load():
    case = CaseFactory()
    user = UserFactory(role=role("manager"))
    assert visible_cases(user) == set()

    user.roles.add(role("panel_coordinator"))

    assert visible_cases(User.objects.get(pk=user.pk)) == {case}


def test_roles_without_case_rules_see_no_cases():
    case = CaseFactory()
    for code in ("manager", "analyst", "sysadmin", "auditor"):
        assert visible_cases(UserFactory(agency=case.owner_agency, role=role(code))) == set()


def test_superuser_without_a_role_gets_no_bypass():
    CaseFactory()
    admin = UserFactory(role=None, is_superuser=True, is_staff=True)
    assert visible_cases(admin) == set()
    assert visible_people(admin) == set()


def test_disabled_account_sees_nothing():
    case = CaseFactory()
    assert visible_cases(UserFactory(agency=case.owner_agency, is_active=False)) == set()


def test_practitioner_may_change_only_cases_they_own():
    case = CaseFactory()
    colleague = UserFactory(agency=case.owner_agency)
    owner = UserFactory(agency=case.owner_agency)
    case.owner_user = owner
    case.save()
    authorize(user=owner, action="change", obj=case)
    with pytest.raises(AccessDenied):
        authorize(user=colleague, action="change", obj=case)


def test_sealed_case_is_hidden_even_from_the_owning_agency():
    case = CaseFactory(is_restricted=True)
    assert visible_cases(UserFactory(agency=case.owner_agency)) == set()
    assert visible_cases(UserFactory(role=role("panel_coordinator"))) == set()


def test_entitlement_opens_a_sealed_case_to_that_user_only():
    case = CaseFactory(is_restricted=True)
    entitled = UserFactory(agency=case.owner_agency)
    Entitlement.objects.create(user=entitled, case=case, reason="Case owner", granted_by=entitled)
    assert visible_cases(entitled) == {case}
    assert visible_cases(UserFactory(agency=case.owner_agency)) == set()


def test_active_break_glass_opens_sealed_cases_and_expired_does_not():
    case = CaseFactory(is_restricted=True)
    user = UserFactory(role=role("panel_coordinator"))
    now = timezone.now()
    glass = BreakGlass.objects.create(
        user=user,
        person=case.subject,
        reason="x" * 20,
        opened_at=now,
        expires_at=now + timedelta(minutes=5),
    )
    assert visible_cases(user) == {case}
    glass.expires_at = now - timedelta(seconds=1)
    glass.save()
    assert visible_cases(user) == set()


def test_people_are_visible_through_the_cases_a_user_may_see():
    case = CaseFactory()
    perpetrator = PersonFactory()
    CasePerson.objects.create(case=case, person=perpetrator, role=CasePerson.Role.PERPETRATOR)
    user = UserFactory(agency=case.owner_agency)
    assert visible_people(user) >= {case.subject, perpetrator}
    assert visible_people(UserFactory()) == set()


def test_people_are_visible_to_the_agency_that_recorded_them():
    person = PersonFactory()
    assert visible_people(UserFactory(agency=person.recorded_by_agency)) == {person}


def test_confidential_address_is_hidden_unless_entitled():
    address = AddressFactory(is_confidential=True)
    ordinary = AddressFactory(person=address.person)
    user = UserFactory(agency=address.person.recorded_by_agency)
    addresses = Address.objects.filter(person=address.person)
    assert set(visible(user=user, action="view", queryset=addresses)) == {ordinary}
    Entitlement.objects.create(
        user=user, person=address.person, reason="Refuge keyworker", granted_by=user
    )
    assert set(visible(user=user, action="view", queryset=addresses)) == {address, ordinary}


def test_break_glass_rule_can_depend_on_the_kind_of_agency():
    police = UserFactory(agency=AgencyFactory(kind=Agency.Kind.POLICE))
    charity = UserFactory(agency=AgencyFactory(kind=Agency.Kind.CHARITY))
    assert permitted(user=police, action="use", resource="break_glass")
    assert not permitted(user=charity, action="use", resource="break_glass")


def test_audit_log_is_only_for_auditors():
    assert permitted(user=UserFactory(role=role("auditor")), action="view", resource="audit")
    for code in ("practitioner", "panel_coordinator", "manager", "sysadmin", "analyst"):
        assert not permitted(user=UserFactory(role=role(code)), action="view", resource="audit")
