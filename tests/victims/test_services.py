"""Victim Coordinator referrals: from a panel that discussed the person, or from an agency; the
council's Victim Coordinators work them."""

import pytest
from django.utils import timezone

from casebridge.access.policy import AccessDenied
from casebridge.agencies.models import Agency
from casebridge.casework.services import service_refer
from casebridge.core.errors import ApplicationError
from casebridge.panels.models import Meeting
from casebridge.pathways.models import Case, Pathway
from casebridge.pathways.services import case_activity_record, case_transition
from casebridge.victims.models import VictimReferral
from casebridge.victims.services import victim_referral_create
from tests.factories import AgencyFactory, CaseFactory, PersonFactory, UserFactory, role
from tests.panels.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db

DIRECT = VictimReferral.VictimKind.DIRECT
INDIRECT = VictimReferral.VictimKind.INDIRECT


def refer(actor, subject, service, **overrides):
    arguments = {
        "actor": actor,
        "subject": subject,
        "owner_agency": service,
        "referral_reason": "Stabbed outside his home; frightened to go out",
        "consent": Case.Consent.GIVEN,
        "lawful_basis": Case.LawfulBasis.CONSENT,
        "victim_kind": DIRECT,
    } | overrides
    return victim_referral_create(**arguments)


def test_a_sirm_refers_the_victim_it_discussed(sirm):
    case = refer(sirm.vve_coordinator, sirm.victim, sirm.service, from_meeting=sirm.meeting)

    assert case.pathway.code == "victim-coordinator"
    assert (case.owner_agency, case.owner_user, case.state) == (sirm.service, None, "referred")
    assert case.victim_referral.from_meeting == sirm.meeting
    assert case.victim_referral.victim_kind == DIRECT


def test_a_sirm_refers_an_indirect_victim_named_in_a_case_it_discussed(sirm):
    case = refer(
        sirm.vve_coordinator,
        sirm.brother,
        sirm.service,
        from_meeting=sirm.meeting,
        victim_kind=INDIRECT,
    )

    assert case.victim_referral.victim_kind == INDIRECT


def test_an_attending_agency_may_refer_from_a_closed_sav_meeting(sirm):
    meeting = MeetingFactory(
        pathway=Pathway.objects.get(code="sav"),
        chair=sirm.vve_coordinator,
        status=Meeting.Status.CLOSED,
    )
    meeting.attendees.create(agency=sirm.police)
    AgendaItemFactory(
        meeting=meeting, case=CaseFactory(pathway=meeting.pathway, subject=sirm.victim)
    )

    case = refer(sirm.officer, sirm.victim, sirm.service, from_meeting=meeting)

    assert case.victim_referral.from_meeting == meeting
    assert case.referring_agency == sirm.police


def test_an_agency_refers_with_no_meeting(sirm):
    case = refer(sirm.officer, sirm.victim, sirm.service)

    assert case.victim_referral.from_meeting is None
    assert case.referring_agency == sirm.police


def test_a_meeting_the_referrer_cannot_see_is_refused(sirm):
    outsider = UserFactory(agency=AgencyFactory(kind=Agency.Kind.PROBATION))
    subject = PersonFactory(recorded_by_agency=outsider.agency)

    with pytest.raises(AccessDenied):
        refer(outsider, subject, sirm.service, from_meeting=sirm.meeting)
    assert not VictimReferral.objects.exists()


def test_someone_not_discussed_at_the_meeting_is_refused(sirm):
    stranger = PersonFactory(recorded_by_agency=sirm.police)

    with pytest.raises(ApplicationError, match="not discussed at SIRM - High Street stabbing"):
        refer(sirm.officer, stranger, sirm.service, from_meeting=sirm.meeting)


def test_a_meeting_not_yet_held_is_refused(sirm):
    sirm.meeting.status = Meeting.Status.PLANNED
    sirm.meeting.save(update_fields=["status"])

    with pytest.raises(ApplicationError, match="held"):
        refer(sirm.vve_coordinator, sirm.victim, sirm.service, from_meeting=sirm.meeting)


def test_a_marac_does_not_refer_to_the_victim_coordinator(sirm):
    marac_coordinator = UserFactory(agency=sirm.police, role=role("panel_coordinator"))
    meeting = MeetingFactory(chair=marac_coordinator, status=Meeting.Status.HELD)
    AgendaItemFactory(meeting=meeting, case=CaseFactory(subject=sirm.victim))

    with pytest.raises(ApplicationError, match="do not refer to the Victim Coordinator"):
        refer(marac_coordinator, sirm.victim, sirm.service, from_meeting=meeting)


def test_the_referral_goes_to_a_council_service(sirm):
    with pytest.raises(ApplicationError) as refused:
        refer(sirm.officer, sirm.victim, sirm.police)

    assert refused.value.field == "owner_agency"


def test_the_owning_agencys_victim_coordinator_works_the_case(sirm):
    case = refer(sirm.officer, sirm.victim, sirm.service)
    worker = sirm.victim_coordinator

    case = case_transition(actor=worker, case=case, transition="accept")
    case_activity_record(actor=worker, case=case, activity="home_safety", text="Door chain fitted")
    onward = service_refer(
        actor=worker, case=case, service="trauma_therapy", referred_on=timezone.localdate()
    )

    assert (case.state, case.owner_user) == ("supported", worker)
    assert onward.service == "trauma_therapy"


@pytest.mark.parametrize("who", ["referring officer", "council practitioner"])
def test_only_a_victim_coordinator_of_the_owning_agency_changes_the_case(sirm, who):
    case = refer(sirm.officer, sirm.victim, sirm.service)
    actor = (
        sirm.officer
        if who == "referring officer"
        else UserFactory(agency=sirm.service, role=role("practitioner"))
    )

    with pytest.raises(AccessDenied):
        case_activity_record(actor=actor, case=case, activity="advice", text="Rang him")
    with pytest.raises(AccessDenied):
        service_refer(actor=actor, case=case, service="housing", referred_on=timezone.localdate())
