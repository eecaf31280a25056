"""Clare's Law (Domestic Violence Disclosure Scheme) requests recorded against a case."""

from datetime import date

from django.db import transaction

from casebridge.access.policy import Action, authorize
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.pathways.models import Case, DisclosureRequest


@transaction.atomic
def disclosure_request_record(
    *, actor: User, case: Case, route: str, requested_on: date
) -> DisclosureRequest:
    authorize(user=actor, action=Action.CHANGE, obj=case)
    if requested_on > date.today():
        raise ApplicationError("The request date cannot be in the future.", field="requested_on")
    request = DisclosureRequest.objects.create(
        case=case, route=route, requested_on=requested_on, recorded_by=actor
    )
    audit_record(
        actor=actor,
        action="create",
        object_type="disclosure_request",
        object_id=request.pk,
        summary=f"Recorded {request.get_route_display().lower()} request on {case.reference}",
    )
    return request


@transaction.atomic
def disclosure_decide(
    *, actor: User, request: DisclosureRequest, decision: str, decided_on: date
) -> DisclosureRequest:
    authorize(user=actor, action=Action.CHANGE, obj=request.case)
    if decision == DisclosureRequest.Decision.PENDING:
        raise ApplicationError("Choose whether a disclosure was made.", field="decision")
    if request.decision != DisclosureRequest.Decision.PENDING:
        raise ApplicationError("This request has already been decided.")
    if decided_on < request.requested_on:
        raise ApplicationError("The decision cannot come before the request.", field="decided_on")
    request.decision, request.decided_on = decision, decided_on
    request.save(update_fields=["decision", "decided_on"])
    audit_record(
        actor=actor,
        action="change",
        object_type="disclosure_request",
        object_id=request.pk,
        summary=f"Decided disclosure request on {request.case.reference}",
        changes={"decision": [DisclosureRequest.Decision.PENDING, decision]},
    )
    return request
