"""Recording incidents against people's records."""

from datetime import datetime

from django.db import transaction

from casebridge.access.policy import Action, authorize
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.incidents.models import Incident
from casebridge.people.models import Person


@transaction.atomic
def incident_record(
    *,
    actor: User,
    reference: str,
    category: str,
    occurred_at: datetime,
    victim: Person,
    suspect: Person | None = None,
) -> Incident:
    """Record an incident reported by the actor's agency. Recording it changes the people's
    records, so the actor must be allowed to change them."""
    authorize(user=actor, action=Action.CHANGE, obj=victim)
    if suspect is not None:
        authorize(user=actor, action=Action.CHANGE, obj=suspect)
    if actor.agency is None:
        raise ApplicationError("Only a member of an agency can record an incident.")
    if Incident.objects.filter(reporting_agency=actor.agency, reference=reference).exists():
        raise ApplicationError(f"Incident {reference} is already recorded.", field="reference")
    incident = Incident.objects.create(
        reporting_agency=actor.agency,
        reference=reference,
        category=category,
        occurred_at=occurred_at,
        victim=victim,
        suspect=suspect,
    )
    audit_record(
        actor=actor,
        action="create",
        object_type="incident",
        object_id=incident.pk,
        summary=f"Recorded {incident.get_category_display().lower()} incident {reference}",
        changes={"victim": str(victim.pk), "suspect": str(suspect.pk) if suspect else None},
    )
    return incident
