"""Reading refuges, their residents and occupancy, narrowed by the access rules in the query.

Occupancy figures (bed-nights, how many women and children were supported) name nobody and are
open to whoever may see the refuge; residents' names need the ``refuge_stay`` rule; the address
needs the ``refuge_address`` rule or an explicit entitlement.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet

from casebridge.access.policy import (
    AccessDenied,
    Action,
    Resource,
    authorize_stays,
    permitted,
    visible,
    visible_refuge_addresses,
)
from casebridge.accounts.models import User
from casebridge.people.models import Person, PersonName, Relationship
from casebridge.refuges.models import Refuge, Stay, StayChild


def visible_refuges(*, user: User, action: str = Action.VIEW) -> QuerySet[Refuge]:
    return visible(user=user, action=action, queryset=Refuge.objects.all())


def may_view_refuges(*, user: User) -> bool:
    """Whether the user may open the refuge list: a rule, or an entitlement to one address."""
    if permitted(user=user, action=Action.VIEW, resource=Resource.REFUGE):
        return True
    return visible_refuges(user=user).exists()


def has_visible_refuges(*, user: User) -> bool:
    """Whether there is a refuge the user may see (navigation: no link to an empty list)."""
    return visible_refuges(user=user).exists()


def refuge_list(*, user: User) -> QuerySet[Refuge]:
    return visible_refuges(user=user).select_related("provider").order_by("name")


def refuge_get(*, user: User, refuge_id: UUID | str) -> Refuge:
    """The refuge, if the user may see it; ``AccessDenied`` (shown as 404) otherwise."""
    refuge = refuge_list(user=user).filter(pk=refuge_id).first()
    if refuge is None:
        raise AccessDenied(Action.VIEW, Resource.REFUGE, refuge_id)
    return refuge


def refuge_addresses(*, user: User, refuges: Iterable[Refuge]) -> dict[UUID, str]:
    """The addresses of those of ``refuges`` the user is entitled to see, by refuge id.

    A refuge missing from the result has an address the user may not see: show nothing.
    """
    ids = [refuge.pk for refuge in refuges]
    entitled = visible_refuge_addresses(user=user, queryset=Refuge.objects.filter(pk__in=ids))
    return {refuge.pk: refuge.address for refuge in entitled}


def may_act_on_stays(*, user: User, refuge: Refuge, action: str) -> bool:
    try:
        authorize_stays(user=user, action=action, refuge=refuge)
    except AccessDenied:
        return False
    return True


# --- occupancy -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Occupancy:
    """One refuge over ``start``..``end`` (both inclusive)."""

    refuge: Refuge
    start: date
    end: date
    bed_nights_used: int
    bed_nights_available: int
    women: int
    children: int

    @property
    def percent_used(self) -> int:
        if not self.bed_nights_available:
            return 0
        return round(100 * self.bed_nights_used / self.bed_nights_available)


def _overlapping(start: date, end: date) -> Q:
    """Stays at the refuge on some day of ``start``..``end`` (leaving on ``start`` counts)."""
    return Q(arrived_on__lte=end) & (Q(departed_on__isnull=True) | Q(departed_on__gte=start))


def _nights(stay_arrived: date, stay_departed: date | None, start: date, end: date) -> int:
    """Nights of the stay falling on ``start``..``end``: a night is counted on its evening."""
    first = max(stay_arrived, start)
    after_last = min(stay_departed or end + timedelta(days=1), end + timedelta(days=1))
    return max(0, (after_last - first).days)


def refuge_occupancy(
    *, user: User, start: date, end: date, refuges: Iterable[Refuge] | None = None
) -> list[Occupancy]:
    """Bed-nights used and available, and the women and children supported, per refuge.

    Args:
        user: who is asking; only refuges they may see are counted.
        start, end: the first and last day of the period, both inclusive.
        refuges: limit to these (default: every refuge the user may see).

    A woman or child is "supported" in the period if she stayed on any day of it; each is
    counted once per refuge, however many stays. Bed-nights available are bed spaces times the
    days in the period.
    """
    if end < start:
        raise ValueError("The period ends before it starts.")
    shown = visible_refuges(user=user).select_related("provider").order_by("name")
    if refuges is not None:
        shown = shown.filter(pk__in=[refuge.pk for refuge in refuges])
    by_id = {refuge.pk: refuge for refuge in shown}
    stays = Stay.objects.filter(_overlapping(start, end), refuge_id__in=by_id)
    used: dict[UUID, int] = dict.fromkeys(by_id, 0)
    women: dict[UUID, set[UUID]] = {pk: set() for pk in by_id}
    for refuge_id, person_id, arrived, departed in stays.values_list(
        "refuge_id", "person_id", "arrived_on", "departed_on"
    ):
        used[refuge_id] += _nights(arrived, departed, start, end)
        women[refuge_id].add(person_id)
    children: dict[UUID, set[UUID]] = {pk: set() for pk in by_id}
    for refuge_id, person_id in StayChild.objects.filter(stay__in=stays).values_list(
        "stay__refuge_id", "person_id"
    ):
        children[refuge_id].add(person_id)
    days = (end - start).days + 1
    return [
        Occupancy(
            refuge=refuge,
            start=start,
            end=end,
            bed_nights_used=used[pk],
            bed_nights_available=refuge.bed_spaces * days,
            women=len(women[pk]),
            children=len(children[pk]),
        )
        for pk, refuge in by_id.items()
    ]


def occupied_on(*, refuge: Refuge, day: date) -> int:
    """How many bed spaces are taken on the night of ``day`` (no names: figures only)."""
    return (
        Stay.objects.filter(refuge=refuge, arrived_on__lte=day)
        .filter(Q(departed_on__isnull=True) | Q(departed_on__gt=day))
        .count()
    )


# --- residents -----------------------------------------------------------------------------


def _named(queryset: QuerySet[Person]) -> QuerySet[Person]:
    return queryset.prefetch_related(Prefetch("names", queryset=PersonName.objects.all()))


def _children_named() -> Prefetch:
    return Prefetch("children", queryset=_named(Person.objects.all()))


def current_stays(*, user: User, refuge: Refuge) -> list[Stay]:
    """The stays not yet ended, with the woman and her children; only for the provider's staff."""
    authorize_stays(user=user, action=Action.VIEW, refuge=refuge)
    return list(
        visible(user=user, action=Action.VIEW, queryset=Stay.objects.all())
        .filter(refuge=refuge, departed_on__isnull=True)
        .select_related("person")
        .prefetch_related("person__names", _children_named())
        .order_by("arrived_on")
    )


def stay_get(*, user: User, stay_id: UUID | str, action: str = Action.VIEW) -> Stay:
    """One stay the user may ``action``; ``AccessDenied`` (404) otherwise."""
    stay = (
        visible(user=user, action=action, queryset=Stay.objects.all())
        .select_related("refuge", "refuge__provider", "person")
        .prefetch_related("person__names", _children_named())
        .filter(pk=stay_id)
        .first()
    )
    if stay is None:
        raise AccessDenied(action, Resource.REFUGE_STAY, stay_id)
    return stay


def children_of(*, user: User, person: Person) -> list[Person]:
    """The person's children (recorded relationships) the user may also see."""
    people = visible(user=user, action=Action.VIEW, queryset=Person.objects.all())
    children = Relationship.objects.filter(person=person, kind=Relationship.Kind.PARENT).values(
        "related_person_id"
    )
    return list(_named(people.filter(pk__in=children)).order_by("-date_of_birth", "pk"))


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


def recent_half_years(*, today: date, count: int = 4) -> list[Period]:
    """The financial half-years (April-September, October-March) up to ``today``, latest
    first; the current one ends today."""
    year = today.year if today.month >= 4 else today.year - 1
    first_half = 4 <= today.month <= 9
    periods = []
    for _ in range(count):
        if first_half:
            start, end = date(year, 4, 1), date(year, 9, 30)
            label = f"April to September {year}"
        else:
            start, end = date(year, 10, 1), date(year + 1, 3, 31)
            label = f"October {year} to March {year + 1}"
        periods.append(Period(label, start, min(end, today)))
        if first_half:
            year, first_half = year - 1, False
        else:
            first_half = True
    return periods
