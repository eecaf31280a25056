"""Risk ratings of a SIRM's areas, and the community-impact meeting that may follow it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casebridge.access.policy import AccessDenied
from casebridge.agencies.models import Agency
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.panels.events import meeting_day
from casebridge.panels.models import Meeting, RiskRating
from casebridge.panels.services import (
    agenda_add,
    agenda_build,
    community_impact_schedule,
    community_impact_summary_record,
    meeting_mark_held,
    risk_rate,
)
from tests.factories import AgencyFactory
from tests.panels.factories import AgendaItemFactory
from tests.violence.sirm_factories import convened_sirm

pytestmark = pytest.mark.django_db


@pytest.fixture
def sirm():
    return convened_sirm()


def rate(sirm, **overrides):
    arguments = {
        "actor": sirm.coordinator,
        "agenda_item": sirm.item,
        "area": "reprisal",
        "level": "high",
        "assessment": "Friends of the victim have been seen near the suspect's home",
    } | overrides
    return risk_rate(**arguments)


def test_the_coordinator_rates_an_area_and_the_assessment_stays_out_of_the_audit(sirm):
    rating = rate(sirm)

    assert (rating.area, rating.level, rating.rated_by) == ("reprisal", "high", sirm.coordinator)
    audit = AuditEvent.objects.get(object_type="risk_rating")
    assert audit.changes["level"] == [None, "high"]
    assert "suspect's home" not in str(audit.changes) + audit.summary


def test_rating_an_area_again_replaces_it_and_the_audit_keeps_both_levels(sirm):
    rate(sirm)
    rate(sirm, level="medium", assessment="The suspect has been remanded")

    rating = RiskRating.objects.get(agenda_item=sirm.item)
    assert (rating.level, rating.assessment) == ("medium", "The suspect has been remanded")
    latest = AuditEvent.objects.filter(object_type="risk_rating").latest("sequence")
    assert (latest.action, latest.changes["level"]) == ("change", ["high", "medium"])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"area": "weather"}, "area"),
        ({"level": "extreme"}, "level"),
        ({"assessment": "  "}, "assessment"),
    ],
    ids=["unknown-area", "unknown-level", "no-assessment"],
)
def test_an_area_or_level_not_in_the_definition_is_refused(sirm, overrides, field):
    with pytest.raises(ApplicationError) as error:
        rate(sirm, **overrides)

    assert error.value.field == field
    assert not RiskRating.objects.exists()


def test_an_attending_practitioner_does_not_rate(sirm):
    with pytest.raises(AccessDenied):
        rate(sirm, actor=sirm.officer)


def test_a_marac_does_not_rate_risk_areas():
    item = AgendaItemFactory()

    with pytest.raises(ApplicationError, match="does not rate risk areas"):
        risk_rate(
            actor=item.meeting.chair,
            agenda_item=item,
            area="reprisal",
            level="high",
            assessment="x",
        )


def call_community_meeting(sirm, **overrides):
    arguments = {
        "actor": sirm.coordinator,
        "meeting": sirm.meeting,
        "scheduled_for": timezone.now() + timedelta(days=3),
        "attending_agencies": [sirm.teacher.agency],
    } | overrides
    return community_impact_schedule(**arguments)


def test_after_the_sirm_is_held_a_community_impact_meeting_follows_it(sirm):
    meeting_mark_held(actor=sirm.coordinator, meeting=sirm.meeting)

    follow_up = call_community_meeting(sirm)

    assert (follow_up.purpose, follow_up.follows) == (
        Meeting.Purpose.COMMUNITY_IMPACT,
        sirm.meeting,
    )
    assert follow_up.title == f"Community impact - SIRM of {meeting_day(sirm.meeting)}"
    assert list(follow_up.attendees.values_list("agency", flat=True)) == [sirm.teacher.agency_id]


def test_no_community_impact_meeting_before_the_sirm_is_held(sirm):
    with pytest.raises(ApplicationError, match="planned"):
        call_community_meeting(sirm)


def test_a_community_impact_meeting_invites_only_the_definition_s_agency_kinds(sirm):
    meeting_mark_held(actor=sirm.coordinator, meeting=sirm.meeting)
    probation = AgencyFactory(kind=Agency.Kind.PROBATION, name="Probation Service")

    with pytest.raises(ApplicationError, match="Probation Service") as error:
        call_community_meeting(sirm, attending_agencies=[sirm.teacher.agency, probation])
    assert error.value.field == "attending_agencies"


def test_a_community_impact_meeting_has_no_agenda(sirm):
    meeting_mark_held(actor=sirm.coordinator, meeting=sirm.meeting)
    follow_up = call_community_meeting(sirm)

    with pytest.raises(ApplicationError, match="no agenda"):
        agenda_add(actor=sirm.coordinator, meeting=follow_up, case=sirm.case)
    with pytest.raises(ApplicationError, match="no agenda"):
        agenda_build(actor=sirm.coordinator, meeting=follow_up)


def test_the_coordinator_records_the_community_impact_summary(sirm):
    meeting_mark_held(actor=sirm.coordinator, meeting=sirm.meeting)
    follow_up = call_community_meeting(sirm)

    community_impact_summary_record(
        actor=sirm.coordinator, meeting=follow_up, summary="Patrols near the school gates."
    )

    follow_up.refresh_from_db()
    assert follow_up.summary == "Patrols near the school gates."
    with pytest.raises(ApplicationError, match="Only a community-impact meeting"):
        community_impact_summary_record(
            actor=sirm.coordinator, meeting=sirm.meeting, summary="Patrols"
        )
