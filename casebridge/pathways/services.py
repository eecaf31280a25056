"""Referrals and case transitions: one engine for every pathway definition."""

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from casebridge.access.policy import (
    AccessDenied,
    Action,
    Resource,
    authorize,
    require_permission,
)
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.pathways import events
from casebridge.pathways.models import Case, CaseEvent, CasePerson, Pathway
from casebridge.pathways.selectors import available_transitions
from casebridge.people.models import Person

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def _new_reference(pathway: Pathway) -> str:
    while True:
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        reference = f"{pathway.reference_prefix}-{code}"
        if not Case.objects.filter(reference=reference).exists():
            return reference


@transaction.atomic
def referral_create(
    *,
    actor: User,
    pathway: Pathway,
    subject: Person,
    referral_reason: str,
    consent: str,
    lawful_basis: str,
    other_people: Sequence[tuple[Person, str]] = (),
    owner_agency: Agency | None = None,
    referred_at: datetime | None = None,
) -> Case:
    """Refer ``subject`` into ``pathway``. The case starts in the pathway's initial state."""
    require_permission(user=actor, action=Action.CREATE, resource=Resource.CASE, pathway=pathway)
    authorize(user=actor, action=Action.VIEW, obj=subject)
    if not pathway.is_active:
        raise ApplicationError(f"{pathway.name} is not taking referrals.")
    if consent != Case.Consent.GIVEN and lawful_basis == Case.LawfulBasis.CONSENT:
        raise ApplicationError(
            "Consent cannot be the lawful basis when the person has not given consent.",
            field="lawful_basis",
        )
    agency = actor.agency
    if agency is None:
        raise AccessDenied(Action.CREATE, Resource.CASE)
    receiving = pathway.receiving_agency_kinds
    if receiving and (owner_agency is None or owner_agency.kind not in receiving):
        raise ApplicationError(
            f"Choose the service to refer to for {pathway.name}.", field="owner_agency"
        )
    owner = owner_agency or agency
    # Referred to another agency's service: that service allocates its own team and worker.
    own_case = owner.pk == agency.pk
    case = Case.objects.create(
        reference=_new_reference(pathway),
        pathway=pathway,
        subject=subject,
        state=pathway.initial_state,
        owner_agency=owner,
        owner_team=actor.team if own_case else None,
        owner_user=actor if own_case else None,
        referring_agency=agency,
        referred_by=actor,
        referred_at=referred_at or timezone.now(),
        referral_reason=referral_reason,
        consent=consent,
        lawful_basis=lawful_basis,
    )
    events.case_referred(case=case, actor=actor)
    for person, role in other_people:
        authorize(user=actor, action=Action.VIEW, obj=person)
        CasePerson.objects.create(case=case, person=person, role=role)
        # Named in the referral, so on the timeline at the (possibly back-dated) referral time.
        events.case_person_added(
            case=case,
            actor=actor,
            role_label=CasePerson.Role(role).label,
            occurred_at=case.referred_at,
        )
    audit_record(
        actor=actor,
        action="create",
        object_type="case",
        object_id=case.pk,
        summary=f"Referred {case.reference} into {pathway.name}",
        changes={
            "state": [None, case.state],
            "consent": [None, consent],
            "lawful_basis": [None, lawful_basis],
            "other_people": len(other_people),
        },
    )
    return case


@transaction.atomic
def case_transition(
    *,
    actor: User,
    case: Case,
    transition: str,
    reason: str = "",
    outcome: str = "",
    at: datetime | None = None,
) -> Case:
    """Move a case along one of its pathway's transitions.

    A transition that lists ``outcomes`` needs one of their codes as ``outcome`` (the housing
    option taken, why someone left a programme); it is kept on the case and its timeline entry.
    ``at`` back-dates the timeline entry (records entered after the event); the audit entry
    always carries the real time of the write.
    """
    # Lock the row so two people acting at once cannot both move it from the same state.
    case = Case.objects.select_for_update().select_related("pathway").get(pk=case.pk)
    authorize(user=actor, action=Action.CHANGE, obj=case)
    allowed = {t["code"]: t for t in available_transitions(user=actor, case=case)}
    chosen = allowed.get(transition)
    if chosen is None:
        raise ApplicationError(
            f"This case is {case.state_label.lower()}; that action is not available to you now."
        )
    reason = reason.strip()
    if chosen.get("requires_reason") and not reason:
        raise ApplicationError("Give a reason.", field="reason")
    chosen_outcome = _chosen_outcome(chosen, outcome)
    previous = case.state
    case.state = chosen["to"]
    if chosen_outcome is not None:
        case.outcome = chosen_outcome["code"]
    if case.is_closed:
        case.closed_reason = reason
    if chosen.get("allocates") and case.owner_user_id is None:
        case.owner_user, case.owner_team = actor, actor.team
    case.save(
        update_fields=[
            "state",
            "closed_reason",
            "outcome",
            "owner_user",
            "owner_team",
            "updated_at",
        ]
    )
    events.case_transitioned(
        case=case,
        actor=actor,
        from_state=previous,
        label=chosen["label"],
        reason=reason,
        occurred_at=at or timezone.now(),
        outcome=chosen_outcome,
    )
    changes: dict[str, object] = {"state": [previous, case.state]}
    if chosen_outcome is not None:
        changes["outcome"] = chosen_outcome["code"]
    audit_record(
        actor=actor,
        action="change",
        object_type="case",
        object_id=case.pk,
        summary=f"{chosen['label']}: {case.reference}",
        changes=changes,
        reason=reason,
    )
    return case


def _chosen_outcome(transition: dict[str, Any], outcome: str) -> dict[str, str] | None:
    outcomes = transition.get("outcomes")
    if not outcomes:
        return None
    chosen = next((o for o in outcomes if o["code"] == outcome), None)
    if chosen is None:
        raise ApplicationError("Select the outcome.", field="outcome")
    return chosen


@transaction.atomic
def case_activity_record(
    *, actor: User, case: Case, activity: str, text: str, occurred_at: datetime | None = None
) -> CaseEvent:
    """Record casework (a contact, a safety plan, a risk review) on an open case."""
    case = Case.objects.select_for_update().select_related("pathway").get(pk=case.pk)
    authorize(user=actor, action=Action.CHANGE, obj=case)
    label = case.pathway.activity_label(activity)
    if label is None:
        raise ApplicationError(f"{case.pathway.name} does not record that kind of casework.")
    if case.is_closed:
        raise ApplicationError("This case is closed; reopen it before recording casework.")
    if not text.strip():
        raise ApplicationError("Describe what happened.", field="text")
    event = events.case_activity(
        case=case,
        actor=actor,
        activity=activity,
        text=f"{label}: {text.strip()}",
        occurred_at=occurred_at or timezone.now(),
    )
    audit_record(
        actor=actor,
        action="create",
        object_type="case",
        object_id=case.pk,
        summary=f"Recorded {label.lower()} on {case.reference}",
    )
    return event
