from unittest import mock

import pytest
from django.db import DatabaseError

from casebridge.access.policy import AccessDenied
from casebridge.audit import services as audit_services
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.pathways.models import Case, CaseEvent, CasePerson
from casebridge.pathways.services import case_transition, referral_create
from tests.factories import CaseFactory, PersonFactory, UserFactory, marac, role

pytestmark = pytest.mark.django_db


def refer(actor, subject, **overrides):
    arguments = {
        "actor": actor,
        "pathway": marac(),
        "subject": subject,
        "referral_reason": "14 ticks on the risk checklist",
        "consent": Case.Consent.GIVEN,
        "lawful_basis": Case.LawfulBasis.CONSENT,
    } | overrides
    return referral_create(**arguments)


def test_referral_starts_in_the_initial_state_with_a_timeline_and_an_audit_entry():
    practitioner = UserFactory()
    victim = PersonFactory(recorded_by_agency=practitioner.agency)
    case = refer(practitioner, victim)
    assert case.state == "referred"
    assert case.owner_agency == practitioner.agency == case.referring_agency
    assert case.reference.startswith("MARAC-")
    assert [e.kind for e in case.timeline.all()] == [CaseEvent.Kind.REFERRED]
    assert AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)).exists()


def test_referral_records_perpetrator_and_children():
    practitioner = UserFactory()
    agency = practitioner.agency
    victim, perpetrator = (
        PersonFactory(recorded_by_agency=agency),
        PersonFactory(recorded_by_agency=agency),
    )
    children = [PersonFactory(recorded_by_agency=agency) for _ in range(3)]
    case = refer(
        practitioner,
        victim,
        other_people=[(perpetrator, CasePerson.Role.PERPETRATOR)]
        + [(child, CasePerson.Role.CHILD) for child in children],
    )
    roles = sorted(case.people.values_list("role", flat=True))
    assert roles == ["child", "child", "child", "perpetrator"]


def test_cannot_refer_a_person_the_referrer_cannot_see():
    with pytest.raises(AccessDenied):
        refer(UserFactory(), PersonFactory())


def test_roles_without_a_referral_rule_cannot_refer():
    manager = UserFactory(role=role("manager"))
    with pytest.raises(AccessDenied):
        refer(manager, PersonFactory(recorded_by_agency=manager.agency))


def test_consent_cannot_be_the_lawful_basis_without_consent():
    practitioner = UserFactory()
    with pytest.raises(ApplicationError) as error:
        refer(
            practitioner,
            PersonFactory(recorded_by_agency=practitioner.agency),
            consent=Case.Consent.REFUSED,
        )
    assert error.value.field == "lawful_basis"
    assert not Case.objects.exists()


def test_coordinator_moves_a_case_from_referral_to_closure():
    coordinator = UserFactory(role=role("panel_coordinator"))
    case = CaseFactory()
    for transition in ("accept", "open"):
        case = case_transition(actor=coordinator, case=case, transition=transition)
    case = case_transition(
        actor=coordinator, case=case, transition="close", reason="Actions completed"
    )
    assert case.state == "closed"
    assert case.closed_reason == "Actions completed"
    assert [e.to_state for e in case.timeline.filter(kind="transition")] == [
        "accepted",
        "open",
        "closed",
    ]


def test_closing_needs_a_reason():
    coordinator = UserFactory(role=role("panel_coordinator"))
    case = CaseFactory(state="open")
    with pytest.raises(ApplicationError) as error:
        case_transition(actor=coordinator, case=case, transition="close", reason="  ")
    assert error.value.field == "reason"
    case.refresh_from_db()
    assert case.state == "open"


def test_a_transition_not_available_from_the_current_state_is_refused():
    coordinator = UserFactory(role=role("panel_coordinator"))
    case = CaseFactory(state="referred")
    with pytest.raises(ApplicationError):
        case_transition(actor=coordinator, case=case, transition="close", reason="Done")


def test_a_practitioner_cannot_take_a_coordinators_transition_on_their_own_case():
    practitioner = UserFactory()
    case = CaseFactory(owner_agency=practitioner.agency, owner_user=practitioner)
    with pytest.raises(ApplicationError):
        case_transition(actor=practitioner, case=case, transition="accept")


def test_another_agency_cannot_transition_a_case_it_cannot_see():
    case = CaseFactory()
    with pytest.raises(AccessDenied):
        case_transition(actor=UserFactory(), case=case, transition="accept")


def test_if_the_audit_entry_cannot_be_written_the_change_rolls_back():
    coordinator = UserFactory(role=role("panel_coordinator"))
    case = CaseFactory()
    # The database refuses the entry itself: its insert names a table that is not there (on
    # SQLite the entry's insert, with the hashes; on PostgreSQL the one statement, with the
    # text it hashes).
    unwritable = "INSERT INTO audit_unwritable VALUES ({})"
    with (
        mock.patch.object(audit_services, "INSERT", unwritable.format(", ".join(["%s"] * 14))),
        mock.patch.object(
            audit_services, "APPEND_ON_POSTGRESQL", unwritable.format(", ".join(["%s"] * 13))
        ),
        pytest.raises(DatabaseError),
    ):
        case_transition(actor=coordinator, case=case, transition="accept")
    case.refresh_from_db()
    assert case.state == "referred"
    assert not case.timeline.exists()
