"""Recording tiers, needs and service referrals: what a practitioner may record and when."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from casebridge.access.policy import AccessDenied
from casebridge.audit.models import AuditEvent
from casebridge.casework.services import (
    need_record,
    need_update,
    service_end,
    service_refer,
    service_start,
    tier_assign,
)
from casebridge.core.errors import ApplicationError
from casebridge.pathways.models import CaseEvent
from tests.casework.factories import (
    IomCaseFactory,
    NeedFactory,
    ServiceReferralFactory,
    WomensCaseFactory,
)
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = date(2022, 4, 4)


def field_of(error_info) -> str | None:
    return error_info.value.field


# --- tiers ---------------------------------------------------------------------------------


def test_a_tier_is_set_with_a_timeline_line_and_an_audit_entry(officer, iom_case):
    assignment = tier_assign(
        actor=officer, case=iom_case, tier="red", assigned_on=DAY, reason=" Recent burglaries "
    )
    assert (assignment.tier, assignment.assigned_on, assignment.reason) == (
        "red",
        DAY,
        "Recent burglaries",
    )
    assert assignment.assigned_by == officer
    note = iom_case.timeline.get(kind=CaseEvent.Kind.NOTE)
    assert note.text == "Tier set: Red: high risk and vulnerability. Recent burglaries"
    assert timezone.localdate(note.occurred_at) == DAY
    audit = AuditEvent.objects.get(object_type="case", object_id=str(iom_case.pk), action="create")
    assert audit.changes["tier"] == "red"


def test_probation_may_set_the_tier_of_a_case_the_police_hold(probation_officer):
    case = IomCaseFactory(owner_agency=AgencyFactory())
    assert tier_assign(actor=probation_officer, case=case, tier="green", assigned_on=DAY).pk


def test_a_tier_the_pathway_does_not_have_is_refused(officer, iom_case):
    with pytest.raises(ApplicationError) as error:
        tier_assign(actor=officer, case=iom_case, tier="purple", assigned_on=DAY)
    assert field_of(error) == "tier"


def test_a_pathway_without_tiers_refuses_any_tier(key_worker, womens_case):
    with pytest.raises(ApplicationError) as error:
        tier_assign(actor=key_worker, case=womens_case, tier="red", assigned_on=DAY)
    assert "tier" in error.value.message


def test_a_tier_set_tomorrow_is_refused(officer, iom_case):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ApplicationError) as error:
        tier_assign(actor=officer, case=iom_case, tier="red", assigned_on=tomorrow)
    assert field_of(error) == "assigned_on"


def test_today_is_the_uk_day_late_in_the_evening(officer, iom_case):
    # 23:30 UTC on 4 April is 00:30 on 5 April in London (BST): 5 April is today.
    with time_machine.travel(datetime(2022, 4, 4, 23, 30, tzinfo=UTC), tick=False):
        assert tier_assign(actor=officer, case=iom_case, tier="red", assigned_on=date(2022, 4, 5))


def test_a_closed_case_refuses_a_tier(officer):
    case = IomCaseFactory(state="removed")
    with pytest.raises(ApplicationError) as error:
        tier_assign(actor=officer, case=case, tier="red", assigned_on=DAY)
    assert "closed" in error.value.message


def test_the_wrong_agency_may_not_set_a_tier(key_worker, iom_case):
    with pytest.raises(AccessDenied):
        tier_assign(actor=key_worker, case=iom_case, tier="red", assigned_on=DAY)
    assert not iom_case.tier_assignments.exists()


def test_the_wrong_role_may_not_set_a_tier(analyst, iom_case):
    with pytest.raises(AccessDenied):
        tier_assign(actor=analyst, case=iom_case, tier="red", assigned_on=DAY)


def test_another_womens_centre_may_not_record_on_the_centres_case(womens_case):
    other_centre = UserFactory(agency=AgencyFactory(kind="charity"))
    with pytest.raises(AccessDenied):
        need_record(actor=other_centre, case=womens_case, area="poverty", identified_on=DAY)


# --- needs ---------------------------------------------------------------------------------


def test_a_need_is_recorded_in_one_of_the_pathways_areas(key_worker, womens_case):
    need = need_record(
        actor=key_worker, case=womens_case, area="poverty", identified_on=DAY, support="Debt advice"
    )
    assert (need.area, need.support, need.outcome) == ("poverty", "Debt advice", "")
    assert womens_case.timeline.get(kind=CaseEvent.Kind.NOTE).text == "Need: Poverty and debt"


def test_an_area_the_pathway_does_not_have_is_refused(officer, iom_case):
    with pytest.raises(ApplicationError) as error:
        need_record(actor=officer, case=iom_case, area="poverty", identified_on=DAY)
    assert field_of(error) == "area"


def test_a_second_need_in_the_same_area_is_refused(officer, iom_case):
    need_record(actor=officer, case=iom_case, area="accommodation", identified_on=DAY)
    with pytest.raises(ApplicationError) as error:
        need_record(actor=officer, case=iom_case, area="accommodation", identified_on=DAY)
    assert "already recorded" in error.value.message


def test_a_need_identified_tomorrow_is_refused(officer, iom_case):
    with pytest.raises(ApplicationError) as error:
        need_record(
            actor=officer,
            case=iom_case,
            area="accommodation",
            identified_on=timezone.localdate() + timedelta(days=1),
        )
    assert field_of(error) == "identified_on"


def test_an_outcome_is_recorded_with_its_day_and_a_timeline_line(officer, iom_case):
    need = NeedFactory(case=iom_case, area="accommodation", identified_on=DAY)
    need_update(
        actor=officer,
        need=need,
        support="Referred to housing options",
        outcome="housed",
        outcome_on=DAY + timedelta(days=30),
    )
    need.refresh_from_db()
    assert (need.support, need.outcome, need.outcome_on) == (
        "Referred to housing options",
        "housed",
        DAY + timedelta(days=30),
    )
    note = iom_case.timeline.get(kind=CaseEvent.Kind.NOTE)
    assert note.text == "Outcome for Accommodation: Housed in settled accommodation"


def test_support_alone_may_be_recorded_before_the_outcome_is_known(officer, iom_case):
    need = need_update(actor=officer, need=NeedFactory(case=iom_case), support="Bidding for a flat")
    assert (need.support, need.outcome, need.outcome_on) == ("Bidding for a flat", "", None)
    assert not iom_case.timeline.exists()


def test_an_outcome_of_another_area_is_refused(officer, iom_case):
    need = NeedFactory(case=iom_case, area="accommodation")
    with pytest.raises(ApplicationError) as error:
        need_update(actor=officer, need=need, support="", outcome="in_treatment", outcome_on=DAY)
    assert field_of(error) == "outcome"


def test_an_outcome_needs_its_day(officer, iom_case):
    need = NeedFactory(case=iom_case)
    with pytest.raises(ApplicationError) as error:
        need_update(actor=officer, need=need, support="", outcome="housed")
    assert field_of(error) == "outcome_on"


def test_a_day_without_an_outcome_is_refused(officer, iom_case):
    need = NeedFactory(case=iom_case)
    with pytest.raises(ApplicationError) as error:
        need_update(actor=officer, need=need, support="", outcome_on=DAY)
    assert field_of(error) == "outcome"


def test_an_outcome_before_the_need_was_identified_is_refused(officer, iom_case):
    need = NeedFactory(case=iom_case, identified_on=DAY)
    with pytest.raises(ApplicationError) as error:
        need_update(
            actor=officer, need=need, support="", outcome="housed", outcome_on=DAY - timedelta(1)
        )
    assert field_of(error) == "outcome_on"
    assert "4 April 2022" in error.value.message


def test_an_outcome_tomorrow_is_refused(officer, iom_case):
    need = NeedFactory(case=iom_case, identified_on=DAY)
    with pytest.raises(ApplicationError) as error:
        need_update(
            actor=officer,
            need=need,
            support="",
            outcome="housed",
            outcome_on=timezone.localdate() + timedelta(days=1),
        )
    assert field_of(error) == "outcome_on"


def test_the_wrong_agency_may_not_update_a_need(key_worker, iom_case):
    need = NeedFactory(case=iom_case)
    with pytest.raises(AccessDenied):
        need_update(actor=key_worker, need=need, support="Guessed the id")
    need.refresh_from_db()
    assert need.support == ""


def test_the_need_of_a_closed_case_cannot_be_updated(officer):
    need = NeedFactory(case=IomCaseFactory(state="removed"))
    with pytest.raises(ApplicationError):
        need_update(actor=officer, need=need, support="Late")


# --- services ------------------------------------------------------------------------------


def test_a_referral_starts_and_ends_with_the_parts_completed(officer, iom_case):
    referral = service_refer(
        actor=officer, case=iom_case, service="fitness_academy", referred_on=DAY
    )
    service_start(actor=officer, referral=referral, started_on=DAY + timedelta(days=7))
    service_end(
        actor=officer,
        referral=referral,
        ended_on=DAY + timedelta(days=90),
        completed=True,
        elements_completed=["mentoring", "fitness_course", "mentoring"],
    )
    referral.refresh_from_db()
    assert referral.completed
    assert referral.elements_completed == ["fitness_course", "mentoring"]
    assert [e.text for e in iom_case.timeline.order_by("occurred_at")] == [
        "Referred to Fitness and mentoring academy",
        "Started Fitness and mentoring academy",
        "Completed Fitness and mentoring academy. Parts completed: Fitness course, Mentoring",
    ]
    assert AuditEvent.objects.filter(object_id=str(iom_case.pk)).count() == 3


def test_a_service_the_pathway_does_not_have_is_refused(key_worker, womens_case):
    with pytest.raises(ApplicationError) as error:
        service_refer(
            actor=key_worker, case=womens_case, service="fitness_academy", referred_on=DAY
        )
    assert field_of(error) == "service"


def test_a_referral_tomorrow_is_refused(officer, iom_case):
    with pytest.raises(ApplicationError) as error:
        service_refer(
            actor=officer,
            case=iom_case,
            service="housing_support",
            referred_on=timezone.localdate() + timedelta(days=1),
        )
    assert field_of(error) == "referred_on"


def test_a_start_before_the_referral_is_refused(officer, iom_case):
    referral = ServiceReferralFactory(case=iom_case, referred_on=DAY)
    with pytest.raises(ApplicationError) as error:
        service_start(actor=officer, referral=referral, started_on=DAY - timedelta(days=1))
    assert field_of(error) == "started_on"


def test_a_start_tomorrow_is_refused(officer, iom_case):
    referral = ServiceReferralFactory(case=iom_case, referred_on=DAY)
    with pytest.raises(ApplicationError) as error:
        service_start(
            actor=officer, referral=referral, started_on=timezone.localdate() + timedelta(days=1)
        )
    assert field_of(error) == "started_on"


def test_an_end_before_the_start_is_refused(officer, iom_case):
    referral = ServiceReferralFactory(case=iom_case, referred_on=DAY, started_on=DAY)
    with pytest.raises(ApplicationError) as error:
        service_end(
            actor=officer,
            referral=referral,
            ended_on=DAY - timedelta(days=1),
            completed=False,
            elements_completed=[],
        )
    assert field_of(error) == "ended_on"


def test_an_end_before_any_start_is_refused(officer, iom_case):
    referral = ServiceReferralFactory(case=iom_case, referred_on=DAY)
    with pytest.raises(ApplicationError) as error:
        service_end(
            actor=officer, referral=referral, ended_on=DAY, completed=False, elements_completed=[]
        )
    assert "start" in error.value.message


def test_an_end_tomorrow_is_refused(officer, iom_case):
    referral = ServiceReferralFactory(case=iom_case, referred_on=DAY, started_on=DAY)
    with pytest.raises(ApplicationError) as error:
        service_end(
            actor=officer,
            referral=referral,
            ended_on=timezone.localdate() + timedelta(days=1),
            completed=False,
            elements_completed=[],
        )
    assert field_of(error) == "ended_on"


def test_a_second_end_is_refused(officer, iom_case):
    referral = ServiceReferralFactory(
        case=iom_case, referred_on=DAY, started_on=DAY, ended_on=DAY, completed=False
    )
    with pytest.raises(ApplicationError):
        service_end(
            actor=officer, referral=referral, ended_on=DAY, completed=True, elements_completed=[]
        )


def test_the_start_of_an_ended_referral_cannot_change(officer, iom_case):
    referral = ServiceReferralFactory(case=iom_case, referred_on=DAY, started_on=DAY, ended_on=DAY)
    with pytest.raises(ApplicationError):
        service_start(actor=officer, referral=referral, started_on=DAY)


def test_parts_of_another_service_are_refused(officer, iom_case):
    referral = ServiceReferralFactory(
        case=iom_case, service="housing_support", referred_on=DAY, started_on=DAY
    )
    with pytest.raises(ApplicationError) as error:
        service_end(
            actor=officer,
            referral=referral,
            ended_on=DAY,
            completed=True,
            elements_completed=["mentoring"],
        )
    assert field_of(error) == "elements_completed"


def test_leaving_without_completing_is_on_the_timeline(officer, iom_case):
    referral = ServiceReferralFactory(
        case=iom_case, service="housing_support", referred_on=DAY, started_on=DAY
    )
    service_end(
        actor=officer, referral=referral, ended_on=DAY, completed=False, elements_completed=[]
    )
    assert iom_case.timeline.get().text == "Left without completing Housing support"


def test_the_wrong_agency_may_not_end_a_referral(key_worker, iom_case):
    referral = ServiceReferralFactory(case=iom_case, referred_on=DAY, started_on=DAY)
    with pytest.raises(AccessDenied):
        service_end(
            actor=key_worker, referral=referral, ended_on=DAY, completed=True, elements_completed=[]
        )


def test_a_closed_case_refuses_a_referral(key_worker, centre):
    case = WomensCaseFactory(owner_agency=centre, state="closed")
    with pytest.raises(ApplicationError):
        service_refer(actor=key_worker, case=case, service="womens_centre", referred_on=DAY)
