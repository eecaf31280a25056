"""Clare's Law (Domestic Violence Disclosure Scheme) requests recorded against a MARAC case."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from casebridge.access.policy import Action, authorize
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.pathways.models import MARAC_CODE, Case, DisclosureRequest


@transaction.atomic
def disclosure_request_record(
    *, actor: User, case: Case, route: str, requested_on: date
) -> DisclosureRequest:
    """Record a Clare's Law request (right to ask or right to know) on a MARAC case.

    Args:
        actor: who records it; they must be able to change the case.
        case: the MARAC case the request concerns.
        route: a ``DisclosureRequest.Route`` value.
        requested_on: when the police received the request; not in the future.

    Raises:
        AccessDenied: the actor may not change the case.
        ApplicationError: not a MARAC case, an unknown route or a future date.
    """
    authorize(user=actor, action=Action.CHANGE, obj=case)
    if case.pathway.code != MARAC_CODE:
        raise ApplicationError("Clare's Law requests are recorded on MARAC cases.")
    if route not in DisclosureRequest.Route.values:
        raise ApplicationError("Select how the request was made", field="route")
    if requested_on > timezone.localdate():
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
        changes={
            "case": str(case.pk),
            "route": [None, route],
            "requested_on": [None, requested_on],
        },
    )
    return request


@transaction.atomic
def disclosure_decide(
    *, actor: User, request: DisclosureRequest, decision: str, decided_on: date
) -> DisclosureRequest:
    """Record whether a disclosure was made, once, on or after the request and not in the future.

    Raises:
        AccessDenied: the actor may not change the request's case.
        ApplicationError: no decision chosen, already decided, or an impossible date.
    """
    # Lock the row so two people deciding at once cannot both see it pending.
    request = (
        DisclosureRequest.objects.select_for_update()
        .select_related("case", "case__pathway")
        .get(pk=request.pk)
    )
    authorize(user=actor, action=Action.CHANGE, obj=request.case)
    if decision not in DisclosureRequest.Decision.values or (
        decision == DisclosureRequest.Decision.PENDING
    ):
        raise ApplicationError("Choose whether a disclosure was made.", field="decision")
    if request.decision != DisclosureRequest.Decision.PENDING:
        raise ApplicationError("This request has already been decided.")
    if decided_on < request.requested_on:
        raise ApplicationError("The decision cannot come before the request.", field="decided_on")
    if decided_on > timezone.localdate():
        raise ApplicationError("The decision date cannot be in the future.", field="decided_on")
    request.decision, request.decided_on = decision, decided_on
    request.save(update_fields=["decision", "decided_on"])
    audit_record(
        actor=actor,
        action="change",
        object_type="disclosure_request",
        object_id=request.pk,
        summary=f"Decided disclosure request on {request.case.reference}",
        changes={
            "decision": [DisclosureRequest.Decision.PENDING, decision],
            "decided_on": [None, decided_on],
        },
    )
    return request
