"""Recording incidents against people's records, and the outcomes the police give them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from casebridge.access.policy import AccessDenied, Action, authorize, visible
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.audit.services import audit_record, field_changes
from casebridge.core.dates import refuse_future
from casebridge.core.errors import ApplicationError
from casebridge.incidents.models import Incident
from casebridge.incidents.signals import incidents_recorded
from casebridge.people.models import Person


def _flagged(category: str, domestic_abuse: bool) -> bool:
    # A domestic-abuse incident is flagged whatever the caller says (the database insists).
    return domestic_abuse or category == Incident.Category.DOMESTIC_ABUSE


def _check_category(category: str) -> None:
    if category not in Incident.Category.values:
        raise ApplicationError(f"{category!r} is not an incident category.", field="category")


def _check_violence(*, weapon: str, injury: str, firearm_discharged: bool) -> None:
    if weapon not in Incident.Weapon.values:
        raise ApplicationError(f"{weapon!r} is not a kind of weapon.", field="weapon")
    if injury not in Incident.Injury.values:
        raise ApplicationError(f"{injury!r} is not an injury level.", field="injury")
    if firearm_discharged and weapon != Incident.Weapon.FIREARM:
        raise ApplicationError(
            "A firearm was discharged, so the weapon must be a firearm.", field="weapon"
        )


@dataclass(frozen=True)
class IncidentDetails:
    """One row of a partner's incident extract."""

    reference: str
    category: str
    occurred_at: datetime
    victim: Person
    suspect: Person | None = None
    domestic_abuse: bool = False
    weapon: str = ""
    firearm_discharged: bool = False
    kidnapping: bool = False
    injury: str = ""
    gang_related: bool = False
    child_in_victim_household: bool = False
    child_in_suspect_household: bool = False
    ward: str = ""
    outside_borough: bool = False


def _check(row: IncidentDetails) -> None:
    _check_category(row.category)
    _check_violence(weapon=row.weapon, injury=row.injury, firearm_discharged=row.firearm_discharged)


def _incident(agency: Agency, row: IncidentDetails) -> Incident:
    """The incident a row describes, reported by ``agency`` (not yet saved)."""
    return Incident(
        reporting_agency=agency,
        reference=row.reference,
        category=row.category,
        domestic_abuse=_flagged(row.category, row.domestic_abuse),
        occurred_at=row.occurred_at,
        victim=row.victim,
        suspect=row.suspect,
        weapon=row.weapon,
        firearm_discharged=row.firearm_discharged,
        kidnapping=row.kidnapping,
        injury=row.injury,
        gang_related=row.gang_related,
        child_in_victim_household=row.child_in_victim_household,
        child_in_suspect_household=row.child_in_suspect_household,
        ward=row.ward.strip(),
        outside_borough=row.outside_borough,
    )


@transaction.atomic
def incident_record(
    *,
    actor: User,
    reference: str,
    category: str,
    occurred_at: datetime,
    victim: Person,
    suspect: Person | None = None,
    domestic_abuse: bool = False,
    weapon: str = "",
    firearm_discharged: bool = False,
    kidnapping: bool = False,
    injury: str = "",
    gang_related: bool = False,
    child_in_victim_household: bool = False,
    child_in_suspect_household: bool = False,
    ward: str = "",
    outside_borough: bool = False,
) -> Incident:
    """Record an incident reported by the actor's agency. Recording it changes the people's
    records, so the actor must be allowed to change them.

    ``domestic_abuse`` is the domestic-abuse flag: an offence of another category (violence
    with injury, say) can carry it; a "domestic abuse" incident always does. The serious-violence
    details (``weapon`` to ``outside_borough``) are as the police recorded them; an incident
    that meets the SIRM criteria with them is proposed for a SIRM in the same transaction.
    """
    authorize(user=actor, action=Action.CHANGE, obj=victim)
    if suspect is not None:
        authorize(user=actor, action=Action.CHANGE, obj=suspect)
    if actor.agency is None:
        raise ApplicationError("Only a member of an agency can record an incident.")
    row = IncidentDetails(
        reference=reference,
        category=category,
        occurred_at=occurred_at,
        victim=victim,
        suspect=suspect,
        domestic_abuse=domestic_abuse,
        weapon=weapon,
        firearm_discharged=firearm_discharged,
        kidnapping=kidnapping,
        injury=injury,
        gang_related=gang_related,
        child_in_victim_household=child_in_victim_household,
        child_in_suspect_household=child_in_suspect_household,
        ward=ward,
        outside_borough=outside_borough,
    )
    _check(row)
    if Incident.objects.filter(reporting_agency=actor.agency, reference=reference).exists():
        raise ApplicationError(f"Incident {reference} is already recorded.", field="reference")
    incident = _incident(actor.agency, row)
    incident.save()
    audit_record(
        actor=actor,
        action="create",
        object_type="incident",
        object_id=incident.pk,
        summary=f"Recorded {incident.get_category_display().lower()} incident {reference}",
        changes={
            "victim": str(victim.pk),
            "suspect": str(suspect.pk) if suspect else None,
            "domestic_abuse": incident.domestic_abuse,
            "weapon": weapon,
            "injury": injury,
            "gang_related": gang_related,
        },
    )
    incidents_recorded.send(sender=Incident, incidents=[incident])
    return incident


@transaction.atomic
def incidents_import(
    *, actor: User, incidents: Sequence[IncidentDetails], source: str
) -> list[Incident]:
    """Record a reporting agency's extract of incidents in one transaction with one audit entry
    (a police force's daily domestic-abuse extract, say).

    The same rules as ``incident_record``, checked for the whole extract at once: the actor must
    be allowed to change every victim and suspect, and no reference may be recorded already
    (nor repeat within the extract). Nothing is recorded if any row breaks them. The incidents
    that meet the SIRM criteria are proposed for a SIRM in the same transaction.
    """
    if actor.agency is None:
        raise ApplicationError("Only a member of an agency can record an incident.")
    people = {row.victim.pk for row in incidents} | {
        row.suspect.pk for row in incidents if row.suspect is not None
    }
    changeable = set(
        visible(
            user=actor, action=Action.CHANGE, queryset=Person.objects.filter(pk__in=people)
        ).values_list("pk", flat=True)
    )
    if refused := people - changeable:
        raise AccessDenied(Action.CHANGE, "person", sorted(map(str, refused))[0])
    for row in incidents:
        _check(row)
    references = [row.reference for row in incidents]
    known = Incident.objects.filter(reporting_agency=actor.agency, reference__in=references)
    if len(set(references)) < len(references) or known.exists():
        raise ApplicationError("The extract repeats incidents already recorded.")
    created = Incident.objects.bulk_create(_incident(actor.agency, row) for row in incidents)
    audit_record(
        actor=actor,
        action="create",
        object_type="incident",
        summary=f"Recorded {len(created)} incidents from {source}",
        changes={
            "count": len(created),
            "source": source,
            "incidents": [str(incident.pk) for incident in created],
        },
    )
    incidents_recorded.send(sender=Incident, incidents=created)
    return created


@transaction.atomic
def incident_outcome_record(
    *, actor: User, incident: Incident, outcome: str, outcome_on: date
) -> Incident:
    """Record the outcome the reporting agency gave an incident (a charge, a caution, no further
    action...), replacing any earlier one such as "under investigation".

    Who may is the ``incident`` rules' (the agency that reported it, in the shipped rules); as
    for recording it, the actor must also be allowed to change the people's records.
    """
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    authorize(user=actor, action=Action.CHANGE, obj=incident)
    for person in (incident.victim, incident.suspect):
        if person is not None:
            authorize(user=actor, action=Action.CHANGE, obj=person)
    if outcome not in Incident.Outcome.values:
        raise ApplicationError("Select the outcome", field="outcome")
    if outcome_on < timezone.localdate(incident.occurred_at):
        raise ApplicationError(
            "The outcome date must be on or after the day of the incident", field="outcome_on"
        )
    refuse_future(
        outcome_on, field="outcome_on", message="The outcome date must be today or in the past"
    )
    changes = field_changes(
        {"outcome": incident.outcome, "outcome_on": incident.outcome_on},
        {"outcome": outcome, "outcome_on": outcome_on},
    )
    incident.outcome, incident.outcome_on = outcome, outcome_on
    incident.save(update_fields=["outcome", "outcome_on"])
    audit_record(
        actor=actor,
        action="change",
        object_type="incident",
        object_id=incident.pk,
        summary=f"Recorded outcome of incident {incident.reference}: "
        f"{incident.get_outcome_display().lower()}",
        changes=changes,
    )
    return incident
