"""SIRM proposals: made when an incident meeting the criteria is recorded, decided by the
coordinator, who convenes a meeting (opening the case) or records why none is needed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casebridge.access.policy import AccessDenied
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.pathways.models import Case, CasePerson
from casebridge.violence.models import SirmProposal
from casebridge.violence.services import sirm_convene, sirm_not_needed, sirm_proposals_for
from tests.factories import AgencyFactory, role
from tests.violence.sirm_factories import (
    officer,
    serious_incident,
    sirm,
    vve_coordinator,
    young_person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def police():
    return officer()


@pytest.fixture
def coordinator():
    return vve_coordinator()


def test_recording_an_incident_that_meets_the_criteria_proposes_a_sirm(police):
    incident = serious_incident(police)

    proposal = SirmProposal.objects.get(incident=incident)
    assert proposal.status == SirmProposal.Status.PROPOSED
    assert proposal.rule_version == sirm().version
    assert {"label": "A weapon was used", "evidence": "Knife or sharp instrument"} in (
        proposal.criteria
    )
    audit = AuditEvent.objects.get(object_type="sirm_proposal")
    assert audit.actor_username == "system" and "01/2345" in audit.summary


def test_an_incident_not_linked_to_gangs_is_not_proposed(police):
    serious_incident(police, gang_related=False)

    assert not SirmProposal.objects.exists()


def test_no_proposal_while_the_sirm_pathway_is_inactive(police):
    sirm().__class__.objects.filter(code="sirm").update(is_active=False)

    serious_incident(police)

    assert not SirmProposal.objects.exists()


def test_an_incident_is_proposed_once(police):
    incident = serious_incident(police)

    assert sirm_proposals_for(incidents=[incident]) == []
    assert SirmProposal.objects.count() == 1


def test_the_coordinator_convenes_a_sirm_with_the_case_on_the_agenda(police, coordinator):
    suspect = young_person(police)
    incident = serious_incident(police, suspect=suspect)
    school = AgencyFactory(kind="school")
    when = timezone.now() + timedelta(days=1)

    meeting = sirm_convene(
        actor=coordinator,
        proposal=incident.sirm_proposal,
        scheduled_for=when,
        attending_agencies=[police.agency, school],
    )

    proposal = SirmProposal.objects.get(pk=incident.sirm_proposal.pk)
    case = proposal.case
    assert (proposal.status, proposal.decided_by) == (SirmProposal.Status.CONVENED, coordinator)
    assert (case.pathway.code, case.state, case.subject) == ("sirm", "accepted", incident.victim)
    assert (case.consent, case.owner_agency) == (Case.Consent.NOT_ASKED, coordinator.agency)
    assert "Knife or sharp instrument" in case.referral_reason
    assert CasePerson.objects.get(case=case).person == suspect
    assert CasePerson.objects.get(case=case).role == CasePerson.Role.PERPETRATOR
    assert (meeting.title, meeting.pathway.code, meeting.chair) == (
        "SIRM - 01/2345",
        "sirm",
        coordinator,
    )
    assert [item.case for item in meeting.agenda.all()] == [case]
    assert set(meeting.attendees.values_list("agency", flat=True)) == {police.agency.pk, school.pk}
    assert AuditEvent.objects.filter(
        object_type="sirm_proposal", object_id=str(proposal.pk), action="change"
    ).exists()


def test_without_a_victim_the_suspect_is_the_case_subject(police, coordinator):
    suspect = young_person(police)
    incident = serious_incident(police, suspect=suspect)
    # The police's extract can name only a suspect (a victim who would not be identified).
    incident.victim = None
    incident.save(update_fields=["victim"])

    meeting = sirm_convene(
        actor=coordinator,
        proposal=incident.sirm_proposal,
        scheduled_for=timezone.now() + timedelta(days=1),
    )

    case = meeting.agenda.get().case
    assert case.subject == suspect and not case.people.exists()


def test_a_proposal_is_decided_once(police, coordinator):
    incident = serious_incident(police)
    sirm_not_needed(actor=coordinator, proposal=incident.sirm_proposal, reason="Already a SIRM")

    with pytest.raises(ApplicationError, match="already decided"):
        sirm_convene(
            actor=coordinator,
            proposal=incident.sirm_proposal,
            scheduled_for=timezone.now() + timedelta(days=1),
        )
    assert not Case.objects.filter(pathway__code="sirm").exists()


def test_no_sirm_needed_is_recorded_with_its_reason(police, coordinator):
    incident = serious_incident(police)

    proposal = sirm_not_needed(
        actor=coordinator, proposal=incident.sirm_proposal, reason="  Victim moved out of area "
    )

    assert (proposal.status, proposal.decision_reason) == ("not_needed", "Victim moved out of area")
    audit = AuditEvent.objects.get(object_id=str(proposal.pk), action="change")
    assert audit.reason == "Victim moved out of area"


def test_no_sirm_needed_needs_a_reason(police, coordinator):
    incident = serious_incident(police)

    with pytest.raises(ApplicationError) as error:
        sirm_not_needed(actor=coordinator, proposal=incident.sirm_proposal, reason=" ")
    assert error.value.field == "reason"


@pytest.mark.parametrize("role_code", ["panel_coordinator", "practitioner"])
def test_only_the_vve_coordinator_decides(police, role_code):
    incident = serious_incident(police)
    police.roles.set([role(role_code)])

    with pytest.raises(AccessDenied):
        sirm_not_needed(actor=police, proposal=incident.sirm_proposal, reason="Not needed")
    with pytest.raises(AccessDenied):
        sirm_convene(
            actor=police,
            proposal=incident.sirm_proposal,
            scheduled_for=timezone.now() + timedelta(days=1),
        )
