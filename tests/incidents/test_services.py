"""Recording incidents, police extracts of them, and their outcomes."""

from datetime import UTC, date, datetime

import pytest

from casebridge.access.models import PermissionRule
from casebridge.access.policy import AccessDenied, Action, allows
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.incidents.models import Incident
from casebridge.incidents.services import (
    IncidentDetails,
    incident_outcome_record,
    incident_record,
    incidents_import,
)
from casebridge.violence.models import SirmProposal
from tests.factories import AgencyFactory, PersonFactory, UserFactory, role

pytestmark = pytest.mark.django_db

OCCURRED_AT = datetime(2022, 3, 31, 22, 30, tzinfo=UTC)  # 23:30 on 31 March in London


@pytest.fixture
def officer():
    return UserFactory(agency=AgencyFactory(kind=Agency.Kind.POLICE))


@pytest.fixture
def victim(officer):
    return PersonFactory(recorded_by_agency=officer.agency)


def record(officer, victim, **overrides):
    arguments = {
        "actor": officer,
        "reference": "CRIS-1",
        "category": Incident.Category.VIOLENCE_WITH_INJURY,
        "occurred_at": OCCURRED_AT,
        "victim": victim,
    } | overrides
    return incident_record(**arguments)


def test_an_offence_can_be_violence_with_injury_and_domestic_abuse(officer, victim):
    incident = record(officer, victim, domestic_abuse=True)
    assert (incident.category, incident.domestic_abuse) == ("violence_with_injury", True)


def test_a_domestic_abuse_incident_is_always_flagged(officer, victim):
    incident = record(officer, victim, category=Incident.Category.DOMESTIC_ABUSE)
    assert incident.domestic_abuse is True


def test_an_extract_is_recorded_with_one_audit_entry(officer, victim):
    before = AuditEvent.objects.count()
    rows = [
        IncidentDetails(f"CAD-{n}", Incident.Category.DOMESTIC_ABUSE, OCCURRED_AT, victim)
        for n in range(3)
    ]
    created = incidents_import(actor=officer, incidents=rows, source="police extract")
    assert len(created) == 3 and all(incident.domestic_abuse for incident in created)
    assert AuditEvent.objects.count() == before + 1


def test_an_extract_naming_someone_the_officer_may_not_change_records_nothing(officer, victim):
    stranger = PersonFactory()  # recorded by another agency
    rows = [
        IncidentDetails("CAD-1", Incident.Category.DOMESTIC_ABUSE, OCCURRED_AT, victim),
        IncidentDetails("CAD-2", Incident.Category.DOMESTIC_ABUSE, OCCURRED_AT, stranger),
    ]
    with pytest.raises(AccessDenied):
        incidents_import(actor=officer, incidents=rows, source="police extract")
    assert not Incident.objects.exists()


def test_the_reporting_officer_records_an_outcome_and_it_is_audited(officer, victim):
    incident = record(officer, victim, domestic_abuse=True)
    incident_outcome_record(
        actor=officer, incident=incident, outcome="charge_summons", outcome_on=date(2022, 4, 20)
    )
    incident.refresh_from_db()
    assert (incident.outcome, incident.outcome_on) == ("charge_summons", date(2022, 4, 20))
    entry = AuditEvent.objects.filter(object_id=str(incident.pk)).latest("sequence")
    assert entry.changes["outcome"] == ["", "charge_summons"]


def test_another_agency_may_not_record_an_outcome(officer, victim):
    incident = record(officer, victim)
    other_force = UserFactory(agency=AgencyFactory(kind=Agency.Kind.POLICE))
    with pytest.raises(AccessDenied):
        incident_outcome_record(
            actor=other_force, incident=incident, outcome="caution", outcome_on=date(2022, 4, 2)
        )
    incident.refresh_from_db()
    assert incident.outcome == ""


def test_a_role_that_may_not_change_people_may_not_record_an_outcome(officer, victim):
    incident = record(officer, victim)
    analyst = UserFactory(agency=officer.agency, role=role("analyst"))
    with pytest.raises(AccessDenied):
        incident_outcome_record(
            actor=analyst, incident=incident, outcome="caution", outcome_on=date(2022, 4, 2)
        )


def test_who_records_an_outcome_is_the_incident_rules(officer, victim):
    incident = record(officer, victim)
    PermissionRule.objects.filter(resource=PermissionRule.Resource.INCIDENT).delete()
    officer = User.objects.get(pk=officer.pk)  # as the next request loads them
    with pytest.raises(AccessDenied):
        incident_outcome_record(
            actor=officer, incident=incident, outcome="caution", outcome_on=date(2022, 4, 2)
        )
    # The officer may still change the people: it is the incident rule that refused.
    victim.refresh_from_db()
    assert allows(user=officer, action=Action.CHANGE, obj=victim)


def test_a_role_without_an_incident_rule_at_the_reporting_agency_may_not_record_an_outcome(
    officer, victim
):
    incident = record(officer, victim)
    manager = UserFactory(agency=officer.agency, role=role("manager"))
    with pytest.raises(AccessDenied):
        incident_outcome_record(
            actor=manager, incident=incident, outcome="caution", outcome_on=date(2022, 4, 2)
        )
    incident.refresh_from_db()
    assert incident.outcome == ""


def test_an_outcome_before_the_london_day_of_the_incident_is_refused(officer, victim):
    incident = record(officer, victim)  # 31 March in London
    with pytest.raises(ApplicationError) as error:
        incident_outcome_record(
            actor=officer, incident=incident, outcome="caution", outcome_on=date(2022, 3, 30)
        )
    assert error.value.field == "outcome_on"
    incident_outcome_record(
        actor=officer, incident=incident, outcome="caution", outcome_on=date(2022, 3, 31)
    )


def test_an_unknown_outcome_is_refused(officer, victim):
    incident = record(officer, victim)
    with pytest.raises(ApplicationError) as error:
        incident_outcome_record(
            actor=officer, incident=incident, outcome="detected", outcome_on=date(2022, 4, 2)
        )
    assert error.value.field == "outcome"


def stabbing(reference, victim):
    """A gang-related stabbing of a young victim: it meets the SIRM criteria."""
    return IncidentDetails(
        reference,
        Incident.Category.VIOLENCE_WITH_INJURY,
        OCCURRED_AT,
        victim,
        weapon=Incident.Weapon.KNIFE,
        injury=Incident.Injury.SERIOUS,
        gang_related=True,
        ward="Burnt Oak",
    )


def test_an_extract_proposes_a_sirm_for_each_incident_meeting_the_criteria(officer):
    young = PersonFactory(recorded_by_agency=officer.agency, date_of_birth=date(2006, 1, 1))
    adult = PersonFactory(recorded_by_agency=officer.agency)
    rows = [stabbing("CAD-1", young), stabbing("CAD-2", adult)]

    created = incidents_import(actor=officer, incidents=rows, source="police extract")

    assert [incident.ward for incident in created] == ["Burnt Oak", "Burnt Oak"]
    assert list(SirmProposal.objects.values_list("incident__reference", flat=True)) == ["CAD-1"]


def test_an_extract_that_fails_records_no_proposal(officer):
    young = PersonFactory(recorded_by_agency=officer.agency, date_of_birth=date(2006, 1, 1))
    stranger = PersonFactory()
    rows = [stabbing("CAD-1", young), stabbing("CAD-2", stranger)]

    with pytest.raises(AccessDenied):
        incidents_import(actor=officer, incidents=rows, source="police extract")

    assert not SirmProposal.objects.exists() and not Incident.objects.exists()


def test_a_discharged_firearm_must_be_the_weapon(officer, victim):
    with pytest.raises(ApplicationError) as error:
        record(officer, victim, weapon=Incident.Weapon.KNIFE, firearm_discharged=True)
    assert error.value.field == "weapon"
