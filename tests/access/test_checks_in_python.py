"""One loaded record checked in Python: no query once the user's facts are loaded, judged as
the record is stored, and the facts loaded again when what they are read from changes."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from casebridge.access.models import Entitlement, PermissionRule
from casebridge.access.policy import AccessDenied, allows, allows_in_memory, authorize
from casebridge.agencies.models import Agency
from casebridge.panels.models import Meeting
from casebridge.panels.services import meeting_schedule
from casebridge.pathways.models import Case, CasePerson
from casebridge.people.models import Person
from tests.factories import (
    AgencyFactory,
    BreakGlassFactory,
    CaseFactory,
    PersonFactory,
    UserFactory,
    marac,
    role,
)

pytestmark = pytest.mark.django_db


def test_a_second_check_in_the_request_runs_no_query(django_assert_num_queries):
    case = Case.objects.select_related("subject").get(pk=CaseFactory().pk)
    user = UserFactory(agency=case.owner_agency)
    authorize(user=user, action="view", obj=case)
    authorize(user=user, action="view", obj=case.subject)
    with django_assert_num_queries(0):
        authorize(user=user, action="view", obj=case)
        authorize(user=user, action="view", obj=case.subject)


def test_a_person_in_a_visible_case_is_checked_once_then_from_memory(django_assert_num_queries):
    case = CaseFactory()
    named = PersonFactory()
    CasePerson.objects.create(case=case, person=named)
    user = UserFactory(agency=case.owner_agency)
    person = Person.objects.get(pk=named.pk)
    authorize(user=user, action="view", obj=person)
    with django_assert_num_queries(0):
        authorize(user=user, action="view", obj=person)


def test_a_record_changed_in_memory_is_judged_as_stored():
    case = Case.objects.get(pk=CaseFactory().pk)
    outsider = UserFactory()
    case.owner_agency = outsider.agency  # as a bound form would, before the service checks
    with pytest.raises(AccessDenied):
        authorize(user=outsider, action="view", obj=case)
    case.save()
    authorize(user=outsider, action="view", obj=case)


def test_an_entitlement_granted_during_the_request_opens_the_sealed_case():
    case = CaseFactory(is_restricted=True)
    user = UserFactory(agency=case.owner_agency)
    assert not allows(user=user, action="view", obj=case)
    Entitlement.objects.create(user=user, case=case, granted_by=user, reason="Safeguarding")
    assert allows(user=user, action="view", obj=case)


def test_break_glass_closes_when_it_expires_without_another_change():
    case = CaseFactory(is_restricted=True)
    user = UserFactory(agency=case.owner_agency)
    glass = BreakGlassFactory(user=user, person=case.subject)
    assert allows(user=user, action="view", obj=case)
    with time_machine.travel(glass.expires_at + timedelta(seconds=1)):
        assert not allows(user=user, action="view", obj=case)


def test_a_rule_removed_is_no_longer_granted_to_the_next_request():
    case = CaseFactory()
    assert allows(user=UserFactory(agency=case.owner_agency), action="view", obj=case)
    PermissionRule.objects.filter(role__code="practitioner", resource="case").delete()
    assert not allows(user=UserFactory(agency=case.owner_agency), action="view", obj=case)


def test_a_record_loaded_without_the_fields_a_check_reads_is_checked_in_the_database():
    case = CaseFactory()
    user = UserFactory(agency=case.owner_agency)
    assert allows(user=user, action="view", obj=Case.objects.only("pk").get(pk=case.pk))
    assert not allows(
        user=UserFactory(), action="view", obj=Case.objects.only("pk").get(pk=case.pk)
    )


def test_a_grant_written_in_bulk_is_found_although_no_signal_tells_the_facts():
    case = CaseFactory(is_restricted=True)
    user = UserFactory(agency=case.owner_agency)
    assert not allows(user=user, action="view", obj=case)
    Entitlement.objects.bulk_create(
        [Entitlement(user=user, case=case, granted_by=user, reason="Safeguarding")]
    )
    assert allows(user=user, action="view", obj=case)


def test_a_meeting_scheduled_during_the_request_is_checked_from_memory(
    django_assert_num_queries,
):
    """Its attendees are written in bulk (no signal): the service says so, and the attending
    agency's facts are loaded again instead of each check of the new meeting querying."""
    coordinator = UserFactory(role=role("panel_coordinator"))
    police = AgencyFactory(kind=Agency.Kind.POLICE)
    officer = UserFactory(agency=police)
    earlier = _schedule(coordinator, attending=[police])
    assert allows(user=officer, action="view", obj=earlier)  # the facts are loaded here
    meeting = Meeting.objects.get(pk=_schedule(coordinator, attending=[police]).pk)
    assert allows_in_memory(user=officer, action="view", obj=meeting)
    with django_assert_num_queries(0):
        authorize(user=officer, action="view", obj=meeting)


def _schedule(coordinator, *, attending):
    return meeting_schedule(
        actor=coordinator,
        pathway=marac(),
        scheduled_for=timezone.now() + timedelta(days=7),
        title="MARAC",
        attending_agencies=attending,
    )
