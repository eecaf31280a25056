"""Who sees a SIRM's proposals, meetings and case: its coordinators, the agencies attending,
and for a community-impact meeting, the schools invited to that meeting only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casebridge.access.policy import AccessDenied, Action, visible
from casebridge.agencies.models import Agency
from casebridge.panels.selectors import meeting_get, visible_meetings
from casebridge.panels.services import community_impact_schedule, meeting_mark_held
from casebridge.pathways.models import Case
from casebridge.violence.selectors import sirm_proposal_get, sirm_proposals
from tests.factories import AgencyFactory, UserFactory, role
from tests.violence.sirm_factories import convened_sirm

pytestmark = pytest.mark.django_db


@pytest.fixture
def sirm():
    return convened_sirm()


def sees_case(user, case) -> bool:
    return visible(user=user, action=Action.VIEW, queryset=Case.objects.filter(pk=case.pk)).exists()


def test_the_vve_coordinator_sees_the_proposal_meeting_and_case(sirm):
    assert list(sirm_proposals(user=sirm.coordinator)) == [sirm.incident.sirm_proposal]
    assert meeting_get(user=sirm.coordinator, meeting_id=sirm.meeting.pk) == sirm.meeting
    assert sees_case(sirm.coordinator, sirm.case)


def test_a_marac_coordinator_sees_no_proposal_sirm_meeting_or_case(sirm):
    marac_coordinator = UserFactory(
        agency=AgencyFactory(kind=Agency.Kind.CHARITY), role=role("panel_coordinator")
    )

    assert not sirm_proposals(user=marac_coordinator).exists()
    with pytest.raises(AccessDenied):
        sirm_proposal_get(user=marac_coordinator, proposal_id=sirm.incident.sirm_proposal.pk)
    assert not visible_meetings(user=marac_coordinator).filter(pk=sirm.meeting.pk).exists()
    assert not sees_case(marac_coordinator, sirm.case)


def test_the_police_who_recorded_the_incident_do_not_see_its_proposal(sirm):
    assert not sirm_proposals(user=sirm.officer).exists()


def test_an_attending_agency_sees_the_meeting_and_case_an_absent_one_neither(sirm):
    assert meeting_get(user=sirm.social_worker, meeting_id=sirm.meeting.pk) == sirm.meeting
    assert sees_case(sirm.social_worker, sirm.case)
    with pytest.raises(AccessDenied):
        meeting_get(user=sirm.outsider, meeting_id=sirm.meeting.pk)
    assert not sees_case(sirm.outsider, sirm.case)


def test_a_school_at_the_community_impact_meeting_sees_it_but_not_the_sirm_or_case(sirm):
    meeting_mark_held(actor=sirm.coordinator, meeting=sirm.meeting)
    follow_up = community_impact_schedule(
        actor=sirm.coordinator,
        meeting=sirm.meeting,
        scheduled_for=timezone.now() + timedelta(days=3),
        attending_agencies=[sirm.teacher.agency],
    )

    assert meeting_get(user=sirm.teacher, meeting_id=follow_up.pk) == follow_up
    with pytest.raises(AccessDenied):
        meeting_get(user=sirm.teacher, meeting_id=sirm.meeting.pk)
    assert not sees_case(sirm.teacher, sirm.case)
