"""Writing refuges and stays. Every write is authorised and audited in the same transaction.

Nothing here writes a refuge's address into the audit log: auditors are not entitled to it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q

from casebridge.access.policy import (
    Action,
    Resource,
    authorize,
    authorize_stays,
    require_permission,
)
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.audit.services import audit_record
from casebridge.core.dates import refuse_future
from casebridge.core.errors import ApplicationError
from casebridge.people.models import Person
from casebridge.refuges.models import Refuge, Stay, StayChild

MAX_BED_SPACES = 200


@dataclass(frozen=True)
class RefugeAddress:
    line_1: str
    town: str
    postcode: str
    line_2: str = ""


@transaction.atomic
def refuge_create(
    *, actor: User, name: str, provider: Agency, bed_spaces: int, address: RefugeAddress
) -> Refuge:
    """Record a refuge run by ``provider`` (a charity or housing provider).

    Args:
        actor: a practitioner of the provider (the rules decide).
        name: how the refuge is known to partners; never its address.
        provider: the agency running it; its staff alone see the address.
        bed_spaces: households it takes at once (one woman and her children each).
        address: the restricted address.
    """
    require_permission(user=actor, action=Action.CREATE, resource=Resource.REFUGE)
    name = name.strip()
    if not name:
        raise ApplicationError("Enter the refuge's name.", field="name")
    if provider.kind not in Refuge.PROVIDER_KINDS:
        raise ApplicationError(
            "A refuge is run by a charity or a housing provider.", field="provider"
        )
    if not 0 < bed_spaces <= MAX_BED_SPACES:
        raise ApplicationError(
            f"Bed spaces must be between 1 and {MAX_BED_SPACES}.", field="bed_spaces"
        )
    if not (address.line_1.strip() and address.town.strip() and address.postcode.strip()):
        raise ApplicationError("Enter the refuge's address and postcode.", field="line_1")
    refuge = Refuge.objects.create(
        name=name,
        provider=provider,
        bed_spaces=bed_spaces,
        line_1=address.line_1.strip(),
        line_2=address.line_2.strip(),
        town=address.town.strip(),
        postcode=address.postcode.strip().upper(),
        created_by=actor,
    )
    # The same query as every later check: creating for another agency rolls back here.
    authorize(user=actor, action=Action.CREATE, obj=refuge)
    audit_record(
        actor=actor,
        action="create",
        object_type=Resource.REFUGE,
        object_id=refuge.pk,
        summary=f"Recorded refuge {refuge.name}",
        changes={
            "provider": provider.code,
            "bed_spaces": bed_spaces,
            "address": "recorded (restricted)",
        },
    )
    return refuge


def _lock(refuge: Refuge) -> Refuge:
    """Re-read the refuge under a row lock: two arrivals for the last bed cannot both pass."""
    return Refuge.objects.select_for_update().get(pk=refuge.pk)


def _label(person: Person) -> str:
    name = person.primary_name
    return name.full_name if name else "This person"


def _overlapping_stay(person: Person, arrived_on: date) -> bool:
    """Whether a stay (as resident or as a child) overlaps an open stay from ``arrived_on``.

    Leaving one refuge and arriving at another on the same day is not an overlap.
    """
    overlaps = Q(departed_on__isnull=True) | Q(departed_on__gt=arrived_on)
    return (
        Stay.objects.filter(overlaps)
        .filter(Q(person=person) | Q(stay_children__person=person))
        .exists()
    )


def _first_full_night(refuge: Refuge, arrived_on: date) -> date | None:
    """The first night from ``arrived_on`` on which every bed space is already taken.

    The new stay is open-ended, so every later night counts, including the nights of stays
    recorded after the fact.
    """
    stays = Stay.objects.filter(refuge=refuge).filter(
        Q(departed_on__isnull=True) | Q(departed_on__gt=arrived_on)
    )
    changes: list[tuple[date, int]] = []
    for arrived, departed in stays.values_list("arrived_on", "departed_on"):
        changes.append((max(arrived, arrived_on), 1))
        if departed is not None:
            changes.append((departed, -1))
    occupied = 0
    # On a day someone leaves and someone arrives, the bed is free for the new arrival.
    for day, change in sorted(changes, key=lambda c: (c[0], c[1])):
        occupied += change
        if occupied >= refuge.bed_spaces:
            return day
    return None


@transaction.atomic
def stay_begin(
    *,
    actor: User,
    refuge: Refuge,
    person: Person,
    arrived_on: date,
    children: Sequence[Person] = (),
) -> Stay:
    """Record a woman's arrival at a refuge, with the children who came with her.

    Refused when the refuge has no bed space free on any night from ``arrived_on`` on, when
    she or a child already has a stay overlapping it, or when ``arrived_on`` is in the future.
    """
    refuge = _lock(refuge)
    authorize_stays(user=actor, action=Action.CREATE, refuge=refuge)
    authorize(user=actor, action=Action.VIEW, obj=person)
    for child in children:
        authorize(user=actor, action=Action.VIEW, obj=child)
    refuse_future(
        arrived_on, field="arrived_on", message="The arrival date must be today or in the past."
    )
    child_ids = [child.pk for child in children]
    if person.pk in child_ids:
        raise ApplicationError("She cannot also be one of her children.", field="children")
    if len(set(child_ids)) != len(child_ids):
        raise ApplicationError("A child is listed twice.", field="children")
    if _overlapping_stay(person, arrived_on):
        raise ApplicationError(
            f"{_label(person)} already has a refuge stay on or after that date.",
            field="arrived_on",
        )
    for child in children:
        if _overlapping_stay(child, arrived_on):
            raise ApplicationError(
                f"{_label(child)} already has a refuge stay on or after that date.",
                field="children",
            )
    full_on = _first_full_night(refuge, arrived_on)
    if full_on is not None:
        raise ApplicationError(
            f"{refuge.name} has no bed space free on {full_on:%-d %B %Y}: all "
            f"{refuge.bed_spaces} are taken.",
            field="arrived_on",
        )
    stay = Stay.objects.create(
        refuge=refuge, person=person, arrived_on=arrived_on, recorded_by=actor
    )
    StayChild.objects.bulk_create(StayChild(stay=stay, person=child) for child in children)
    audit_record(
        actor=actor,
        action="create",
        object_type=Resource.REFUGE_STAY,
        object_id=stay.pk,
        summary=f"Recorded an arrival at {refuge.name}",
        changes={
            "refuge": str(refuge.pk),
            "person": str(person.pk),
            "children": [str(pk) for pk in child_ids],
            "arrived_on": arrived_on,
        },
    )
    return stay


@transaction.atomic
def stay_end(*, actor: User, stay: Stay, departed_on: date | None, move_on: str) -> Stay:
    """Record a departure and where she moved on to.

    Refused for a stay already ended, a departure before the arrival or in the future, or
    without a move-on outcome.
    """
    stay = Stay.objects.select_for_update().select_related("refuge").get(pk=stay.pk)
    authorize_stays(user=actor, action=Action.CHANGE, refuge=stay.refuge)
    if stay.departed_on is not None:
        raise ApplicationError("This stay has already ended.")
    if departed_on is None:
        raise ApplicationError("Enter the departure date.", field="departed_on")
    if departed_on < stay.arrived_on:
        raise ApplicationError(
            f"The departure date must be on or after the arrival ({stay.arrived_on:%-d %B %Y}).",
            field="departed_on",
        )
    refuse_future(
        departed_on,
        field="departed_on",
        message="The departure date must be today or in the past.",
    )
    if move_on not in Stay.MoveOn.values:
        raise ApplicationError("Select where she moved on to.", field="move_on")
    stay.departed_on = departed_on
    stay.move_on = move_on
    stay.departure_recorded_by = actor
    stay.save(update_fields=["departed_on", "move_on", "departure_recorded_by", "updated_at"])
    audit_record(
        actor=actor,
        action="change",
        object_type=Resource.REFUGE_STAY,
        object_id=stay.pk,
        summary=f"Recorded a departure from {stay.refuge.name}",
        changes={"departed_on": [None, departed_on], "move_on": [None, move_on]},
    )
    return stay
